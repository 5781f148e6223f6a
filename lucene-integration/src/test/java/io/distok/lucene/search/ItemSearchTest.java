package io.distok.lucene.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.lucene.index.ItemIndexWriter;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Item search on a real on-disk index under target/indexes: prefix, related, generated-ID resolution, vector
 * search with code-token candidates, hybrid constraints, and incremental updates. The random choices print their
 * seed.
 */
class ItemSearchTest {
  static final int N = 1500;
  static final int D = 16;
  static final SemanticIdConfig CONFIG = SemanticIdConfig.DEFAULT.withCodebookSizes(16, 16, 8).withNiter(10);
  static ItemEmbeddings items;
  static SemanticIdModel model;
  static Map<String, Map<String, Object>> fields;

  static {
    fit();
  }

  /** The fixture, also used by other tests of the package (hence a static initialiser, not a JUnit hook). */
  private static void fit() {
    FloatMatrix x = SyntheticData.gaussianClusters(N, D, 30, 0.3, 11);
    List<String> ids = IntStream.range(0, N).mapToObj(i -> "item-" + i).toList();
    items = new ItemEmbeddings(ids, x);
    model = SemanticIdTrainer.fit(items, CONFIG, ProgressListener.NONE);
    fields = new LinkedHashMap<>();
    for (int i = 0; i < N; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("title", (i % 3 == 0 ? "red lipstick " : "blue mascara ") + "no " + i);
      f.put("price", i % 50 + 0.5);
      f.put("year", 2000 + i % 20);
      f.put("vegan", i % 2 == 0);
      fields.put(ids.get(i), f);
    }
  }

  static Path freshDir(String name) throws IOException {
    Path dir = Path.of("target", "indexes", name + "-" + System.nanoTime());
    Files.createDirectories(dir.getParent());
    return dir;
  }

