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

  /** A standard normal variate by the Box-Muller transform (SplittableRandom has none). */
  static double gaussian(SplittableRandom rng) {
    double u1 = rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
