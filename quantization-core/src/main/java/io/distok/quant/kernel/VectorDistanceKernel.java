package io.distok.quant.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernel on the JDK Vector API, at the machine's preferred species (512-bit with AVX-512, 256-bit with AVX2). {@link #nearest} is register-blocked: a tile of 4 query rows
 * times one panel of 16 centroids keeps 8 vector accumulators live, each updated by one broadcast-FMA per
 * dimension, so the loop is bound by FMA throughput rather than loads. The per-panel epilogue is three vector
 * operations per accumulator (subtract from the half norms, store, running minimum); the arg-min is found once
 * per row afterwards by a vector equality scan.
 *
 * <p>Only load this class when {@link DistanceKernels#vectorApiAvailable()} is true: touching it without the
 * {@code jdk.incubator.vector} module throws {@link NoClassDefFoundError}.
 */
public final class VectorDistanceKernel implements DistanceKernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();
  private static final int W = PackedRows.WIDTH;
  private static final int ROWS = 4;

  static {
    if (W != 2 * L) {
      throw new AssertionError("panel width must be two vectors");
    }
  }

  @Override
  public String name() {
    return "vector-" + F.vectorBitSize();
  }

  @Override
  public void nearest(float[] x, int from, int to, PackedRows c, int[] outIndex, float[] outDistance) {
    int d = c.dimension();
    int panels = c.panels();
    int kp = panels * W;
    float[] packed = c.packed();
    float[] half = c.paddedHalfNorms();
    float[] scores = new float[ROWS * kp];
    int i = from;
    for (; i + ROWS <= to; i += ROWS) {
      int x0 = i * d;
      int x1 = x0 + d;
      int x2 = x1 + d;
      int x3 = x2 + d;
      FloatVector m0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
      FloatVector m1 = m0;
      FloatVector m2 = m0;
      FloatVector m3 = m0;
      for (int p = 0; p < panels; p++) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int o = p * d * W;
        for (int t = 0; t < d; t++, o += W) {
          FloatVector b0 = FloatVector.fromArray(F, packed, o);
          FloatVector b1 = FloatVector.fromArray(F, packed, o + L);
          FloatVector v = FloatVector.broadcast(F, x[x0 + t]);
          a00 = v.fma(b0, a00);
          a01 = v.fma(b1, a01);
          v = FloatVector.broadcast(F, x[x1 + t]);
          a10 = v.fma(b0, a10);
          a11 = v.fma(b1, a11);
          v = FloatVector.broadcast(F, x[x2 + t]);
          a20 = v.fma(b0, a20);
          a21 = v.fma(b1, a21);
          v = FloatVector.broadcast(F, x[x3 + t]);
          a30 = v.fma(b0, a30);
          a31 = v.fma(b1, a31);
        }
        int base = p * W;
        FloatVector h0 = FloatVector.fromArray(F, half, base);
        FloatVector h1 = FloatVector.fromArray(F, half, base + L);
        FloatVector s;
        s = h0.sub(a00);
        s.intoArray(scores, base);
        m0 = m0.min(s);
        s = h1.sub(a01);
        s.intoArray(scores, base + L);
        m0 = m0.min(s);
        s = h0.sub(a10);
        s.intoArray(scores, kp + base);
        m1 = m1.min(s);
        s = h1.sub(a11);
        s.intoArray(scores, kp + base + L);
        m1 = m1.min(s);
        s = h0.sub(a20);
        s.intoArray(scores, 2 * kp + base);
        m2 = m2.min(s);
        s = h1.sub(a21);
        s.intoArray(scores, 2 * kp + base + L);
        m2 = m2.min(s);
        s = h0.sub(a30);
        s.intoArray(scores, 3 * kp + base);
        m3 = m3.min(s);
        s = h1.sub(a31);
        s.intoArray(scores, 3 * kp + base + L);
        m3 = m3.min(s);
      }
      finish(x, i, d, m0.reduceLanes(VectorOperators.MIN), scores, 0, kp, outIndex, outDistance);
      finish(x, i + 1, d, m1.reduceLanes(VectorOperators.MIN), scores, kp, kp, outIndex, outDistance);
      finish(x, i + 2, d, m2.reduceLanes(VectorOperators.MIN), scores, 2 * kp, kp, outIndex, outDistance);
      finish(x, i + 3, d, m3.reduceLanes(VectorOperators.MIN), scores, 3 * kp, kp, outIndex, outDistance);
    }
    for (; i < to; i++) {
      nearestOne(x, i, c, scores, outIndex, outDistance);
    }
  }

  /** The first index whose score equals the row minimum: the smallest index among ties, as the scalar kernel. */
  private static void finish(float[] x, int row, int d, float min, float[] scores, int off, int kp, int[] outIndex,
      float[] outDistance) {
    FloatVector target = FloatVector.broadcast(F, min);
    int index = 0;
    for (int j = 0; j < kp; j += L) {
      int lane = FloatVector.fromArray(F, scores, off + j).compare(VectorOperators.EQ, target).firstTrue();
      if (lane < L) {
        index = j + lane;
        break;
      }
    }
    outIndex[row] = index;
    outDistance[row] = Math.max(0f, PackedRows.squaredNorm(x, row * d, d) + 2f * min);
  }

  private static void nearestOne(float[] x, int row, PackedRows c, float[] scores, int[] outIndex,
      float[] outDistance) {
    int d = c.dimension();
    int kp = c.panels() * W;
    float[] packed = c.packed();
    float[] half = c.paddedHalfNorms();
    int x0 = row * d;
    FloatVector m = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
    for (int p = 0; p < c.panels(); p++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int o = p * d * W;
      for (int t = 0; t < d; t++, o += W) {
        FloatVector v = FloatVector.broadcast(F, x[x0 + t]);
        a0 = v.fma(FloatVector.fromArray(F, packed, o), a0);
        a1 = v.fma(FloatVector.fromArray(F, packed, o + L), a1);
      }
      FloatVector s0 = FloatVector.fromArray(F, half, p * W).sub(a0);
      FloatVector s1 = FloatVector.fromArray(F, half, p * W + L).sub(a1);
      s0.intoArray(scores, p * W);
      s1.intoArray(scores, p * W + L);
      m = m.min(s0).min(s1);
    }
    finish(x, row, d, m.reduceLanes(VectorOperators.MIN), scores, 0, kp, outIndex, outDistance);
  }

  @Override
  public void dots(float[] x, int offset, PackedRows c, float[] out) {
    int d = c.dimension();
    int k = c.count();
    float[] packed = c.packed();
    float[] tmp = new float[W];
    for (int p = 0; p < c.panels(); p++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int o = p * d * W;
      for (int t = 0; t < d; t++, o += W) {
        FloatVector v = FloatVector.broadcast(F, x[offset + t]);
        a0 = v.fma(FloatVector.fromArray(F, packed, o), a0);
        a1 = v.fma(FloatVector.fromArray(F, packed, o + L), a1);
      }
      int base = p * W;
      if (base + W <= k) {
        a0.intoArray(out, base);
        a1.intoArray(out, base + L);
      } else {
        a0.intoArray(tmp, 0);
        a1.intoArray(tmp, L);
        System.arraycopy(tmp, 0, out, base, k - base);
      }
    }
  }

  /**
   * Sequential, exactly as {@link ScalarDistanceKernel#squaredL2}: a lane-wise sum would add in another order
   * and give other bits, and its callers (PQ look-up tables, O(K d) per query) are not where time goes.
   */
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