  static Path indexAll(String name, boolean vectors) throws IOException {
    Path dir = freshDir(name);
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, vectors, "test model")) {
      assertTrue(w.put(items, fields, "fields").isEmpty(), "every item is known to the model");
      w.commit();
    }
    return dir;
  }

  /** The items whose ID starts with {@code prefix}, in ID order (the model's codes, compared lexicographically). */
  static List<String> expectedUnder(SemanticIdModel m, int[] prefix) {
    List<String> out = new ArrayList<>();
    for (String id : m.items()) {
      if (Arrays.equals(Arrays.copyOf(m.codes(id), prefix.length), prefix)) {
        out.add(id);
      }
    }
    out.sort(Comparator.comparing(m::codes, Arrays::compare));
    return out;
  }

  @Test
  void prefixSearchFindsExactlyTheItemsUnderThePrefixInIdOrder() throws IOException {
    long seed = new SplittableRandom().nextLong();
    System.out.println("prefixSearch seed " + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    try (ItemSearcher s = ItemSearcher.open(indexAll("prefix", false), model, "test model")) {
      assertEquals(N, s.size());
      for (int trial = 0; trial < 20; trial++) {
        String item = model.items().get(rng.nextInt(N));
        int depth = 1 + rng.nextInt(model.idLength());
        int[] prefix = Arrays.copyOf(model.codes(item), depth);
        List<String> expected = expectedUnder(model, prefix);
        String text = model.config().format().format(prefix);
        List<String> got = s.underPrefix(text, N, null).stream().map(ItemSearcher.Hit::id).toList();
        assertEquals(expected, got, "prefix " + text + " (seed " + seed + ")");
        // the other token style names the same prefix
        String dashed = String.join("-", Arrays.stream(prefix).mapToObj(Integer::toString).toList());
        assertEquals(expected, s.underPrefix(dashed, N, null).stream().map(ItemSearcher.Hit::id).toList());
      }
      var e = assertThrows(InvalidInputException.class, () -> s.underPrefix("<a_1><c_2>", 10, null));
      assertTrue(e.getMessage().startsWith("prefix '<a_1><c_2>'"), e.getMessage());
    }
  }

  @Test
  void relatedItemsShareTheDeepestPrefixFirst() throws IOException {
    long seed = new SplittableRandom().nextLong();
    System.out.println("related seed " + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    try (ItemSearcher s = ItemSearcher.open(indexAll("related", false), model, "test model")) {
      for (int trial = 0; trial < 20; trial++) {
        String item = model.items().get(rng.nextInt(N));
        int[] id = model.codes(item);
        List<ItemSearcher.Hit> hits = s.related(item, 25, null);
        // expected: every other item sharing at least level 1, deepest shared prefix first, then in ID order
        List<String> expected = new ArrayList<>(model.items().stream().filter(o -> !o.equals(item)
            && shared(model.codes(o), id) > 0).toList());
        expected.sort(Comparator.<String>comparingInt(o -> -shared(model.codes(o), id))
            .thenComparing(model::codes, Arrays::compare));
        assertEquals(expected.subList(0, Math.min(25, expected.size())), hits.stream().map(ItemSearcher.Hit::id)
            .toList(), item + " (seed " + seed + ")");
        for (ItemSearcher.Hit h : hits) {
          assertEquals(shared(model.codes(h.id()), id), h.score(), 1e-6, "score = shared depth");
        }
      }
      var e = assertThrows(InvalidInputException.class, () -> s.related("no-such-item", 5, null));
      assertTrue(e.getMessage().contains("'no-such-item' is not in the index"), e.getMessage());
    }
  }

  static int shared(int[] a, int[] b) {
    int n = 0;
    while (n < a.length && n < b.length && a[n] == b[n]) {
      n++;
    }
    return n;
  }

  @Test
  void generatedIdsResolveExactlyOrToTheirLongestValidPrefix() throws IOException {
    try (ItemSearcher s = ItemSearcher.open(indexAll("resolve", false), model, "test model")) {
      String item = model.items().get(7);
      int[] id = model.codes(item);
      String tokens = model.tokens(item);
      ItemSearcher.Resolution exact = s.resolve("<sid>" + tokens + "</sid> and some chatter", 10);
      assertTrue(exact.exact(), exact.toString());
      assertNotNull(exact.problem(), "the chatter after the ID is reported");
      assertTrue(s.resolve(tokens, 10).problem() == null);
      assertEquals(List.of(item), exact.items().stream().map(ItemSearcher.Hit::id).toList());
      // the last code out of range: the items of the prefix before it, depth reported, problem named
      int[] bad = id.clone();
      bad[bad.length - 1] = model.positionSizes()[bad.length - 1] + 5;
      ItemSearcher.Resolution partial = s.resolve(model.config().format().format(bad), 50);
      assertFalse(partial.exact());
      assertEquals(id.length - 1, partial.matchedDepth());
      assertNotNull(partial.problem());
      assertTrue(partial.problem().contains("outside"), partial.problem());
      assertEquals(expectedUnder(model, Arrays.copyOf(id, id.length - 1)).subList(0, Math.min(50,
          expectedUnder(model, Arrays.copyOf(id, id.length - 1)).size())), partial.items().stream()
          .map(ItemSearcher.Hit::id).toList());
      // a well-formed ID that names no item: the deepest prefix that does
      int[] free = null;
      for (int c = 0; c < model.positionSizes()[1] && free == null; c++) {
        int[] probe = {id[0], c, 0, 0};
        if (expectedUnder(model, Arrays.copyOf(probe, 2)).isEmpty()) {
          free = probe;
        }
      }
      if (free != null) {
        ItemSearcher.Resolution r = s.resolve(model.config().format().format(free), 10);
        assertEquals(1, r.matchedDepth(), r.toString());
        assertFalse(r.exact());
      }
      var e = assertThrows(InvalidInputException.class, () -> s.resolve("hello there", 10));
      assertTrue(e.getMessage().startsWith("generated ID 'hello there'"), e.getMessage());
    }
  }

  /** Squared L2 distances of every item to q in the model's space; the k nearest, ties by row. */
  static List<String> exactNearest(float[] q, int k) {
    ItemEmbeddings space = model.config().normalize() ? items.normalized() : items;
    float[] qq = q.clone();
    if (model.config().normalize()) {
      io.distok.quant.transform.L2Normalization.normalizeRows(qq, 0, 1, qq.length, qq);
    }
    Integer[] order = new Integer[N];
    double[] dist = new double[N];
    for (int i = 0; i < N; i++) {
      order[i] = i;
      double s = 0;
      for (int t = 0; t < D; t++) {
        double e = qq[t] - space.vectors().get(i, t);
        s += e * e;
      }
      dist[i] = s;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingInt(i -> i));
    return Arrays.stream(order).limit(k).map(i -> items.ids().get(i)).toList();
  }

  /** The k items nearest to q by the model's query scorer on their raw codes, ties by row. */
  static List<String> scorerNearest(float[] q, int k) {
    float[] qq = q.clone();
    io.distok.quant.transform.L2Normalization.normalizeRows(qq, 0, 1, qq.length, qq);
    io.distok.quant.QueryScorer scorer = model.quantizer().scorer(qq);
    double[] dist = new double[N];
    Integer[] order = new Integer[N];
    for (int i = 0; i < N; i++) {
      order[i] = i;
      dist[i] = scorer.squaredDistance(io.distok.quant.Codes.wrap(model.rawCodes(items.ids().get(i)), 1,
          model.config().levels()), 0);
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> dist[i]).thenComparingInt(i -> i));
    return Arrays.stream(order).limit(k).map(i -> items.ids().get(i)).toList();
  }

  @Test
  void vectorSearchFindsTheExactNeighboursFromCodeTokenCandidates() throws IOException {
    long seed = new SplittableRandom().nextLong();
    System.out.println("vector search seed " + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix queries = new FloatMatrix(40, D);
    for (int i = 0; i < queries.rows(); i++) {
      // queries near indexed items, as held-out items of the same catalogue would be
      int base = rng.nextInt(N);
      for (int t = 0; t < D; t++) {
        queries.set(i, t, items.vectors().get(base, t) + (float) (0.1 * rng.nextGaussian()));
      }
    }
    for (boolean vectors : new boolean[] {true, false}) {
      try (ItemSearcher s = ItemSearcher.open(indexAll("vector", vectors), model, "test model")) {
        int found = 0;
        int fewCandidatesFound = 0;
        for (int i = 0; i < queries.rows(); i++) {
          float[] q = queries.rowCopy(i);
          List<String> truth = exactNearest(q, 10);
          List<ItemSearcher.Hit> hits = s.nearest(q, 10, 8, 300, null);
          assertEquals(10, hits.size());
          for (int r = 1; r < hits.size(); r++) {
            assertTrue(hits.get(r - 1).score() <= hits.get(r).score(), "nearest first");
          }
          Set<String> got = new HashSet<>(hits.stream().map(ItemSearcher.Hit::id).toList());
          found += (int) truth.stream().filter(got::contains).count();
          Set<String> few = new HashSet<>(s.nearest(q, 10, 1, 10, null).stream().map(ItemSearcher.Hit::id).toList());
          fewCandidatesFound += (int) truth.stream().filter(few::contains).count();
        }
        double recall = found / (10.0 * queries.rows());
        double fewRecall = fewCandidatesFound / (10.0 * queries.rows());
        System.out.printf("recall@10 with %s rescoring: %.3f (t 8, 300 candidates), %.3f (t 1, 10 candidates)%n",
            vectors ? "vector" : "code", recall, fewRecall);
        // exact rescoring of enough candidates finds nearly every true neighbour; starving the candidates costs
        // recall. Rescoring from codes is bounded by the codes' own error (this model's 16 x 16 x 8 codes on 16-d
        // data are coarse): what it must give is the scorer's own top 10
        if (vectors) {
          assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ")");
        } else {
          for (int i = 0; i < 5; i++) {
            float[] q = queries.rowCopy(i);
            assertEquals(scorerNearest(q, 10), s.nearest(q, 10, 16, N, null).stream().map(ItemSearcher.Hit::id)
                .toList(), "all candidates rescored from codes = the scorer's brute-force top 10");
          }
        }
        // starving the candidates never helps; with vectors it must cost recall, with these coarse codes the ten
        // candidates of the nearest cell can already hold every item the codes rank first (seed
        // -239571711461998758 gave 0.405 both ways)
        if (vectors) {
          assertTrue(fewRecall < recall, fewRecall + " vs " + recall + " (seed " + seed + ")");
        } else {
          assertTrue(fewRecall <= recall, fewRecall + " vs " + recall + " (seed " + seed + ")");
        }
      }
    }
    try (ItemSearcher s = ItemSearcher.open(indexAll("vector-bad", false), model, "test model")) {
      var e = assertThrows(InvalidInputException.class, () -> s.nearest(new float[D + 1], 10, 8, 100, null));
      assertTrue(e.getMessage().contains("query dimension 17 != 16"), e.getMessage());
    }
  }

  /**
   * With codebooks small enough that (level 1, level 2) pairs hold two items on average, the cells are pairs: the
   * nearest cells' items, rescored from vectors, hold the exact neighbours, and visiting every cell gives exactly the
   * brute-force top 10.
   */
  @Test
  void twoLevelCellsFindTheExactNeighbours() throws IOException {
    SemanticIdModel small = SemanticIdTrainer.fit(items, CONFIG.withCodebookSizes(8, 8, 8), ProgressListener.NONE);
    Path dir = freshDir("pairs");
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, small, true, "small model")) {
      w.put(items, Map.of(), "none");
      w.commit();
    }
    try (ItemSearcher s = ItemSearcher.open(dir, small, "small model")) {
      int found = 0;
      for (int i = 0; i < 30; i++) {
        float[] q = items.vectors().rowCopy(i * 37);
        List<String> truth = exactNearest(q, 10);
        assertEquals(truth, s.nearest(q, 10, 8, N, null).stream().map(ItemSearcher.Hit::id).toList(),
            "every cell visited: the exact top 10");
        Set<String> got = new HashSet<>(s.nearest(q, 10, 4, 200, null).stream().map(ItemSearcher.Hit::id).toList());
        found += (int) truth.stream().filter(got::contains).count();
      }
      assertTrue(found >= 0.9 * 300, found + " of 300 neighbours from the nearest cells");
    }
  }

  @Test
  void hybridConstraintsFilterAndRank() throws IOException {
    try (ItemSearcher s = ItemSearcher.open(indexAll("hybrid", true), model, "test model")) {
      String item = model.items().get(0);
      int[] a = Arrays.copyOf(model.codes(item), 1);
      var c = QueryConstraints.of(s.schema(), "title:lipstick", List.of("price<20", "year>=2010", "vegan=true"));
      List<ItemSearcher.Hit> hits = s.underPrefix(model.config().format().format(a), N, c);
      List<String> expected = new ArrayList<>();
      for (String id : expectedUnder(model, a)) {
        Map<String, Object> f = fields.get(id);
        if (((String) f.get("title")).contains("lipstick") && (double) f.get("price") < 20
            && (int) f.get("year") >= 2010 && (boolean) f.get("vegan")) {
          expected.add(id);
        }
      }
      assertEquals(new HashSet<>(expected), new HashSet<>(hits.stream().map(ItemSearcher.Hit::id).toList()));
      List<ItemSearcher.Hit> near = s.nearest(items.vectors().rowCopy(3), 10, 8, 300,
          QueryConstraints.of(s.schema(), null, List.of("price<=10")));
      assertFalse(near.isEmpty());
      for (ItemSearcher.Hit h : near) {
        assertTrue((double) fields.get(h.id()).get("price") <= 10, h.id());
      }
      for (String[] bad : new String[][] {{"colour=red", "no field 'colour'"}, {"price<cheap", "not a double"},
          {"vegan<1", "is a flag"}, {"price", "expected FIELD OP VALUE"}}) {
        var e = assertThrows(InvalidInputException.class, () -> QueryConstraints.of(s.schema(), null,
            List.of(bad[0])));
        assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
      }
      var e = assertThrows(InvalidInputException.class, () -> QueryConstraints.of(s.schema(), "title:(", List.of()));
      assertTrue(e.getMessage().startsWith("text query 'title:('"), e.getMessage());
    }
  }

  @Test
  void incrementalUpdatesKeepTheIndexConsistentWithTheModel() throws IOException {
    Path dir = indexAll("incremental", false);
    // new items (unknown to the model) get their stable IDs; a deleted item leaves no postings; an update
    // replaces the document
    FloatMatrix fresh = SyntheticData.gaussianClusters(30, D, 30, 0.3, 99);
    List<String> freshIds = IntStream.range(0, 30).mapToObj(i -> "new-" + i).toList();
    SemanticIdModel grown;
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, true, "test model")) {
      assertFalse(w.storesVectors(), "an existing index keeps its choice");
      List<String> added = w.put(new ItemEmbeddings(freshIds, fresh), Map.of(), "none");
      assertEquals(freshIds, added);
      w.delete(List.of("item-5", "item-6"));
      Map<String, Map<String, Object>> changed = new HashMap<>();
      changed.put("item-9", Map.of("title", "green lipstick", "price", 3.0));
      w.put(new ItemEmbeddings(List.of("item-9"), items.vectors().selectRows(new int[] {9})), changed, "changes");
      grown = w.model();
      w.commit();
    }
    assertEquals(N + 30, grown.size());
    assertEquals(model.fingerprint(), grown.fingerprint(), "new items do not change the model's identity");
    try (ItemSearcher s = ItemSearcher.open(dir, grown, "grown model")) {
      assertEquals(N + 30 - 2, s.size());
      for (String id : freshIds) {
        int[] sid = grown.codes(id);
        List<String> under = s.underPrefix(grown.config().format().format(sid), 5, null).stream()
            .map(ItemSearcher.Hit::id).toList();
        assertEquals(List.of(id), under, "the new item is found under its full ID");
      }
      int[] deleted = grown.codes("item-5");
      assertFalse(s.underPrefix(grown.config().format().format(Arrays.copyOf(deleted, 1)), N, null).stream()
          .anyMatch(h -> h.id().equals("item-5") || h.id().equals("item-6")), "deleted items leave no postings");
      assertFalse(s.nearest(items.vectors().rowCopy(5), 5, 8, 300, null).stream().anyMatch(h -> h.id().equals(
          "item-5")), "a deleted item is no vector candidate");
      var c = QueryConstraints.of(s.schema(), "title:green", List.of());
      List<ItemSearcher.Hit> green = s.underPrefix(grown.config().format().format(Arrays.copyOf(grown.codes("item-9"),
          1)), N, c);
      assertEquals(List.of("item-9"), green.stream().map(ItemSearcher.Hit::id).toList(), "one document, updated");
    }
  }

  /**
   * Items indexed by their IDs alone (no vector) in an index that stores vectors are rescored from their codes:
   * an item is found by its own vector at its code distance.
   */
  @Test
  void itemsWithoutVectorsAreRescoredFromTheirCodes() throws IOException {
    Path dir = freshDir("mixed");
    List<String> withVectors = items.ids().subList(0, 1000);
    List<String> known = items.ids().subList(1000, N);
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, true, "test model")) {
      w.put(new ItemEmbeddings(withVectors, items.vectors().selectRows(IntStream.range(0, 1000).toArray())), Map.of(),
          "none");
      w.putKnown(known, Map.of(), "known", ProgressListener.NONE);
      w.commit();
      var e = assertThrows(InvalidInputException.class, () -> w.putKnown(List.of("stranger"), Map.of(), "ids.tsv",
          ProgressListener.NONE));
      assertTrue(e.getMessage().startsWith("ids.tsv: item 'stranger' is not in the model"), e.getMessage());
    }
    try (ItemSearcher s = ItemSearcher.open(dir, model, "test model")) {
      assertEquals(N, s.size());
      String target = known.get(7);
      float[] q = items.vectors().rowCopy(items.ids().indexOf(target));
      List<ItemSearcher.Hit> hits = s.nearest(q, N, 16, N, null);
      float[] nq = q.clone();
      io.distok.quant.transform.L2Normalization.normalizeRows(nq, 0, 1, nq.length, nq);
      double codeDistance = model.quantizer().scorer(nq).squaredDistance(io.distok.quant.Codes.wrap(
          model.rawCodes(target), 1, model.config().levels()), 0);
      ItemSearcher.Hit hit = hits.stream().filter(h -> h.id().equals(target)).findFirst().orElseThrow(
          () -> new AssertionError(target + " not among " + hits));
      assertEquals(codeDistance, hit.score(), 1e-5, "scored from its codes");
    }
  }

  @Test
  void anotherModelOrASecondWriterIsRefused() throws IOException {
    Path dir = indexAll("refuse", false);
    SemanticIdModel other = SemanticIdTrainer.fit(items, CONFIG.withSeed(CONFIG.seed() + 1), ProgressListener.NONE);
    var e = assertThrows(InvalidInputException.class, () -> ItemSearcher.open(dir, other, "other-model"));
    assertTrue(e.getMessage().contains("built with model") && e.getMessage().contains("other-model"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> ItemIndexWriter.open(dir, other, false, "other-model"));
    assertTrue(e.getMessage().contains("built with model"), e.getMessage());
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, false, "m")) {
      e = assertThrows(InvalidInputException.class, () -> ItemIndexWriter.open(dir, model, false, "m"));
      assertTrue(e.getMessage().contains("locked by another writer"), e.getMessage());
    }
    e = assertThrows(InvalidInputException.class, () -> ItemSearcher.open(dir.resolve("missing"), model, "m"));
    assertTrue(e.getMessage().contains("no such index directory"), e.getMessage());
    Path empty = freshDir("empty");
    Files.createDirectories(empty);
    e = assertThrows(InvalidInputException.class, () -> ItemSearcher.open(empty, model, "m"));
    assertTrue(e.getMessage().contains("holds no index"), e.getMessage());
    // a field whose type changes is refused before anything is written
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, false, "m")) {
      Map<String, Map<String, Object>> bad = Map.of("item-1", Map.of("price", "cheap"));
      e = assertThrows(InvalidInputException.class, () -> w.put(new ItemEmbeddings(List.of("item-1"),
          items.vectors().selectRows(new int[] {1})), bad, "bad.jsonl"));
      assertTrue(e.getMessage().contains("field 'price' holds text here but double before"), e.getMessage());
    }
  }
}
