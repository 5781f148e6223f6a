package io.distok.recsys;

import io.distok.quant.CodeTuple;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.testdata.SyntheticData;
import io.distok.quant.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemanticIdTest {
  static final SemanticIdConfig SMALL = SemanticIdConfig.DEFAULT.withCodebookSizes(16, 16, 8).withNiter(10);

  @TempDir
  Path dir;

  static ItemEmbeddings catalogue(int n, int d, long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(n, d, 40, 0.3, seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("item-%05d", i));
    }
    return new ItemEmbeddings(ids, x);
  }

  /** A catalogue in which groups of items have identical embeddings: they must collide before any policy. */
  static ItemEmbeddings withDuplicates() {
    ItemEmbeddings base = catalogue(400, 8, 5);
    FloatMatrix x = base.vectors().copy();
    for (int i = 1; i < 4; i++) {
      x.setRow(i, x.rowCopy(0)); // items 0..3 identical
    }
    x.setRow(11, x.rowCopy(10));
    return new ItemEmbeddings(base.ids(), x);
  }

  @Test
  void defaultRecipeGivesUniqueIdsAndTokens() {
    ItemEmbeddings items = catalogue(3000, 16, 1);
    SemanticIdModel m = SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE);
    Set<CodeTuple> seen = new HashSet<>();
    for (String id : m.items()) {
      assertTrue(seen.add(new CodeTuple(m.codes(id))), "duplicate final ID for " + id);
    }
    assertEquals(4, m.idLength());
    assertTrue(m.tokens("item-00007").matches("<a_\\d+><b_\\d+><c_\\d+><d_\\d+>"), m.tokens("item-00007"));
    SemanticIdModel plain = SemanticIdTrainer.fit(items, SMALL.withFormat(new TokenFormat(TokenFormat.Style.PLAIN,
        null, null)), ProgressListener.NONE);
    assertTrue(plain.tokens("item-00007").matches("\\d+-\\d+-\\d+-\\d+"), plain.tokens("item-00007"));
    SemanticIdModel wrapped = SemanticIdTrainer.fit(items, SMALL.withFormat(new TokenFormat(TokenFormat.Style.ANGLE,
        "<sid>", "</sid>")), ProgressListener.NONE);
    assertTrue(wrapped.tokens("item-00007").startsWith("<sid><a_"));
    assertEquals(2 + 16 + 16 + 8 + 256, wrapped.vocabulary().size());
  }

  @Test
  void balancingCutsCollisionsAndKeepsEveryCodeAlive() {
    ItemEmbeddings items = catalogue(3000, 16, 2);
    SemanticIdConfig none = SMALL.withCollision(CollisionPolicy.Kind.NONE);
    SemanticIdReport plain = SemanticIdReport.of(SemanticIdTrainer.fit(items, none.withBalanced(false),
        ProgressListener.NONE), items, 200, 1);
    SemanticIdReport balanced = SemanticIdReport.of(SemanticIdTrainer.fit(items, none, ProgressListener.NONE), items,
        200, 1);
    assertTrue(balanced.rawCollisionRate() < plain.rawCollisionRate(),
        balanced.rawCollisionRate() + " vs " + plain.rawCollisionRate());
    assertEquals(balanced.rawCollisionRate(), balanced.finalCollisionRate(), 1e-12, "policy none changes nothing");
    @SuppressWarnings("unchecked")
    var levels = (List<java.util.Map<String, Object>>) balanced.toMap().get("perLevel");
    for (var lv : levels) {
      assertEquals(1.0, ((Number) lv.get("utilization")).doubleValue(), 1e-12, "level " + lv.get("level"));
    }
    double p1 = ((Number) balanced.toMap().get("neighbourPreservationLevel1")).doubleValue();
    double chance = ((Number) balanced.toMap().get("chanceLevel1")).doubleValue();
    assertTrue(p1 > 5 * chance, "neighbours share level-1 codes far above chance: " + p1 + " vs " + chance);
  }

  @Test
  void bitIdenticalWhateverTheThreadCount() {
    ItemEmbeddings items = catalogue(2000, 8, 3);
    SemanticIdModel a = Parallel.withThreads(1, () -> SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE));
    SemanticIdModel b = Parallel.withThreads(3, () -> SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE));
    for (String id : items.ids()) {
      assertArrayEquals(a.codes(id), b.codes(id), id);
    }
  }

  @Test
  void suffixPolicyNumbersCollidingItemsById() {
    ItemEmbeddings items = withDuplicates();
    // without balancing, identical embeddings share their whole tuple (balancing would pull them apart)
    SemanticIdConfig unbalanced = SMALL.withBalanced(false);
    SemanticIdModel m = SemanticIdTrainer.fit(items, unbalanced, ProgressListener.NONE);
    int[] raw0 = m.rawCodes("item-00000");
    for (int i = 0; i < 4; i++) {
      int[] c = m.codes(String.format("item-%05d", i));
      assertArrayEquals(raw0, java.util.Arrays.copyOf(c, 3));
      assertEquals(i, c[3], "suffix follows id order");
    }
    var e = assertThrows(InvalidInputException.class,
        () -> SemanticIdTrainer.fit(items, unbalanced.withSuffixSize(3), ProgressListener.NONE));
    assertTrue(e.getMessage().matches("[45] items share the code tuple .* but the suffix level has only 3 values.*"), e.getMessage());
  }

  @Test
  void reassignPolicyMovesCollidersToFreeLastLevelCodes() {
    ItemEmbeddings items = withDuplicates();
    SemanticIdModel m = SemanticIdTrainer.fit(items,
        SMALL.withCodebookSizes(16, 16, 64).withBalanced(false).withCollision(CollisionPolicy.Kind.REASSIGN),
        ProgressListener.NONE);
    assertArrayEquals(m.rawCodes("item-00000"), m.rawCodes("item-00001"), "raw tuples collide");
    assertEquals(3, m.idLength());
    Set<CodeTuple> ids = new HashSet<>();
    for (String id : m.items()) {
      assertTrue(ids.add(new CodeTuple(m.codes(id))), id);
    }
    int[] first = m.codes("item-00000");
    assertArrayEquals(m.rawCodes("item-00000"), first, "the first item by id keeps its tuple");
    int[] second = m.codes("item-00001");
    assertEquals(first[0], second[0]);
    assertEquals(first[1], second[1]);
  }

  @Test
  void reassignFailsClearlyWhenAPrefixIsFull() {
    FloatMatrix x = new FloatMatrix(5, 2);
    List<String> ids = List.of("a", "b", "c", "d", "e");
    var e = assertThrows(InvalidInputException.class, () -> SemanticIdTrainer.fit(new ItemEmbeddings(ids, x),
        SMALL.withCodebookSizes(2, 2).withBalanced(false).withCollision(CollisionPolicy.Kind.REASSIGN),
        ProgressListener.NONE));
    assertTrue(e.getMessage().contains("every last-level code under prefix"), e.getMessage());
  }

  @Test
  void newItemsNeverMoveExistingIdsAndTakeTheNextFreeSuffix() throws IOException {
    ItemEmbeddings items = catalogue(1500, 8, 4);
    SemanticIdModel m = SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE);
    // a new item with the same embedding as an existing one collides and must take the next suffix
    FloatMatrix nx = FloatMatrix.ofRows(items.vectors().rowCopy(10), items.vectors().rowCopy(20));
    ItemEmbeddings fresh = new ItemEmbeddings(List.of("new-a", "item-00020"), nx);
    SemanticIdModel.Assignment a = m.assign(fresh);
    assertEquals(List.of("new-a"), a.added());
    assertArrayEquals(m.codes("item-00020"), a.ids().get("item-00020"), "known items keep their ID");
    int[] twin = m.codes("item-00010");
    int[] got = a.ids().get("new-a");
    assertArrayEquals(java.util.Arrays.copyOf(twin, 3), java.util.Arrays.copyOf(got, 3));
    assertTrue(m.trie().itemsWithPrefix(got).isEmpty(), "the new ID was free in the old model");
    for (String id : items.ids()) {
      assertArrayEquals(m.codes(id), a.model().codes(id));
    }
    // save, reload: identical IDs, and the same answer for the same new item
    SemanticIdStore.save(m, null, dir.resolve("model"));
    SemanticIdModel back = SemanticIdStore.load(dir.resolve("model"));
    for (String id : items.ids()) {
      assertArrayEquals(m.codes(id), back.codes(id));
      assertArrayEquals(m.rawCodes(id), back.rawCodes(id));
    }
    assertArrayEquals(got, back.assign(fresh).ids().get("new-a"));
    // one identity for the codebooks and settings: after assigning and after reloading, not for another fit
    assertEquals(m.fingerprint(), a.model().fingerprint());
    assertEquals(m.fingerprint(), back.fingerprint());
    assertNotEquals(m.fingerprint(), SemanticIdTrainer.fit(items, SMALL.withSeed(SMALL.seed() + 1),
        ProgressListener.NONE).fingerprint());
    assertNotEquals(m.fingerprint(), SemanticIdTrainer.fit(items, SMALL.withFormat(new TokenFormat(
        TokenFormat.Style.PLAIN, null, null)), ProgressListener.NONE).fingerprint(), "the token format is part of it");
    var e = assertThrows(InvalidInputException.class,
        () -> m.assign(new ItemEmbeddings(List.of("x"), new FloatMatrix(1, 9))));
    assertTrue(e.getMessage().contains("dimension 9 != 8"), e.getMessage());
  }

  /**
   * New items whose tuple has no free suffix move to the nearest last-level code of the same prefix that has
   * one; only when the whole prefix is full does assignment fail, naming the prefix.
   */
  @Test
  void newItemsSpillToTheNearestLastCodeWhenTheirSuffixesAreTaken() {
    ItemEmbeddings items = catalogue(600, 8, 12);
    SemanticIdConfig config = SMALL.withSuffixSize(3);
    SemanticIdModel m = SemanticIdTrainer.fit(items, config, ProgressListener.NONE);
    SemanticIdModel first = m.assign(twins("twin-first", 1, items)).model();
    int[] raw = first.rawCodes("twin-first-0");
    int[] prefix = java.util.Arrays.copyOf(raw, 2);
    // 8 last codes x 3 suffixes under the prefix
    int free = 8 * 3 - first.trie().countWithPrefix(prefix);
    SemanticIdModel.Assignment a = first.assign(twins("twin", free, items));
    Set<CodeTuple> seen = new HashSet<>();
    int spilled = 0;
    for (String id : a.added()) {
      int[] c = a.ids().get(id);
      assertArrayEquals(prefix, java.util.Arrays.copyOf(c, 2), "same prefix for " + id);
      assertTrue(seen.add(new CodeTuple(c)), "distinct IDs");
      assertEquals(List.of(id), a.model().itemsWithId(c));
      spilled += c[2] != raw[2] ? 1 : 0;
    }
    assertEquals(free, a.added().size());
    assertTrue(spilled >= free - 2, "at most 2 more fit under the raw tuple, " + spilled + " of " + free + " moved");
    assertEquals(24, a.model().trie().countWithPrefix(prefix), "the prefix is full");
    var e = assertThrows(InvalidInputException.class, () -> a.model().assign(twins("late", 1, items)));
    assertTrue(e.getMessage().contains("suffixes of every last-level code under prefix"), e.getMessage());
  }

  /** {@code count} new items with the embedding of item 7. */
  private static ItemEmbeddings twins(String name, int count, ItemEmbeddings items) {
    List<String> ids = new ArrayList<>();
    float[][] rows = new float[count][];
    for (int i = 0; i < count; i++) {
      ids.add(name + "-" + i);
      rows[i] = items.vectors().rowCopy(7);
    }
    return ItemEmbeddings.of(ids, rows);
  }

  @Test
  void prefixTrieAnswersConstrainedDecodingQueries() {
    ItemEmbeddings items = catalogue(1000, 8, 6);
    SemanticIdModel m = SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE);
    PrefixTrie trie = m.trie();
    int[] id = m.codes("item-00042");
    int[] level1 = trie.allowedNext();
    assertTrue(java.util.Arrays.stream(level1).anyMatch(c -> c == id[0]));
    assertTrue(java.util.Arrays.stream(trie.allowedNext(id[0], id[1])).anyMatch(c -> c == id[2]));
    assertEquals(0, trie.allowedNext(id).length, "a full ID has no continuation");
    List<String> under = trie.itemsWithPrefix(id[0]);
    assertTrue(under.contains("item-00042"));
    for (String item : under) {
      assertEquals(id[0], m.codes(item)[0]);
    }
    assertEquals(under.size(), trie.countWithPrefix(id[0]));
    assertEquals(List.of("item-00042"), trie.itemsWithPrefix(id));
    assertTrue(trie.allowedNextTokens(m.config().format(), id[0]).contains("<b_" + id[1] + ">"));
  }

  @Test
  void reportAndExportFiles() throws IOException {
    ItemEmbeddings items = catalogue(800, 8, 7);
    SemanticIdModel m = SemanticIdTrainer.fit(items, SMALL, ProgressListener.NONE);
    SemanticIdReport r = SemanticIdReport.of(m, items, 100, 1);
    assertTrue(r.toTable().contains("collision rate"), r.toTable());
    assertEquals(0.0, r.finalCollisionRate(), 1e-12);
    SemanticIdStore.save(m, r, dir.resolve("m"));
    assertEquals(r.rawCollisionRate(), SemanticIdStore.loadReport(dir.resolve("m")).rawCollisionRate(), 0);
    SemanticIdStore.export(m, dir.resolve("export"));
    List<String> vocab = Files.readAllLines(dir.resolve("export/vocabulary.txt"));
    assertEquals(16 + 16 + 8 + 256, vocab.size());
    assertEquals("<a_0>", vocab.get(0));
    List<Object> added = JSON.std.listFrom(Files.readString(dir.resolve("export/added_tokens.json")));
    assertEquals(vocab, added);
    List<String> map = Files.readAllLines(dir.resolve("export/item2id.tsv"));
    assertEquals(801, map.size());
    assertTrue(map.get(1).startsWith("item-00000\t<a_"), map.get(1));
  }

  @Test
  void badInputsAreClear() throws IOException {
    var e = assertThrows(InvalidInputException.class,
        () -> new ItemEmbeddings(List.of("a", "a"), new FloatMatrix(2, 3)));
    assertTrue(e.getMessage().contains("duplicate item id 'a'"), e.getMessage());
    Path npy = dir.resolve("x.npy");
    Npy.write(npy, new FloatMatrix(3, 2));
    Path ids = dir.resolve("ids.txt");
    Files.writeString(ids, "a\nb\n");
    e = assertThrows(InvalidInputException.class, () -> ItemEmbeddings.read(npy, ids));
    assertTrue(e.getMessage().contains("2 ids but"), e.getMessage());
    FloatMatrix bad = new FloatMatrix(2, 2);
    bad.set(1, 1, Float.NaN);
    e = assertThrows(InvalidInputException.class, () -> new ItemEmbeddings(List.of("a", "b"), bad));
    assertTrue(e.getMessage().contains("NaN in row 1"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> SemanticIdStore.load(dir));
    assertTrue(e.getMessage().contains("not a distok semantic-ID model"), e.getMessage());
  }

  /** A saved model whose item file was edited is refused; a malformed code names the file and line. */
  @Test
  void editedOrMalformedItemFilesAreRefused() throws IOException {
    SemanticIdModel m = SemanticIdTrainer.fit(catalogue(300, 8, 2), SMALL, ProgressListener.NONE);
    Path model = dir.resolve("model");
    SemanticIdStore.save(m, null, model);
    Path items = model.resolve("items.tsv");
    List<String> lines = new ArrayList<>(Files.readAllLines(items));
    lines.set(3, lines.get(3).replaceFirst("\t[0-9]+,", "\tx,"));
    Files.write(items, lines);
    var e = assertThrows(InvalidInputException.class, () -> SemanticIdStore.load(model));
    assertTrue(e.getMessage().contains("items.tsv: checksum mismatch"), e.getMessage());
    // the same edit with the checksum entry removed: the parser must still name file and line
    Path meta = model.resolve("semantic-ids.json");
    String json = Files.readString(meta);
    Files.writeString(meta, json.replaceAll("(?s),\\s*\"checksums\"\\s*:\\s*\\{[^}]*\\}", ""));
    e = assertThrows(InvalidInputException.class, () -> SemanticIdStore.load(model));
    assertTrue(e.getMessage().contains("items.tsv, line 4: codes must be comma-separated integers"), e.getMessage());
  }

  /** Semantic-ID codebooks come from balanced level-wise training and are never refined: the model says so. */
  @Test
  void modelRecordsNoRefinement() {
    SemanticIdModel m = SemanticIdTrainer.fit(catalogue(300, 8, 2), SMALL, ProgressListener.NONE);
    assertEquals(0, m.quantizer().params().refineRounds());
    assertEquals(0, m.quantizer().parameters().get("refineRounds"));
  }

  /** Export lists exactly the tokens IDs are made of; plain IDs are text and take no wrappers. */
  @Test
  void exportedVocabularyCoversEveryTokenOfEveryId() throws IOException {
    TokenFormat angle = new TokenFormat(TokenFormat.Style.ANGLE, "<sid>", "</sid>");
    SemanticIdModel m = SemanticIdTrainer.fit(withDuplicates(), SMALL.withFormat(angle), ProgressListener.NONE);
    Path out = dir.resolve("export");
    SemanticIdStore.export(m, out);
    Set<String> vocab = new HashSet<>(Files.readAllLines(out.resolve("vocabulary.txt")));
    for (String item : m.items()) {
      String id = m.tokens(item);
      java.util.regex.Matcher t = java.util.regex.Pattern.compile("<[^>]+>").matcher(id);
      int tokens = 0;
      while (t.find()) {
        assertTrue(vocab.contains(t.group()), t.group() + " of " + id + " is not in the vocabulary");
        tokens++;
      }
      assertEquals(m.idLength() + 2, tokens, id);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> new TokenFormat(TokenFormat.Style.PLAIN, "<sid>",
        null));
    assertTrue(e.getMessage().contains("angle-style IDs only"), e.getMessage());
    SemanticIdModel plain = SemanticIdTrainer.fit(withDuplicates(), SMALL.withFormat(new TokenFormat(
        TokenFormat.Style.PLAIN, null, null)), ProgressListener.NONE);
    Path plainOut = dir.resolve("plain");
    SemanticIdStore.export(plain, plainOut);
    assertEquals("", Files.readString(plainOut.resolve("vocabulary.txt")));
    assertEquals("[]", Files.readString(plainOut.resolve("added_tokens.json")).strip());
    List<String> rows = Files.readAllLines(plainOut.resolve("item2id.tsv"));
    assertTrue(rows.get(1).split("\t")[1].matches("[0-9]+(-[0-9]+)+"), rows.get(1));
  }

  /** After new items are assigned, the report describes the model as it is now. */
  @Test
  void reportAfterAssignCountsTheNewItems() {
    ItemEmbeddings all = catalogue(500, 8, 9);
    ItemEmbeddings first = new ItemEmbeddings(all.ids().subList(0, 400), all.vectors().selectRows(java.util.stream.IntStream.range(0, 400).toArray()));
    ItemEmbeddings rest = new ItemEmbeddings(all.ids().subList(400, 500), all.vectors().selectRows(java.util.stream.IntStream.range(400, 500).toArray()));
    SemanticIdModel m = SemanticIdTrainer.fit(first, SMALL, ProgressListener.NONE);
    SemanticIdReport fitReport = SemanticIdReport.of(m, first, 100, 1);
    SemanticIdModel grown = m.assign(rest).model();
    SemanticIdReport now = SemanticIdReport.refreshed(fitReport, grown);
    assertEquals(500, now.toMap().get("items"));
    assertEquals(400, now.toMap().get("embeddingFiguresItems"));
    assertEquals(fitReport.toMap().get("mse"), now.toMap().get("mse"));
    SemanticIdReport direct = SemanticIdReport.of(grown, all, 100, 1);
    assertEquals(direct.rawCollisionRate(), now.rawCollisionRate(), 1e-12);
    assertEquals(direct.toMap().get("uniqueShareByDepth"), now.toMap().get("uniqueShareByDepth"));
    assertTrue(now.toTable().contains("measured at fit time on 400 items"), now.toTable());
    assertFalse(now.toTable().contains("{"), "no raw Java maps in the table: " + now.toTable());
  }

  /**
   * The report's code figures, counted from the item table through packed keys (tuples of up to 64 bits) or from a
   * copy of the codes (wider tuples: 33 levels of 4 codes are 66 bits), equal the same figures counted directly
   * from a Codes matrix of every item's codes.
   */
  @Test
  void codeFiguresMatchGroupingACopyOfTheCodes() {
    ItemEmbeddings items = withDuplicates();
    SemanticIdConfig plain = SMALL.withBalanced(false);
    for (SemanticIdConfig config : List.of(plain, plain.withCodebookSizes(java.util.stream.IntStream.range(0, 33)
        .map(l -> 4).toArray()))) {
      SemanticIdModel m = SemanticIdTrainer.fit(items, config, ProgressListener.NONE);
      int n = m.size();
      io.distok.quant.Codes raw = new io.distok.quant.Codes(n, m.config().levels());
      io.distok.quant.Codes fin = new io.distok.quant.Codes(n, m.idLength());
      for (int i = 0; i < n; i++) {
        int[] r = m.rawCodes(m.items().get(i));
        int[] f = m.codes(m.items().get(i));
        for (int j = 0; j < r.length; j++) {
          raw.set(i, j, r[j]);
        }
        for (int j = 0; j < f.length; j++) {
          fin.set(i, j, f[j]);
        }
      }
      SemanticIdReport.CodeFigures c = SemanticIdReport.refreshed(null, m).codes();
      String what = m.config().levels() + " levels";
      assertEquals(io.distok.quant.TupleGroups.sharedRate(raw, raw.codesPerRow()), c.rawCollisionRate(), what);
      assertEquals(io.distok.quant.TupleGroups.sharedRate(fin, fin.codesPerRow()), c.finalCollisionRate(), what);
      for (int d = 1; d <= raw.codesPerRow(); d++) {
        assertEquals(1 - io.distok.quant.TupleGroups.sharedRate(raw, d), c.uniqueShareByDepth().get(d - 1), what);
      }
      java.util.TreeMap<Integer, Integer> hist = new java.util.TreeMap<>();
      for (int size : io.distok.quant.TupleGroups.sizes(raw, raw.codesPerRow())) {
        hist.merge(size, 1, Integer::sum);
      }
      assertEquals(hist, c.groupSizeHistogram(), what);
      for (int l = 0; l < raw.codesPerRow(); l++) {
        var u = io.distok.quant.CodebookUsage.of(raw, l, m.config().codebookSizes()[l]);
        assertEquals(u.perplexity(), c.perLevel().get(l).perplexity(), what + ", level " + (l + 1));
        assertEquals(u.deadCodes(), c.perLevel().get(l).deadCodes(), what + ", level " + (l + 1));
      }
      assertTrue(c.rawCollisionRate() > 0, what + ": the duplicated items share tuples");
    }
  }
}
