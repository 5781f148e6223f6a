package io.distok.quant.gradient;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;

/**
 * The dense products of the backward passes, all as {@code a b^T} through the kernel's blocked product, parallel
 * over fixed chunks of output rows: every output value is one dot product summed in dimension order, so the
 * result does not depend on the thread count.
 */
final class Matrices {
  /** Output rows per parallel chunk. */
  private static final int CHUNK = 64;

  private Matrices() {}

  /** {@code a b^T}: (n x k) times (m x k)^T = n x m. O(n m k). */
  static FloatMatrix timesTransposed(FloatMatrix a, FloatMatrix b) {
    if (a.cols() != b.cols()) {
      throw new IllegalArgumentException("inner dimensions differ: " + a.cols() + " and " + b.cols());
    }
    FloatMatrix out = new FloatMatrix(a.rows(), b.rows());
    if (a.rows() == 0 || b.rows() == 0) {
      return out;
    }
    PackedRows packed = new PackedRows(b);
    DistanceKernel kernel = DistanceKernels.get();
    int m = b.rows();
    Parallel.forEachChunk(a.rows(), CHUNK, (c, from, to) ->
        kernel.multiply(a.data(), from, to, null, packed, out.data(), from * m));
    return out;
  }

  /** {@code a^T b}: (n x p)^T times (n x q) = p x q, the weight gradient of a dense layer. O(n p q). */
  static FloatMatrix transposedTimes(FloatMatrix a, FloatMatrix b) {
    return timesTransposed(transpose(a), transpose(b));
  }

  /** {@code a b}: (n x k) times (k x m) = n x m. O(n m k). */
  static FloatMatrix times(FloatMatrix a, FloatMatrix b) {
    return timesTransposed(a, transpose(b));
  }

  static FloatMatrix transpose(FloatMatrix a) {
    int r = a.rows();
    int c = a.cols();
    float[] in = a.data();
    float[] out = new float[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        out[j * r + i] = in[i * c + j];
      }
    }
    return FloatMatrix.wrap(out, c, r);
  }

  /** Adds {@code scale * m} into {@code target} element by element. */
  static void addScaled(float[] target, FloatMatrix m, float scale) {
    float[] v = m.data();
    for (int i = 0; i < v.length; i++) {
      target[i] += scale * v[i];
    }
  }
}
