package io.distok.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** TopK against a full sort by (value, index); jqwik prints the seed of every run. */
class TopKPropertiesTest {

  private static int[] reference(float[] v, int t) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    // zeros of either sign are equal, as the < and > comparisons of the selection treat them
    Arrays.sort(order, (a, b) -> v[a] < v[b] ? -1 : v[a] > v[b] ? 1 : Integer.compare(a, b));
    return Arrays.stream(order).limit(Math.min(t, v.length)).mapToInt(Integer::intValue).toArray();
  }

  /** Gaussian values, or with {@code ties} small integers with zeros of both signs. */
  private static float[] values(SplittableRandom rng, int count, boolean ties) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = ties ? (float) (rng.nextInt(7) - 3) : (float) rng.nextGaussian();
      if (ties && v[i] == 0 && rng.nextBoolean()) {
        v[i] = -0f;
      }
    }
    return v;
  }

  /** Every t, with many ties, negative values and signed zeros: the same indices in the same order. */
  @Property(tries = 300)
  void smallestEqualsSortingByValueThenIndex(@ForAll @IntRange(min = 0, max = 300) int count,
      @ForAll @IntRange(min = 0, max = 310) int t, @ForAll boolean ties, @ForAll long seed) {
    float[] v = values(new SplittableRandom(seed), count, ties);
    double[] w = new double[count];
    for (int i = 0; i < count; i++) {
      w[i] = v[i];
    }
    int[] expected = reference(v, t);
    assertArrayEquals(expected, TopK.smallest(v, count, t));
    assertArrayEquals(expected, TopK.smallest(w, count, t));
  }

  /** The incremental order equals the full sort whatever the count and wherever the caller stops. */
  @Property(tries = 300)
  void ascendingEqualsTheFullSort(@ForAll @IntRange(min = 0, max = 3000) int count, @ForAll boolean ties,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = values(rng, count, ties);
    int[] expected = reference(v, count);
    int stop = rng.nextBoolean() ? count : rng.nextInt(count + 1);
    TopK.Ascending order = TopK.ascending(v, count);
    int[] got = new int[stop];
    for (int i = 0; i < stop; i++) {
      got[i] = order.next();
    }
    assertArrayEquals(Arrays.copyOf(expected, stop), got);
    if (stop == count) {
      org.junit.jupiter.api.Assertions.assertFalse(order.hasNext());
      org.junit.jupiter.api.Assertions.assertThrows(java.util.NoSuchElementException.class, order::next);
    }
  }
}
