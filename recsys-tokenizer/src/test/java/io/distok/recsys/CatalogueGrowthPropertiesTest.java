package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.io.MatrixStream;
import io.distok.quant.io.Npy;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Randomized properties of the column-wise item table, the flat prefix trie, model snapshots and streamed
 * assignment, each against a plain reference (maps, a sorted map of IDs); jqwik prints each run's seed.
 */
class CatalogueGrowthPropertiesTest {

  /**
   * Items appended in any mix of row-number and other names, codes of 1, 2 or 4 bytes: every snapshot finds
   * exactly its own items and IDs, and the rows sharing an ID come in row order.
   */
  @Property(tries = 40)
  void tableAnswersLikeMapsAtEverySnapshot(@ForAll @IntRange(min = 1, max = 3000) int n,
      @ForAll @IntRange(min = 0, max = 2) int width, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int max = new int[] {200, 40_000, 3_000_000}[width];
    int distinct = 1 + rng.nextInt(Math.max(1, n / 2)); // IDs repeat, as under the "none" policy
    int[][] pool = new int[distinct][];
    for (int i = 0; i < distinct; i++) {
      pool[i] = new int[] {rng.nextInt(max + 1), rng.nextInt(max + 1)};
    }
    int namedFrom = rng.nextBoolean() ? n : rng.nextInt(n); // rows before it are named by their number
    ItemTable t = new ItemTable(1, max, 2, max, 1 + rng.nextInt(40));
    List<String> names = new ArrayList<>();
    List<int[]> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = i < namedFrom ? Integer.toString(i) : "sku-" + rng.nextInt(1 << 30) + "-" + i;
      int[] id = pool[rng.nextInt(distinct)];
      assertEquals(i, t.append(name, new int[] {id[1]}, id));
      names.add(name);
      ids.add(id);
    }
    for (int check = 0; check < 30; check++) {
      int limit = rng.nextInt(n + 1);
      int i = rng.nextInt(n);
      assertEquals(i < limit ? i : -1, t.find(names.get(i), limit), "find " + names.get(i) + " at limit " + limit);
      assertEquals(names.get(i), t.name(i));
      assertArrayEquals(ids.get(i), t.fin.row(i));
      assertEquals(ids.get(i)[1], t.raw.get(i, 0));
      List<Integer> expected = new ArrayList<>();
      for (int r = 0; r < limit; r++) {
        if (Arrays.equals(ids.get(r), ids.get(i))) {
          expected.add(r);
        }
      }
      List<Integer> chain = new ArrayList<>();
      for (int r = t.findId(ids.get(i), limit); r >= 0; r = t.nextWithSameId(r, limit)) {
        chain.add(r);
      }
      assertEquals(expected, chain, "rows with ID " + Arrays.toString(ids.get(i)) + " below " + limit);
    }
    assertEquals(-1, t.find("no-such-item", n));
    assertEquals(-1, t.find("0" + n, n), "a zero-padded number is not a row number");
  }

  /** The flat trie answers like a sorted map of IDs, for the whole trie and for views of a prefix of the items. */
  @Property(tries = 30)
  void trieAnswersLikeASortedMap(@ForAll @IntRange(min = 1, max = 1500) int n,
      @ForAll @IntRange(min = 1, max = 4) int length, @ForAll @IntRange(min = 2, max = 12) int k,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    PrefixTrie.Store store = new PrefixTrie.Store(i -> "item" + i);
    List<int[]> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int[] id = new int[length];
      for (int j = 0; j < length; j++) {
        id[j] = rng.nextInt(k);
      }
      ids.add(id);
      store.add(id, i);
    }
    for (int check = 0; check < 20; check++) {
      int limit = check == 0 ? n : rng.nextInt(n + 1);
      PrefixTrie view = new PrefixTrie(store, limit);
      int[] prefix = Arrays.copyOf(ids.get(rng.nextInt(n)), rng.nextInt(length + 1));
      // reference: items below the limit under the prefix, ordered by ID then by item
      TreeMap<String, List<String>> byId = new TreeMap<>();
      java.util.TreeSet<Integer> next = new java.util.TreeSet<>();
      for (int i = 0; i < limit; i++) {
        int[] id = ids.get(i);
        if (Arrays.equals(Arrays.copyOf(id, prefix.length), prefix)) {
          StringBuilder key = new StringBuilder();
          for (int c : id) {
            key.append(String.format("%03d", c));
          }
          byId.computeIfAbsent(key.toString(), x -> new ArrayList<>()).add("item" + i);
          if (prefix.length < length) {
            next.add(id[prefix.length]);
          }
        }
      }
      List<String> expected = new ArrayList<>();
      byId.values().forEach(expected::addAll);
      assertEquals(expected, view.itemsWithPrefix(prefix), "items under " + Arrays.toString(prefix) + ", limit "
          + limit);
      assertEquals(expected.size(), view.countWithPrefix(prefix));
      assertArrayEquals(next.stream().mapToInt(Integer::intValue).toArray(), view.allowedNext(prefix));
    }
    assertThrows(IllegalStateException.class, () -> new PrefixTrie(store, n).add(new int[length], "x"));
  }

  private static ItemEmbeddings rows(ItemEmbeddings all, int from, int to) {
    return new ItemEmbeddings(all.ids().subList(from, to), all.vectors().selectRows(IntStream.range(from, to)
        .toArray()));
  }

  /**
   * Growing the newest model appends in place and leaves earlier snapshots as they were (items, IDs, trie);
   * growing an older snapshot forks it, and both lines then hold what a fresh replay would give them.
   */
  @Property(tries = 8)
  void snapshotsStayAsTheyWereWhileTheCatalogueGrows(@ForAll @IntRange(min = 200, max = 800) int n,
      @ForAll long seed) throws IOException {
    ItemEmbeddings all = SemanticIdTest.catalogue(n + 300, 8, seed);
    SemanticIdModel base = SemanticIdTrainer.fit(rows(all, 0, n), SemanticIdTest.SMALL, ProgressListener.NONE);
    PrefixTrie baseTrie = base.trie();
    int baseCount = baseTrie.countWithPrefix();
    SemanticIdModel grown = base.assign(rows(all, n, n + 150)).model();
    SemanticIdModel grown2 = grown.assign(rows(all, n + 150, n + 300)).model();
    assertEquals(n, base.size());
    assertEquals(n + 300, grown2.size());
    assertFalse(base.contains(all.ids().get(n)), "the old snapshot does not see new items");
    assertTrue(grown2.contains(all.ids().get(n + 299)));
    assertEquals(baseCount, base.trie().countWithPrefix(), "the old trie counts only its items");
    assertEquals(n + 300, grown2.trie().countWithPrefix());
    assertEquals(n, base.items().size());
    // a fork from the middle snapshot replays like a fresh line from it
    SemanticIdModel fork = grown.assign(rows(all, n + 200, n + 300)).model();
    Path saved = Files.createTempDirectory(Files.createDirectories(Path.of("target", "snapshots")), "t")
        .resolve("grown");
    SemanticIdStore.save(grown, null, saved);
    SemanticIdModel replay = SemanticIdStore.load(saved).assign(rows(all, n + 200, n + 300)).model();
    assertEquals(n + 250, fork.size());
    for (String id : fork.items()) {
      assertArrayEquals(replay.codes(id), fork.codes(id), id);
    }
    for (int i = n; i < n + 300; i++) {
      String id = all.ids().get(i);
      assertArrayEquals(grown2.codes(id), grown2.codes(id));
      if (i < n + 150) {
        assertArrayEquals(grown.codes(id), grown2.codes(id), "IDs never change once given");
      }
    }
    assertFalse(grown.contains(all.ids().get(n + 250)), "the fork did not write into its parent");
    Map<String, int[]> seen = new LinkedHashMap<>();
    for (String id : grown2.items()) {
      int[] c = grown2.codes(id);
      for (int[] other : seen.values()) {
        assertFalse(Arrays.equals(other, c), "final IDs are unique under the suffix policy");
      }
      seen.put(id, c);
      if (seen.size() > 300) {
        break;
      }
    }
  }

  /** Streaming a file in blocks gives the IDs of assigning the same blocks one after the other, in row order. */
  @Property(tries = 4)
  void streamedAssignmentEqualsAssigningTheBlocks(@ForAll @IntRange(min = 1, max = 3) int extraBlocks,
      @ForAll long seed) throws IOException {
    int block = StreamedAssignment.BLOCK;
    int rows = block * extraBlocks + 1 + new SplittableRandom(seed).nextInt(1000);
    FloatMatrix x = SyntheticData.gaussianClusters(rows, 4, 50, 0.3, seed);
    ItemEmbeddings fitted = ItemEmbeddings.numbered(x.selectRows(IntStream.range(0, 3000).toArray()));
    SemanticIdModel m = SemanticIdTrainer.fit(fitted, SemanticIdConfig.DEFAULT.withCodebookSizes(16, 16, 16)
        .withNiter(5), ProgressListener.NONE);
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "streamed")), "t");
    Path file = dir.resolve("all.npy");
    Npy.write(file, x);
    List<String> order = new ArrayList<>();
    List<int[]> streamedIds = new ArrayList<>();
    StreamedAssignment.Result r;
    try (MatrixStream in = MatrixStream.open(file)) {
      r = StreamedAssignment.run(m, in, null, (item, id) -> {
        order.add(item);
        streamedIds.add(id);
      }, ProgressListener.NONE);
    }
    assertEquals(rows, r.rows());
    assertEquals(rows - 3000, r.added(), "the fitted rows are known items");
    SemanticIdModel byBlocks = m;
    for (int from = 0; from < rows; from += block) {
      int to = Math.min(rows, from + block);
      byBlocks = byBlocks.assign(ItemEmbeddings.numberedFrom(from, x.selectRows(IntStream.range(from, to)
          .toArray()))).model();
    }
    for (int i = 0; i < rows; i++) {
      assertEquals(Integer.toString(i), order.get(i));
      assertArrayEquals(byBlocks.codes(order.get(i)), streamedIds.get(i), "row " + i);
      assertArrayEquals(byBlocks.codes(order.get(i)), r.model().codes(order.get(i)));
    }
  }

  /**
   * Training in the embeddings' own storage gives the same raw and final IDs as training on a copy, and leaves
   * every row equal to the (normalised) embedding up to float rounding.
   */
  @Property(tries = 10)
  void trainingInPlaceGivesTheIdsOfTrainingOnACopy(@ForAll @IntRange(min = 50, max = 1500) int n,
      @ForAll boolean normalize, @ForAll long seed) {
    ItemEmbeddings original = SemanticIdTest.catalogue(n, 8, seed);
    SemanticIdConfig config = SemanticIdTest.SMALL.withNormalize(normalize).withSeed(seed);
    SemanticIdModel copied = SemanticIdTrainer.fit(original, config, ProgressListener.NONE);
    ItemEmbeddings expected = normalize ? original.normalized() : original;
    ItemEmbeddings mine = new ItemEmbeddings(original.ids(), original.vectors().copy());
    SemanticIdModel inPlace = SemanticIdTrainer.fitInPlace(mine, config, ProgressListener.NONE);
    for (String id : original.ids()) {
      assertArrayEquals(copied.rawCodes(id), inPlace.rawCodes(id), id);
      assertArrayEquals(copied.codes(id), inPlace.codes(id), id);
    }
    float[] want = expected.vectors().data();
    float[] got = mine.vectors().data();
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "value " + i + " restored");
    }
  }

  /**
   * A numbered catalogue that grows past a power of ten in one block (ids 95..104 after 0..94) still keeps its
   * items by row number: new items are resolved shorter ids first, so rows stay equal to their ids.
   */
  @Property(tries = 5)
  void numberedCataloguesGrowWithoutStoringNames(@ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(105, 4, 5, 0.3, seed);
    SemanticIdModel base = SemanticIdTrainer.fit(ItemEmbeddings.numbered(x.selectRows(IntStream.range(0, 95)
        .toArray())), SemanticIdTest.SMALL, ProgressListener.NONE);
    SemanticIdModel grown = base.assign(ItemEmbeddings.numberedFrom(95, x.selectRows(IntStream.range(95, 105)
        .toArray()))).model();
    assertFalse(grown.storesNames(), "a numbered catalogue stores no names");
    for (int i = 0; i < 105; i++) {
      assertEquals(Integer.toString(i), grown.items().get(i), "row " + i);
      assertTrue(grown.contains(Integer.toString(i)));
    }
  }
}
