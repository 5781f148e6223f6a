package io.distok.quant.kernel;

/**
 * Portable kernel in plain Java, used when the {@code jdk.incubator.vector} module is absent. It performs the
 * same fused multiply-adds in the same order as {@link VectorDistanceKernel}, so results are identical.
 */
final class ScalarDistanceKernel implements DistanceKernel {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void nearest(float[] x, float[] rowNorms, int from, int to, PackedRows c, int[] outIndex,
      float[] outDistance) {
    int d = c.dimension();
    int k = c.count();
    float[] cd = c.rows().data();
    float[] half = c.paddedHalfNorms();
    for (int i = from; i < to; i++) {
      int xo = i * d;
      float best = Float.POSITIVE_INFINITY;
      int bestIndex = 0;
      for (int j = 0; j < k; j++) {
        float acc = 0f;
        int co = j * d;
        for (int t = 0; t < d; t++) {
          acc = Math.fma(x[xo + t], cd[co + t], acc);
        }
        float dist = half[j] - acc;
        if (dist < best) {
          best = dist;
          bestIndex = j;
        }
      }
      outIndex[i] = bestIndex;
      float norm = rowNorms != null ? rowNorms[i] : PackedRows.squaredNorm(x, xo, d);
      outDistance[i] = Math.max(0f, norm + 2f * best);
    }
  }

  @Override
  public void dots(float[] x, int offset, PackedRows c, float[] out) {
    int d = c.dimension();
    int k = c.count();
    float[] cd = c.rows().data();
    for (int j = 0; j < k; j++) {
      float acc = 0f;
      int co = j * d;
      for (int t = 0; t < d; t++) {
        acc = Math.fma(x[offset + t], cd[co + t], acc);
      }
      out[j] = acc;
    }
  }

  @Override
  public void dots(float[] x, int from, int to, PackedRows c, int rowFrom, int rowTo, float[] out, int outOffset,
      int stride) {
    PackedRows.checkRowRange(c, rowFrom, rowTo);
    int d = c.dimension();
    int end = Math.min(rowTo, c.count());
    float[] cd = c.rows().data();
    for (int i = from; i < to; i++) {
      int xo = i * d;
      int oo = outOffset + (i - from) * stride - rowFrom;
      for (int r = rowFrom; r < end; r++) {
        float acc = 0f;
        int co = r * d;
        for (int t = 0; t < d; t++) {
          acc = Math.fma(x[xo + t], cd[co + t], acc);
        }
        out[oo + r] = acc;
      }
    }
  }

  @Override
  public void cappedDistances(float[] q, int queries, float[] queryNorms, PackedRows c, int rowFrom, int rowTo,
      float[] cap, float[] out, int stride) {
    dots(q, 0, queries, c, rowFrom, rowTo, out, rowFrom, stride);
    int end = Math.min(rowTo, c.count());
    for (int t = 0; t < queries; t++) {
      for (int r = rowFrom; r < end; r++) {
        int o = t * stride + r;
        out[o] = DistanceKernel.cappedDistance(queryNorms[t], c.norm(r), out[o], cap[r]);
      }
    }
  }

  @Override
  public float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int d) {
    float acc = 0f;
    for (int t = 0; t < d; t++) {
      float diff = a[aOffset + t] - b[bOffset + t];
      acc = Math.fma(diff, diff, acc);
    }
    return acc;
  }
}
