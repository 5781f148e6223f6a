package io.distok.quant;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.PackedRows;

/** Row-parallel nearest-centroid assignment shared by the methods. */
public final class NearestCodes {
  private NearestCodes() {}

  /**
   * Index of the nearest row of {@code centroids} for every row of {@code x}, and optionally its squared
   * distance. Cost O(n K d), parallel over rows in fixed chunks.
   *
   * @param distances receives the squared distances when not null
   */
  public static int[] assign(FloatMatrix x, PackedRows centroids, DistanceKernel kernel, float[] distances) {
    int n = x.rows();
    int[] idx = new int[n];
    float[] dist = distances != null ? distances : new float[n];
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK,
        (c, from, to) -> kernel.nearest(x.data(), from, to, centroids, idx, dist));
    return idx;
  }
}
