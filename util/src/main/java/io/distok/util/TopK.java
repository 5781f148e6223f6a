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
      long[] keys = indexedKeys(v, count);
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

  /**
   * The indices of {@code v[0, count)} in ascending order of value (ties by the smaller index, as {@link
   * #smallest(float[], int, int)} orders them), sorted a block at a time as they are asked for: a caller that stops
   * after the first m of n pays O(n) per block to select plus O(m log m) to sort, instead of O(n log n) for the whole
   * order. The values are read once, at construction.
   */
  public static Ascending ascending(float[] v, int count) {
    return new Ascending(v, count);
  }

  /** See {@link #ascending}. Not thread-safe. */
  public static final class Ascending {
    /** (order-preserving value bits, index) keys; [0, sorted) is in final order, the rest not yet. */
    private final long[] keys;
    private int sorted;
    private int next;

    private Ascending(float[] v, int count) {
      if (count < 0 || count > v.length) {
        throw new IllegalArgumentException("count must be in [0, " + v.length + "], got " + count);
      }
      keys = indexedKeys(v, count);
    }

    /** Whether an index is left. */
    public boolean hasNext() {
      return next < keys.length;
    }

    /**
     * The index of the next smallest value.
     *
     * @throws java.util.NoSuchElementException when every index has been returned
     */
    public int next() {
      if (next == keys.length) {
        throw new java.util.NoSuchElementException("all " + keys.length + " indices were returned");
      }
      if (next == sorted) {
        // the next block (twice the last, at least 64) selected from the rest, then sorted
        int end = (int) Math.min(keys.length, Math.max(64L, 2L * sorted));
        select(keys, sorted, keys.length, end);
        Arrays.sort(keys, sorted, end);
        sorted = end;
      }
      return (int) keys[next++];
    }

    /** Reorders {@code a[from, to)} so that {@code a[from, k)} holds its smallest {@code k - from}, in any order. */
    private static void select(long[] a, int from, int to, int k) {
      int lo = from;
      int hi = to - 1;
      while (lo < hi && k > lo && k <= hi) {
        // median of three as the pivot; keys are distinct (their low half is the index)
        int mid = (lo + hi) >>> 1;
        long pivot = Math.max(Math.min(a[lo], a[mid]), Math.min(Math.max(a[lo], a[mid]), a[hi]));
        int i = lo;
        int j = hi;
        while (i <= j) {
          while (a[i] < pivot) {
            i++;
          }
          while (a[j] > pivot) {
            j--;
          }
          if (i <= j) {
            long t = a[i];
            a[i++] = a[j];
            a[j--] = t;
          }
        }
        // now a[lo, j] <= pivot <= a[i, hi]
        if (k <= j) {
          hi = j;
        } else if (k >= i) {
          lo = i;
        } else {
          return;
        }
      }
    }
  }

  /** One key per value of {@code v[0, count)} whose signed order is (value, index) order: value bits, then index. */
  private static long[] indexedKeys(float[] v, int count) {
    long[] keys = new long[count];
    for (int j = 0; j < count; j++) {
      keys[j] = ((long) sortableBits(v[j]) << 32) | j;
    }
    return keys;
  }

  /** An int whose signed order is the value order of {@code v} (-0.0 taken as 0.0, NaN above infinity). */
  private static int sortableBits(float v) {
    int bits = Float.floatToIntBits(v == 0f ? 0f : v);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }
}
