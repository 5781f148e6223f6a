package io.distok.quant.kernel;

/**
 * Hamming distances between binary codes packed 64 bits to a {@code long} (bit {@code b} of a code is bit
 * {@code b % 64} of word {@code b / 64}), the scoring kernel of sign and binary codes (LFQ, BSQ). {@link
 * Long#bitCount} compiles to the CPU's population-count instruction, so no vector path is needed for bits
 * identity or speed.
 */
public final class Hamming {
  private Hamming() {}

  /**
   * Number of differing bits between the {@code words}-word codes at {@code a[aOffset..]} and {@code
   * b[bOffset..]}. O(words).
   */
  public static int distance(long[] a, int aOffset, long[] b, int bOffset, int words) {
    int sum = 0;
    for (int w = 0; w < words; w++) {
      sum += Long.bitCount(a[aOffset + w] ^ b[bOffset + w]);
    }
    return sum;
  }

  /**
   * Distances of one query code to each of the {@code out.length} codes stored back to back in {@code codes}
   * ({@code words} words each): {@code out[i] = distance(query, 0, codes, i * words, words)}. O(n words).
   *
   * @throws IllegalArgumentException if {@code query} or {@code codes} is too short for {@code words} and
   *     {@code out.length}
   */
  public static void distances(long[] query, long[] codes, int words, int[] out) {
    if (words < 1 || query.length < words || (long) codes.length < (long) out.length * words) {
      throw new IllegalArgumentException("need a query of " + words + " words and " + out.length + " codes of "
          + words + " words; got " + query.length + " and " + codes.length + " words");
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = distance(query, 0, codes, i * words, words);
    }
  }

  /**
   * Packs sign bits: bit {@code t} of row {@code i} is set when {@code x[i * d + t] > 0}; rows of {@code
   * ceil(d / 64)} words, back to back. O(n d).
   */
  public static long[] packSigns(float[] x, int rows, int d) {
    int words = (d + 63) / 64;
    long[] out = new long[rows * words];
    for (int i = 0; i < rows; i++) {
      for (int t = 0; t < d; t++) {
        if (x[i * d + t] > 0) {
          out[i * words + t / 64] |= 1L << (t % 64);
        }
      }
    }
    return out;
  }
}
