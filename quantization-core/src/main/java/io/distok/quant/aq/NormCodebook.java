package io.distok.quant.aq;

import java.util.Arrays;

/**
 * The stored norm of additive codes, as faiss's {@code ST_norm_cqint8} keeps it: each encoded vector's squared norm
 * {@code ||x^||^2} is quantized to the nearest of 2^normBits values found by one-dimensional k-means on the training
 * rows' norms, so that a query's distance is {@code ||q||^2 - 2 sum_m <q, c_m> + norm}, O(M) per item instead of the
 * O(M^2) cross terms. Immutable.
 */
final class NormCodebook {
  private static final int ITERATIONS = 25;

  /** The values, ascending. */
  private final float[] values;

  NormCodebook(float[] values) {
    if (values.length < 2) {
      throw new IllegalArgumentException("a norm codebook needs at least 2 values");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i]) || (i > 0 && values[i] < values[i - 1])) {
        throw new IllegalArgumentException("norm codebook values must be finite and ascending");
      }
    }
    this.values = values.clone();
  }

  /**
   * One-dimensional k-means of {@code norms} into {@code size} values: quantile start, then Lloyd iterations on
   * the sorted norms (each cell a contiguous run, found by binary search). O(n log n + iterations size log n).
   */
  static NormCodebook fit(double[] norms, int size) {
    double[] sorted = norms.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + sorted[i];
    }
    double[] c = new double[size];
    for (int j = 0; j < size; j++) {
      c[j] = sorted[(int) Math.min(n - 1, ((2L * j + 1) * n) / (2L * size))];
    }
    for (int it = 0; it < ITERATIONS; it++) {
      int start = 0;
      double[] next = c.clone();
      for (int j = 0; j < size; j++) {
        int end = j == size - 1 ? n : firstAbove(sorted, (c[j] + c[j + 1]) / 2);
        end = Math.max(end, start);
        if (end > start) {
          next[j] = (prefix[end] - prefix[start]) / (end - start);
        }
        start = end;
      }
      Arrays.sort(next);
      c = next;
    }
    float[] v = new float[size];
    for (int j = 0; j < size; j++) {
      v[j] = (float) c[j];
    }
    Arrays.sort(v);
    return new NormCodebook(v);
  }

  private static int firstAbove(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** The code of the value nearest {@code norm} (the lower one on a tie). O(log size). */
  int code(double norm) {
    int lo = 0;
    int hi = values.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid + 1] - norm < norm - values[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  float value(int code) {
    return values[code];
  }

  int size() {
    return values.length;
  }

  float[] values() {
    return values.clone();
  }
}
