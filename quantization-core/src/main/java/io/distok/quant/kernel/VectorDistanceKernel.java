package io.distok.quant.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernel on the JDK Vector API (256-bit species). {@link #nearest} is register-blocked: a tile of 4 query rows
 * times one panel of 16 centroids keeps 8 vector accumulators live, each updated by one broadcast-FMA per
 * dimension, so the loop is bound by FMA throughput rather than loads. The argmin is vectorised too.
 *
 * <p>Only load this class when {@link DistanceKernels#vectorApiAvailable()} is true: touching it without the
 * {@code jdk.incubator.vector} module throws {@link NoClassDefFoundError}.
 */
public final class VectorDistanceKernel implements DistanceKernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final int L = 8;
  private static final int ROWS = 4;

  static {
    if (PackedRows.WIDTH != 2 * L) {
      throw new AssertionError("panel width must be two vectors");
    }
  }

  @Override
  public String name() {
    return "vector-256";
  }

  @Override
  public void nearest(float[] x, int from, int to, PackedRows c, int[] outIndex, float[] outDistance) {
    int d = c.dimension();
    int panels = c.panels();
    float[] packed = c.packed();
    float[] norms = c.paddedNorms();
    float[] minVal = new float[ROWS * PackedRows.WIDTH];
    int[] minPanel = new int[ROWS * PackedRows.WIDTH];
    int i = from;
    for (; i + ROWS <= to; i += ROWS) {
      java.util.Arrays.fill(minVal, Float.POSITIVE_INFINITY);
      java.util.Arrays.fill(minPanel, 0);
      int x0 = i * d;
      int x1 = x0 + d;
      int x2 = x1 + d;
      int x3 = x2 + d;
      for (int p = 0; p < panels; p++) {
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int o = p * d * PackedRows.WIDTH;
        for (int t = 0; t < d; t++, o += PackedRows.WIDTH) {
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
        FloatVector n0 = FloatVector.fromArray(F, norms, p * PackedRows.WIDTH);
        FloatVector n1 = FloatVector.fromArray(F, norms, p * PackedRows.WIDTH + L);
        IntVector panel = IntVector.broadcast(I, p);
        track(n0.sub(a00.mul(2f)), minVal, minPanel, 0, panel);
        track(n1.sub(a01.mul(2f)), minVal, minPanel, L, panel);
        track(n0.sub(a10.mul(2f)), minVal, minPanel, 2 * L, panel);
        track(n1.sub(a11.mul(2f)), minVal, minPanel, 3 * L, panel);
        track(n0.sub(a20.mul(2f)), minVal, minPanel, 4 * L, panel);
        track(n1.sub(a21.mul(2f)), minVal, minPanel, 5 * L, panel);
        track(n0.sub(a30.mul(2f)), minVal, minPanel, 6 * L, panel);
        track(n1.sub(a31.mul(2f)), minVal, minPanel, 7 * L, panel);
      }
      for (int r = 0; r < ROWS; r++) {
        finish(x, i + r, d, minVal, minPanel, r * PackedRows.WIDTH, outIndex, outDistance);
      }
    }
    for (; i < to; i++) {
      nearestOne(x, i, c, minVal, minPanel, outIndex, outDistance);
    }
  }

  private static void track(FloatVector dist, float[] minVal, int[] minPanel, int off, IntVector panel) {
    FloatVector cur = FloatVector.fromArray(F, minVal, off);
    VectorMask<Float> better = dist.compare(VectorOperators.LT, cur);
    cur.blend(dist, better).intoArray(minVal, off);
    IntVector.fromArray(I, minPanel, off).blend(panel, better.cast(I)).intoArray(minPanel, off);
  }

  /** Reduces the 16 lane minima of one row to the overall minimum with the smallest index among ties. */
  private static void finish(float[] x, int row, int d, float[] minVal, int[] minPanel, int off, int[] outIndex,
      float[] outDistance) {
    float best = Float.POSITIVE_INFINITY;
    int bestIndex = Integer.MAX_VALUE;
    for (int j = 0; j < PackedRows.WIDTH; j++) {
      float v = minVal[off + j];
      int idx = minPanel[off + j] * PackedRows.WIDTH + j;
      if (v < best || (v == best && idx < bestIndex)) {
        best = v;
        bestIndex = idx;
      }
    }
    if (bestIndex == Integer.MAX_VALUE) {
      bestIndex = 0;
    }
    outIndex[row] = bestIndex;
    outDistance[row] = Math.max(0f, PackedRows.squaredNorm(x, row * d, d) + best);
  }

  private static void nearestOne(float[] x, int row, PackedRows c, float[] minVal, int[] minPanel,
      int[] outIndex, float[] outDistance) {
    int d = c.dimension();
    float[] packed = c.packed();
    float[] norms = c.paddedNorms();
    java.util.Arrays.fill(minVal, 0, PackedRows.WIDTH, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(minPanel, 0, PackedRows.WIDTH, 0);
    int x0 = row * d;
    for (int p = 0; p < c.panels(); p++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int o = p * d * PackedRows.WIDTH;
      for (int t = 0; t < d; t++, o += PackedRows.WIDTH) {
        FloatVector v = FloatVector.broadcast(F, x[x0 + t]);
        a0 = v.fma(FloatVector.fromArray(F, packed, o), a0);
        a1 = v.fma(FloatVector.fromArray(F, packed, o + L), a1);
      }
      IntVector panel = IntVector.broadcast(I, p);
      track(FloatVector.fromArray(F, norms, p * PackedRows.WIDTH).sub(a0.mul(2f)), minVal, minPanel, 0, panel);
      track(FloatVector.fromArray(F, norms, p * PackedRows.WIDTH + L).sub(a1.mul(2f)), minVal, minPanel, L,
          panel);
    }
    finish(x, row, d, minVal, minPanel, 0, outIndex, outDistance);
  }

  @Override
  public void dots(float[] x, int offset, PackedRows c, float[] out) {
    int d = c.dimension();
    int k = c.count();
    float[] packed = c.packed();
    float[] tmp = new float[PackedRows.WIDTH];
    for (int p = 0; p < c.panels(); p++) {
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      int o = p * d * PackedRows.WIDTH;
      for (int t = 0; t < d; t++, o += PackedRows.WIDTH) {
        FloatVector v = FloatVector.broadcast(F, x[offset + t]);
        a0 = v.fma(FloatVector.fromArray(F, packed, o), a0);
        a1 = v.fma(FloatVector.fromArray(F, packed, o + L), a1);
      }
      int base = p * PackedRows.WIDTH;
      if (base + PackedRows.WIDTH <= k) {
        a0.intoArray(out, base);
        a1.intoArray(out, base + L);
      } else {
        a0.intoArray(tmp, 0);
        a1.intoArray(tmp, L);
        System.arraycopy(tmp, 0, out, base, k - base);
      }
    }
  }

  @Override
  public float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int d) {
    FloatVector acc = FloatVector.zero(F);
    int t = 0;
    for (; t + L <= d; t += L) {
      FloatVector diff = FloatVector.fromArray(F, a, aOffset + t).sub(FloatVector.fromArray(F, b, bOffset + t));
      acc = diff.fma(diff, acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; t < d; t++) {
      float diff = a[aOffset + t] - b[bOffset + t];
      sum = Math.fma(diff, diff, sum);
    }
    return sum;
  }
}
