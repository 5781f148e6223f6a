package io.distok.testdata;

import io.distok.util.FloatMatrix;


import java.util.SplittableRandom;

/**
 * Deterministic synthetic data for demos and tests: isotropic Gaussian clusters around random centres.
 */
public final class SyntheticData {
  private SyntheticData() {}

  /**
   * {@code n} points in {@code d} dimensions drawn from {@code clusters} Gaussian blobs: centres uniform in
   * {@code [-1, 1]^d}, per-coordinate noise standard deviation {@code noise}. Point {@code i} belongs to blob
   * {@code i % clusters}. O(n d).
   */
  public static FloatMatrix gaussianClusters(int n, int d, int clusters, double noise, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] centres = new float[clusters * d];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    FloatMatrix x = new FloatMatrix(n, d);
    float[] a = x.data();
    for (int i = 0; i < n; i++) {
      int c = i % clusters;
      for (int t = 0; t < d; t++) {
        a[i * d + t] = (float) (centres[c * d + t] + noise * gaussian(rng));
      }
    }
    return x;
  }

  /**
   * Writes to {@code out} the rows {@link #gaussianClusters} would give for {@code n} items, one block at a time
   * and in the same order from the same generator, so any n (beyond the 2^31 values of one array) takes memory
   * for one block. {@code rowsDone} receives the running row count after each block.
   */
  public static void writeGaussianClusters(FloatBlockSink out, long n, int d, int clusters, double noise,
      long seed, java.util.function.LongConsumer rowsDone) throws java.io.IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] centres = new float[clusters * d];
    for (int i = 0; i < centres.length; i++) {
      centres[i] = (float) (rng.nextDouble() * 2 - 1);
    }
    int block = Math.max(1, (1 << 20) / d);
    float[] a = new float[block * d];
    for (long from = 0; from < n; from += block) {
      int rows = (int) Math.min(block, n - from);
      for (int r = 0; r < rows; r++) {
        int c = (int) ((from + r) % clusters);
        for (int t = 0; t < d; t++) {
          a[r * d + t] = (float) (centres[c * d + t] + noise * gaussian(rng));
        }
      }
      out.write(a, rows * d);
      rowsDone.accept(from + rows);
    }
  }

  /** Receives generated values a block at a time. */
  @FunctionalInterface
  public interface FloatBlockSink {
    /** Takes {@code values[0, count)}. */
    void write(float[] values, int count) throws java.io.IOException;
  }

  /** A standard normal variate by the Box-Muller transform (SplittableRandom has none). */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
