package io.distok.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.BitSet;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HammingTest {

  /** Packed sign codes and their distances agree with a BitSet built bit by bit; jqwik prints the seed. */
  @Property(tries = 50)
  void distancesMatchBitSets(@ForAll @IntRange(min = 1, max = 300) int d,
      @ForAll @IntRange(min = 1, max = 20) int n, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[(n + 1) * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (rng.nextDouble() - 0.5);
    }
    long[] packed = Hamming.packSigns(x, n + 1, d);
    int words = (d + 63) / 64;
    long[] query = java.util.Arrays.copyOf(packed, words);
    long[] codes = java.util.Arrays.copyOfRange(packed, words, packed.length);
    int[] out = new int[n];
    Hamming.distances(query, codes, words, out);
    for (int i = 0; i < n; i++) {
      BitSet a = new BitSet();
      BitSet b = new BitSet();
      for (int t = 0; t < d; t++) {
        a.set(t, x[t] > 0);
        b.set(t, x[(i + 1) * d + t] > 0);
      }
      a.xor(b);
      assertEquals(a.cardinality(), out[i], "code " + i + " d=" + d);
    }
  }

  @Test
  void shortArraysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Hamming.distances(new long[1], new long[3], 2, new int[2]));
  }
}
