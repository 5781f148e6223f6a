package io.distok.util;

import java.util.Arrays;

/** The one top-k selection the project uses: indices of the smallest values, ties by index. */
public final class TopK {
  private TopK() {}

  /**
   * Indices of the {@code t} smallest of {@code v[0, count)}, ascending by value, ties by the smaller index.
   * O(count t) by insertion for small t, O(count log count) by sorting when t is count. NaN ranks after every
   * number, and -0.0 equals 0.0, as {@link Float#compare} after an equality test orders them.
   */
  public static int[] smallest(float[] v, int count, int t) {
    int keep = Math.min(Math.max(t, 0), count);
    if (keep == count) {
      // one primitive sort of (order-preserving value bits, index) keys: no boxing, ties by index
      long[] keys = new long[count];
      for (int j = 0; j < count; j++) {
        keys[j] = ((long) sortableBits(v[j]) << 32) | j;
      }
      Arrays.sort(keys);
      int[] out = new int[count];
      for (int j = 0; j < count; j++) {
        out[j] = (int) keys[j];
      }
      return out;
    }
    int[] top = new int[keep];
    if (keep == 0) {
      return top;
    }
    int size = 0;
    for (int j = 0; j < count; j++) {
      float val = v[j];
      if (size == keep && !(val < v[top[keep - 1]])) {
        continue;
      }
      int p = size < keep ? size++ : keep - 1;
      while (p > 0 && v[top[p - 1]] > val) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = j;
    }
    return top;
  }

  /** As {@link #smallest(float[], int, int)} for double values. */
  public static int[] smallest(double[] v, int count, int t) {
    int keep = Math.min(Math.max(t, 0), count);
    int[] top = new int[keep];
    if (keep == 0) {
      return top;
    }
    int size = 0;
    for (int j = 0; j < count; j++) {
      double val = v[j];
      if (size == keep && !(val < v[top[keep - 1]])) {
        continue;
      }
      int p = size < keep ? size++ : keep - 1;
      while (p > 0 && v[top[p - 1]] > val) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = j;
    }
    return top;
  }

  /** An int whose signed order is the value order of {@code v} (-0.0 taken as 0.0, NaN above infinity). */
  private static int sortableBits(float v) {
    int bits = Float.floatToIntBits(v == 0f ? 0f : v);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }
}
