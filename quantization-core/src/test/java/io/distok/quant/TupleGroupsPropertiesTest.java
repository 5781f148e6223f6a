package io.distok.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** TupleGroups against a sorted map of prefixes; jqwik prints each run's seed. */
class TupleGroupsPropertiesTest {

  /**
   * Group sizes come in prefix order and count the rows of each prefix, both when the prefixes pack into a long
   * (small codes) and when they do not (codes of up to 2^31 - 1 over several positions); the order puts rows of
   * one prefix together, ties by row.
   */
  @Property(tries = 100)
  void sizesAndOrderFollowTheSortedPrefixes(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 1, max = 5) int m, @ForAll boolean wideValues, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Codes codes = new Codes(n, m);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        codes.set(i, j, wideValues && rng.nextInt(4) == 0 ? Integer.MAX_VALUE - rng.nextInt(3) : rng.nextInt(3));
      }
    }
    int prefix = rng.nextInt(m + 1);
    TreeMap<List<Integer>, List<Integer>> groups = new TreeMap<>((a, b) -> {
      for (int j = 0; j < a.size(); j++) {
        int c = Integer.compare(a.get(j), b.get(j));
        if (c != 0) {
          return c;
        }
      }
      return 0;
    });
    for (int i = 0; i < n; i++) {
      List<Integer> key = new ArrayList<>();
      for (int j = 0; j < prefix; j++) {
        key.add(codes.get(i, j));
      }
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
    }
    int[] expectedSizes = groups.values().stream().mapToInt(List::size).toArray();
    int[] expectedOrder = groups.values().stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
    assertArrayEquals(expectedSizes, TupleGroups.sizes(codes, prefix));
    assertArrayEquals(expectedOrder, TupleGroups.order(codes, prefix));
    long shared = groups.values().stream().filter(g -> g.size() > 1).mapToLong(List::size).sum();
    assertEquals(n == 0 ? 0 : shared / (double) n, TupleGroups.sharedRate(codes, prefix), 1e-12);
  }

  /**
   * Packed sorted keys give the same shared-row counts at every depth as grouping the codes, with positions of a
   * single code (0 bits) and, for wide rows, sizes of 31 + 31 + 2 bits that fill all 64 (keys with the top code
   * near its maximum go negative); one bit more is refused.
   */
  @Property(tries = 100)
  void packedKeysCountSharedRowsAsGroupingDoes(@ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 1, max = 5) int m, @ForAll boolean wide, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] sizes = new long[wide ? 3 : m];
    for (int j = 0; j < sizes.length; j++) {
      sizes[j] = wide ? (j < 2 ? Integer.MAX_VALUE : 4) : 1 + rng.nextInt(5);
    }
    Codes codes = new Codes(n, sizes.length);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < sizes.length; j++) {
        // wide codes crowd near the top of their range, so rows still share prefixes
        codes.set(i, j, (int) (wide && j < 2 ? sizes[j] - 1 - rng.nextInt(3) : rng.nextLong(sizes[j])));
      }
    }
    int[] bits = TupleGroups.packingBits(sizes);
    long[] keys = TupleGroups.sortedPackedRows(n, bits, codes::get);
    long[] shared = TupleGroups.sharedRowsByDepth(keys, bits);
    for (int d = 1; d <= sizes.length; d++) {
      assertEquals(TupleGroups.sharedRows(codes, d), shared[d - 1], "depth " + d + " of sizes "
          + java.util.Arrays.toString(sizes));
    }
    if (wide) {
      assertEquals(64, java.util.Arrays.stream(bits).sum());
      assertNull(TupleGroups.packingBits(new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 5}), "65 bits");
    }
  }
}
