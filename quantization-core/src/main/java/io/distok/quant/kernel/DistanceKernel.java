package io.distok.quant.kernel;

/**
 * Blocked distance computations between query rows and a {@link PackedRows} set. All methods are thread-safe
 * and allocation-light; callers parallelise over query rows.
 *
 * <p>Distances returned are squared L2 computed as {@code |x|^2 + |c|^2 - 2 x.c}, clamped at 0.
 */
public interface DistanceKernel {

  /** Name for reports: {@code vector-256} or {@code scalar}. */
  String name();

  /**
   * For each query row {@code i} in {@code [from, to)} of the row-major array {@code x} (dimension {@code
   * c.dimension()}), finds the nearest row of {@code c}: {@code outIndex[i]} and {@code outDistance[i]}
   * (squared L2). Ties go to the smallest index. Cost O((to - from) K d).
   */
  void nearest(float[] x, int from, int to, PackedRows c, int[] outIndex, float[] outDistance);

  /**
   * Dot products of one query (at {@code x[offset .. offset + d)}) with every row of {@code c}: {@code out[k]}
   * for {@code k < c.count()}. {@code out} must have room for {@code c.count()} values. Cost O(K d).
   */
  void dots(float[] x, int offset, PackedRows c, float[] out);

  /**
   * Squared L2 distances of one vector (at {@code x[offset .. offset + d)}) to every row of {@code c}: {@code
   * out[k] = max(0, |x|^2 + |c_k|^2 - 2 x.c_k)}, through {@link #dots} ({@code dots} is scratch of at least
   * {@code c.count()} values). Cost O(K d).
   */
  default void squaredDistances(float[] x, int offset, PackedRows c, float[] dots, float[] out) {
    dots(x, offset, c, dots);
    float xn = PackedRows.squaredNorm(x, offset, c.dimension());
    for (int j = 0; j < c.count(); j++) {
      out[j] = Math.max(0f, xn + c.norm(j) - 2f * dots[j]);
    }
  }

  /** Squared L2 distance between two slices of length {@code d}. */
  float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int d);
}
