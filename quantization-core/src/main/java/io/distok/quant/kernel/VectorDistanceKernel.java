package io.distok.quant.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernel on the JDK Vector API, at the machine's preferred species (512-bit with AVX-512, 256-bit with AVX2, 128-bit with NEON; see {@link
 * DistanceKernels#vectorBits()}). {@link #nearest} is register-blocked: a tile of 4 query rows
 * times one panel of two vectors of centroids keeps 8 vector accumulators live, each updated by one broadcast-FMA per
 * dimension, so the loop is bound by FMA throughput rather than loads. The per-panel epilogue is three vector
 * operations per accumulator (subtract from the half norms, store, running minimum); the arg-min is found once
 * per row afterwards by a vector equality scan.
 *
 * <p>Only load this class when {@link DistanceKernels#vectorApiAvailable()} is true: touching it without the
 * {@code jdk.incubator.vector} module throws {@link NoClassDefFoundError}.
 */
final class VectorDistanceKernel implements DistanceKernel {
  private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
      jdk.incubator.vector.VectorShape.forBitSize(DistanceKernels.vectorBits()));
  private static final int L = F.length();
  private static final VectorSpecies<Integer> I = F.withLanes(int.class);
  private static final VectorSpecies<Double> D = F.withLanes(double.class);
  /** Rows per tile of the narrow product: 8 independent accumulators hide the FMA latency. */
  private static final int NARROW_ROWS = 8;
  private static final int W = PackedRows.WIDTH;
  private static final int ROWS = 4;
  /** Packed matrices up to this many floats (256 KB, a quarter of a core's L2) take {@link #panelMultiply}. */
  private static final int PANEL_MULTIPLY_FLOATS = 1 << 16;

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
  public void nearest(float[] x, float[] rowNorms, int from, int to, PackedRows c, int[] outIndex,
      float[] outDistance) {
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
      finish(x, rowNorms, i, d, m0.reduceLanes(VectorOperators.MIN), scores, 0, kp, outIndex, outDistance);
      finish(x, rowNorms, i + 1, d, m1.reduceLanes(VectorOperators.MIN), scores, kp, kp, outIndex, outDistance);
      finish(x, rowNorms, i + 2, d, m2.reduceLanes(VectorOperators.MIN), scores, 2 * kp, kp, outIndex, outDistance);
      finish(x, rowNorms, i + 3, d, m3.reduceLanes(VectorOperators.MIN), scores, 3 * kp, kp, outIndex, outDistance);
    }
    for (; i < to; i++) {
      nearestOne(x, rowNorms, i, c, scores, outIndex, outDistance);
    }
  }

  /** The first index whose score equals the row minimum: the smallest index among ties, as the scalar kernel. */
  private static void finish(float[] x, float[] rowNorms, int row, int d, float min, float[] scores, int off, int kp,
      int[] outIndex, float[] outDistance) {
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
    float norm = rowNorms != null ? rowNorms[row] : PackedRows.squaredNorm(x, row * d, d);
    outDistance[row] = Math.max(0f, norm + 2f * min);
  }

  private static void nearestOne(float[] x, float[] rowNorms, int row, PackedRows c, float[] scores,
      int[] outIndex, float[] outDistance) {
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
    finish(x, rowNorms, row, d, m.reduceLanes(VectorOperators.MIN), scores, 0, kp, outIndex, outDistance);
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

  @Override
  public void dots(float[] x, int from, int to, PackedRows c, int rowFrom, int rowTo, float[] out, int outOffset,
      int stride) {
    PackedRows.checkRowRange(c, rowFrom, rowTo);
    int end = Math.min(rowTo, c.count());
    float[] tile = new float[ROWS * W];
    for (int i = from; i < to; i += ROWS) {
      int rows = Math.min(ROWS, to - i);
      for (int p = rowFrom / W; p * W < end; p++) {
        tileDots(x, i, rows, c, p, tile);
        storeTile(tile, rows, p * W, end, rowFrom, out, outOffset + (i - from) * stride, stride);
      }
    }
  }

  @Override
  public void cappedDistances(float[] q, int queries, float[] queryNorms, PackedRows c, int rowFrom, int rowTo,
      float[] cap, float[] out, int stride) {
    PackedRows.checkRowRange(c, rowFrom, rowTo);
    int end = Math.min(rowTo, c.count());
    float[] norms = c.paddedNorms();
    float[] tile = new float[ROWS * W];
    for (int i = 0; i < queries; i += ROWS) {
      int rows = Math.min(ROWS, queries - i);
      for (int p = rowFrom / W; p * W < end; p++) {
        tileDots(q, i, rows, c, p, tile);
        int first = p * W;
        for (int r = 0; r < rows; r++) {
          int o = (i + r) * stride + first;
          if (first + W <= end) {
            FloatVector qn = FloatVector.broadcast(F, queryNorms[i + r]);
            for (int h = 0; h < W; h += L) {
              FloatVector dot2 = FloatVector.fromArray(F, tile, r * W + h).mul(2f);
              qn.add(FloatVector.fromArray(F, norms, first + h)).sub(dot2).max(0f)
                  .min(FloatVector.fromArray(F, cap, first + h)).intoArray(out, o + h);
            }
          } else {
            for (int j = 0; first + j < end; j++) {
              out[o + j] = DistanceKernel.cappedDistance(queryNorms[i + r], norms[first + j], tile[r * W + j], cap[first + j]);
            }
          }
        }
      }
    }
  }

  /**
   * Products at most one vector wide (a projection to a few dimensions) keep one accumulator per row, 8 rows at a
   * time, and store through a lane mask; products whose packed matrix fits the L2 cache (a projection to tens of
   * dimensions) keep 4 rows x 2 accumulators per panel and store in place, the panels of 4 rows one after the other;
   * larger ones go through the blocked {@link #dots(float[], int, int, PackedRows, int, int, float[], int, int)} as
   * the interface's definition does.
   */
  @Override
  public void multiply(float[] x, int from, int to, float[] shift, PackedRows b, float[] out, int outOffset) {
    if (b.count() <= L) {
      narrowMultiply(x, from, to, shift, b, out, outOffset);
    } else if ((long) b.panels() * W * b.dimension() <= PANEL_MULTIPLY_FLOATS) {
      panelMultiply(x, from, to, shift, b, out, outOffset);
    } else {
      DistanceKernel.super.multiply(x, from, to, shift, b, out, outOffset);
    }
  }

  private static void narrowMultiply(float[] x, int from, int to, float[] shift, PackedRows b, float[] out,
      int outOffset) {
    int d = b.dimension();
    int k = b.count();
    float[] packed = b.packed();
    VectorMask<Float> lanes = F.indexInRange(0, k);
    // x - 0 is x for every float (also -0 and NaN), so no shift is the shift 0
    float[] s = shift == null ? new float[d] : shift;
    int i = from;
    for (; i + NARROW_ROWS <= to; i += NARROW_ROWS) {
      int x0 = i * d;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = a0;
      FloatVector a2 = a0;
      FloatVector a3 = a0;
      FloatVector a4 = a0;
      FloatVector a5 = a0;
      FloatVector a6 = a0;
      FloatVector a7 = a0;
      for (int t = 0; t < d; t++) {
        FloatVector w = FloatVector.fromArray(F, packed, t * W);
        float st = s[t];
        a0 = FloatVector.broadcast(F, x[x0 + t] - st).fma(w, a0);
        a1 = FloatVector.broadcast(F, x[x0 + d + t] - st).fma(w, a1);
        a2 = FloatVector.broadcast(F, x[x0 + 2 * d + t] - st).fma(w, a2);
        a3 = FloatVector.broadcast(F, x[x0 + 3 * d + t] - st).fma(w, a3);
        a4 = FloatVector.broadcast(F, x[x0 + 4 * d + t] - st).fma(w, a4);
        a5 = FloatVector.broadcast(F, x[x0 + 5 * d + t] - st).fma(w, a5);
        a6 = FloatVector.broadcast(F, x[x0 + 6 * d + t] - st).fma(w, a6);
        a7 = FloatVector.broadcast(F, x[x0 + 7 * d + t] - st).fma(w, a7);
      }
      int o = outOffset + (i - from) * k;
      a0.intoArray(out, o, lanes);
      a1.intoArray(out, o + k, lanes);
      a2.intoArray(out, o + 2 * k, lanes);
      a3.intoArray(out, o + 3 * k, lanes);
      a4.intoArray(out, o + 4 * k, lanes);
      a5.intoArray(out, o + 5 * k, lanes);
      a6.intoArray(out, o + 6 * k, lanes);
      a7.intoArray(out, o + 7 * k, lanes);
    }
    for (; i < to; i++) {
      int x0 = i * d;
      FloatVector a = FloatVector.zero(F);
      for (int t = 0; t < d; t++) {
        a = FloatVector.broadcast(F, x[x0 + t] - s[t]).fma(FloatVector.fromArray(F, packed, t * W), a);
      }
      a.intoArray(out, outOffset + (i - from) * k, lanes);
    }
  }

  /** Outputs within one panel (two vectors): 4 rows x 2 accumulators, the second vector stored through a mask. */
  private static void panelMultiply(float[] x, int from, int to, float[] shift, PackedRows b, float[] out,
      int outOffset) {
    int d = b.dimension();
    int k = b.count();
    int panels = b.panels();
    float[] packed = b.packed();
    float[] s = shift == null ? new float[d] : shift;
    // 4 rows at a time against every panel (W outputs each) in turn, straight into the output: no shifted copy of
    // the rows and no tile buffer; the last panel stores through lane masks
    VectorMask<Float> lastLower = F.indexInRange((panels - 1) * W, k);
    VectorMask<Float> lastUpper = F.indexInRange((panels - 1) * W + L, k);
    VectorMask<Float> all = F.maskAll(true);
    int i = from;
    for (; i + ROWS <= to; i += ROWS) {
      int x0 = i * d;
      for (int p = 0; p < panels; p++) {
        VectorMask<Float> lower = p == panels - 1 ? lastLower : all;
        VectorMask<Float> upper = p == panels - 1 ? lastUpper : all;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        for (int t = 0, o = p * d * W; t < d; t++, o += W) {
          FloatVector b0 = FloatVector.fromArray(F, packed, o);
          FloatVector b1 = FloatVector.fromArray(F, packed, o + L);
          float st = s[t];
          FloatVector v = FloatVector.broadcast(F, x[x0 + t] - st);
          a00 = v.fma(b0, a00);
          a01 = v.fma(b1, a01);
          v = FloatVector.broadcast(F, x[x0 + d + t] - st);
          a10 = v.fma(b0, a10);
          a11 = v.fma(b1, a11);
          v = FloatVector.broadcast(F, x[x0 + 2 * d + t] - st);
          a20 = v.fma(b0, a20);
          a21 = v.fma(b1, a21);
          v = FloatVector.broadcast(F, x[x0 + 3 * d + t] - st);
          a30 = v.fma(b0, a30);
          a31 = v.fma(b1, a31);
        }
        int o = outOffset + (i - from) * k + p * W;
        a00.intoArray(out, o, lower);
        a01.intoArray(out, o + L, upper);
        a10.intoArray(out, o + k, lower);
        a11.intoArray(out, o + k + L, upper);
        a20.intoArray(out, o + 2 * k, lower);
        a21.intoArray(out, o + 2 * k + L, upper);
        a30.intoArray(out, o + 3 * k, lower);
        a31.intoArray(out, o + 3 * k + L, upper);
      }
    }
    for (; i < to; i++) {
      int x0 = i * d;
      for (int p = 0; p < panels; p++) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        for (int t = 0, o = p * d * W; t < d; t++, o += W) {
          FloatVector v = FloatVector.broadcast(F, x[x0 + t] - s[t]);
          a0 = v.fma(FloatVector.fromArray(F, packed, o), a0);
          a1 = v.fma(FloatVector.fromArray(F, packed, o + L), a1);
        }
        int o = outOffset + (i - from) * k + p * W;
        a0.intoArray(out, o, p == panels - 1 ? lastLower : all);
        a1.intoArray(out, o + L, p == panels - 1 ? lastUpper : all);
      }
    }
  }

  /** One row's columns a vector at a time: a compare and a masked add per threshold step. */
  @Override
  public void bucketize(float[] values, int from, int to, int columns, float[] thresholds, int steps, int stride,
      int[] out, int outOffset) {
    IntVector one = IntVector.broadcast(I, 1);
    for (int i = from; i < to; i++) {
      int o = outOffset + (i - from) * stride;
      int vo = i * columns;
      for (int c = 0; c < columns; c += L) {
        // lanes past the row read the next row's values, which meet +infinity thresholds and are not used
        FloatVector v = vo + c + L <= values.length ? FloatVector.fromArray(F, values, vo + c)
            : FloatVector.fromArray(F, values, vo + c, F.indexInRange(vo + c, values.length));
        IntVector q = IntVector.zero(I);
        for (int st = 0; st < steps; st++) {
          VectorMask<Float> ge = v.compare(VectorOperators.GE, FloatVector.fromArray(F, thresholds, st * stride + c));
          q = q.add(one, ge.cast(I));
        }
        q.intoArray(out, o + c);
      }
    }
  }

  /** A vector's sign bits from one compare, read out as the mask's bits. */
  @Override
  public int atMost(float[] v, int from, int count, float limit, int[] out) {
    int n = 0;
    int whole = count - count % L;
    for (int c = 0; c < whole; c += L) {
      long bits = FloatVector.fromArray(F, v, from + c).compare(VectorOperators.LE, limit).toLong();
      while (bits != 0) {
        out[n++] = c + Long.numberOfTrailingZeros(bits);
        bits &= bits - 1;
      }
    }
    for (int j = whole; j < count; j++) {
      if (v[from + j] <= limit) {
        out[n++] = j;
      }
    }
    return n;
  }

  @Override
  public long signBits(float[] x, int offset, int count) {
    long code = 0;
    for (int c = 0; c < count; c += L) {
      int at = offset + c;
      FloatVector v = at + L <= x.length ? FloatVector.fromArray(F, x, at)
          : FloatVector.fromArray(F, x, at, F.indexInRange(at, x.length));
      long bits = v.compare(VectorOperators.GT, 0f).toLong();
      if (count - c < L) {
        bits &= (1L << (count - c)) - 1;
      }
      code |= bits << c;
    }
    return code;
  }

  /**
   * Dot products of query rows {@code [i, i + rows)} ({@code rows <= 4}) with panel {@code p} of {@code c}, into
   * {@code tile[r * W + j]}. The 4-row tile keeps 8 accumulators live and loads each centroid vector once for
   * all four rows.
   */
  private static void tileDots(float[] x, int i, int rows, PackedRows c, int p, float[] tile) {
    int d = c.dimension();
    float[] packed = c.packed();
    int o = p * d * W;
    if (rows == ROWS) {
      int x0 = i * d;
      int x1 = x0 + d;
      int x2 = x1 + d;
      int x3 = x2 + d;
      FloatVector a00 = FloatVector.zero(F);
      FloatVector a01 = FloatVector.zero(F);
      FloatVector a10 = FloatVector.zero(F);
      FloatVector a11 = FloatVector.zero(F);
      FloatVector a20 = FloatVector.zero(F);
      FloatVector a21 = FloatVector.zero(F);
      FloatVector a30 = FloatVector.zero(F);
      FloatVector a31 = FloatVector.zero(F);
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
      a00.intoArray(tile, 0);
      a01.intoArray(tile, L);
      a10.intoArray(tile, W);
      a11.intoArray(tile, W + L);
      a20.intoArray(tile, 2 * W);
      a21.intoArray(tile, 2 * W + L);
      a30.intoArray(tile, 3 * W);
      a31.intoArray(tile, 3 * W + L);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int x0 = (i + r) * d;
      int oo = o;
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      for (int t = 0; t < d; t++, oo += W) {
        FloatVector v = FloatVector.broadcast(F, x[x0 + t]);
        a0 = v.fma(FloatVector.fromArray(F, packed, oo), a0);
        a1 = v.fma(FloatVector.fromArray(F, packed, oo + L), a1);
      }
      a0.intoArray(tile, r * W);
      a1.intoArray(tile, r * W + L);
    }
  }

  /** Copies the real rows {@code [first, min(first + W, end))} of a tile of {@code rows} query rows into out. */
  private static void storeTile(float[] tile, int rows, int first, int end, int rowFrom, float[] out, int base,
      int stride) {
    int count = Math.min(W, end - first);
    for (int q = 0; q < rows; q++) {
      System.arraycopy(tile, q * W, out, base + q * stride + first - rowFrom, count);
    }
  }

  /**
   * Sequential, exactly as {@link ScalarDistanceKernel#squaredL2}: a lane-wise sum would add in another order
   * and give other bits, and its callers (PQ look-up tables, O(K d) per query) are not where time goes.
   */
  /** A lane-wise minimum, then the first lane that holds it; a scalar tail past the last whole vector. */
  @Override
  public int argmin(float[] v, int from, int count) {
    int lanes = F.length();
    int whole = count - count % lanes;
    if (whole == 0) {
      return DistanceKernel.super.argmin(v, from, count);
    }
    FloatVector min = FloatVector.fromArray(F, v, from);
    for (int j = lanes; j < whole; j += lanes) {
      min = min.min(FloatVector.fromArray(F, v, from + j));
    }
    float m = min.reduceLanes(VectorOperators.MIN);
    for (int j = whole; j < count; j++) {
      m = Math.min(m, v[from + j]);
    }
    for (int j = 0; j < whole; j += lanes) {
      VectorMask<Float> hit = FloatVector.fromArray(F, v, from + j).eq(m);
      if (hit.anyTrue()) {
        return j + hit.firstTrue();
      }
    }
    for (int j = whole; j < count; j++) {
      if (v[from + j] == m) {
        return j;
      }
    }
    return 0;
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

  /**
   * Walks the rotations once per strip of four double vectors' columns. A QR sweep rotates consecutive planes (k,
   * k+1), (k+1, k+2), ...: the row a rotation leaves in registers is the first row of the next one, so a run of
   * consecutive planes costs one load and one store per rotation instead of two of each, and the strip (every
   * row's few columns: 200 KB for n = 784) stays in the core's L2 cache through the whole batch; four strips give
   * four independent chains of multiply-adds. Same operations per entry as the scalar loop, hence the same bits.
   */
  @Override
  public void rotateRows(double[][] rows, int[] planes, double[] cosines, double[] sines, int count, int from,
      int to) {
    int lanes = D.length();
    int j = from;
    for (; j + 4 * lanes <= to; j += 4 * lanes) {
      for (int r = 0; r < count; ) {
        r = rotateRun(rows, planes, cosines, sines, r, count, j);
      }
    }
    for (; j + lanes <= to; j += lanes) {
      for (int r = 0; r < count; ) {
        r = rotateRunNarrow(rows, planes, cosines, sines, r, count, j);
      }
    }
    if (j < to) {
      DistanceKernel.super.rotateRows(rows, planes, cosines, sines, count, j, to);
    }
  }

  /**
   * One run of rotations on consecutive planes from rotation {@code r}, on four vectors of columns from {@code
   * j}; returns the first rotation after the run. A method of its own, called once per run, so that the JIT
   * compiles it after a few thousand runs rather than waiting for the batch loop to be replaced on stack (the
   * Vector API is very slow until then).
   */
  private static int rotateRun(double[][] rows, int[] planes, double[] cosines, double[] sines, int r, int count,
      int j) {
    int j1 = j + D.length();
    int j2 = j1 + D.length();
    int j3 = j2 + D.length();
    int k = planes[r];
    double[] row = rows[k];
    DoubleVector u0 = DoubleVector.fromArray(D, row, j);
    DoubleVector u1 = DoubleVector.fromArray(D, row, j1);
    DoubleVector u2 = DoubleVector.fromArray(D, row, j2);
    DoubleVector u3 = DoubleVector.fromArray(D, row, j3);
    do {
      double[] next = rows[k + 1];
      DoubleVector c = DoubleVector.broadcast(D, cosines[r]);
      DoubleVector s = DoubleVector.broadcast(D, sines[r]);
      DoubleVector w0 = DoubleVector.fromArray(D, next, j);
      DoubleVector w1 = DoubleVector.fromArray(D, next, j1);
      DoubleVector w2 = DoubleVector.fromArray(D, next, j2);
      DoubleVector w3 = DoubleVector.fromArray(D, next, j3);
      c.mul(u0).sub(s.mul(w0)).intoArray(row, j);
      c.mul(u1).sub(s.mul(w1)).intoArray(row, j1);
      c.mul(u2).sub(s.mul(w2)).intoArray(row, j2);
      c.mul(u3).sub(s.mul(w3)).intoArray(row, j3);
      u0 = s.mul(u0).add(c.mul(w0));
      u1 = s.mul(u1).add(c.mul(w1));
      u2 = s.mul(u2).add(c.mul(w2));
      u3 = s.mul(u3).add(c.mul(w3));
      row = next;
      k++;
      r++;
    } while (r < count && planes[r] == k);
    u0.intoArray(row, j);
    u1.intoArray(row, j1);
    u2.intoArray(row, j2);
    u3.intoArray(row, j3);
    return r;
  }

  /** {@link #rotateRun} on one vector of columns. */
  private static int rotateRunNarrow(double[][] rows, int[] planes, double[] cosines, double[] sines, int r,
      int count, int j) {
    int k = planes[r];
    DoubleVector u = DoubleVector.fromArray(D, rows[k], j);
    do {
      DoubleVector w = DoubleVector.fromArray(D, rows[k + 1], j);
      DoubleVector c = DoubleVector.broadcast(D, cosines[r]);
      DoubleVector s = DoubleVector.broadcast(D, sines[r]);
      c.mul(u).sub(s.mul(w)).intoArray(rows[k], j);
      u = s.mul(u).add(c.mul(w));
      k++;
      r++;
    } while (r < count && planes[r] == k);
    u.intoArray(rows[k], j);
    return r;
  }
}
