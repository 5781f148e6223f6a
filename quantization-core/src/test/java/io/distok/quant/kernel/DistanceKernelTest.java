package io.distok.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.distok.util.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class DistanceKernelTest {
  private static final int[] DIMS = {1, 3, 8, 25, 64, 100};
  private static final int[] KS = {1, 5, 16, 17, 100};

  static FloatMatrix random(SplittableRandom rng, int n, int d) {
    FloatMatrix m = new FloatMatrix(n, d);
    for (int i = 0; i < m.data().length; i++) {
      m.data()[i] = (float) (rng.nextDouble() * 4 - 2);
    }
    return m;
  }

  /** Brute-force nearest in double precision. */
  static int referenceNearest(FloatMatrix x, int i, FloatMatrix c) {
    double best = Double.POSITIVE_INFINITY;
    int arg = -1;
    for (int j = 0; j < c.rows(); j++) {
      double s = 0;
      for (int t = 0; t < x.cols(); t++) {
        double diff = (double) x.get(i, t) - c.get(j, t);
        s += diff * diff;
      }
      if (s < best) {
        best = s;
        arg = j;
      }
    }
    return arg;
  }

  static double exactDistance(FloatMatrix x, int i, FloatMatrix c, int j) {
    double s = 0;
    for (int t = 0; t < x.cols(); t++) {
      double diff = (double) x.get(i, t) - c.get(j, t);
      s += diff * diff;
    }
    return s;
  }

  private static void checkAgainstReference(DistanceKernel kernel, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (int d : DIMS) {
      for (int k : KS) {
        int n = 1 + rng.nextInt(23);
        FloatMatrix x = random(rng, n, d);
        FloatMatrix c = random(rng, k, d);
        PackedRows packed = new PackedRows(c);
        int[] idx = new int[n];
        float[] dist = new float[n];
        kernel.nearest(x.data(), 0, n, packed, idx, dist);
        for (int i = 0; i < n; i++) {
          int ref = referenceNearest(x, i, c);
          double refDist = exactDistance(x, i, c, ref);
          // float rounding may pick a different centroid only when it is (nearly) as close
          double got = exactDistance(x, i, c, idx[i]);
          assertTrue(got <= refDist + 1e-4 * (1 + refDist), kernel.name() + " d=" + d + " K=" + k);
          assertEquals(got, dist[i], 1e-3 * (1 + got), kernel.name() + " distance d=" + d + " K=" + k);
        }
      }
    }
  }

  @RepeatedTest(3)
  void scalarMatchesBruteForce(org.junit.jupiter.api.RepetitionInfo info) {
    checkAgainstReference(DistanceKernels.scalar(), info.getCurrentRepetition());
  }

  @RepeatedTest(3)
  void vectorMatchesBruteForce(org.junit.jupiter.api.RepetitionInfo info) {
    assumeTrue(DistanceKernels.vectorApiAvailable(), "jdk.incubator.vector not in this JVM");
    checkAgainstReference(new VectorDistanceKernel(), 100 + info.getCurrentRepetition());
  }

  /**
   * Every kernel method gives the same bits in the vector and the scalar kernel, for random shapes (odd
   * dimensions, K below, at and above a panel) and offsets. jqwik prints the seed of each run.
   */
  @net.jqwik.api.Property(tries = 60)
  void vectorAndScalarAreBitIdentical(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 140)
      int d, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 70) int k,
      @net.jqwik.api.ForAll long seed) {
    if (!DistanceKernels.vectorApiAvailable()) {
      return; // the scalar-fallback run has only one kernel; the main run checks the pair
    }
    DistanceKernel scalar = DistanceKernels.scalar();
    DistanceKernel vector = new VectorDistanceKernel();
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 1 + rng.nextInt(9);
    FloatMatrix x = random(rng, n, d);
    PackedRows c = new PackedRows(random(rng, k, d));
    int[] i1 = new int[n];
    int[] i2 = new int[n];
    float[] d1 = new float[n];
    float[] d2 = new float[n];
    scalar.nearest(x.data(), 0, n, c, i1, d1);
    vector.nearest(x.data(), 0, n, c, i2, d2);
    assertArrayEquals(i1, i2, "nearest index d=" + d + " K=" + k);
    assertArrayEquals(d1, d2, "nearest distance d=" + d + " K=" + k);
    // the same search given the rows' norms (as Lloyd's iterations pass them) gives the same bits
    float[] norms = new float[n];
    for (int r = 0; r < n; r++) {
      norms[r] = PackedRows.squaredNorm(x.data(), r * d, d);
    }
    for (DistanceKernel kernel : java.util.List.of(scalar, vector)) {
      int[] i3 = new int[n];
      float[] d3 = new float[n];
      kernel.nearest(x.data(), norms, 0, n, c, i3, d3);
      assertArrayEquals(i1, i3, kernel.name() + " nearest index with norms");
      assertArrayEquals(d1, d3, kernel.name() + " nearest distance with norms");
    }
    int row = rng.nextInt(n);
    float[] o1 = new float[k];
    float[] o2 = new float[k];
    scalar.dots(x.data(), row * d, c, o1);
    vector.dots(x.data(), row * d, c, o2);
    assertArrayEquals(o1, o2, "dots");
    float[] s1 = new float[k];
    float[] s2 = new float[k];
    scalar.squaredDistances(x.data(), row * d, c, new float[k], s1);
    vector.squaredDistances(x.data(), row * d, c, new float[k], s2);
    assertArrayEquals(s1, s2, "squaredDistances");
    int j = rng.nextInt(k);
    assertEquals(Float.floatToRawIntBits(scalar.squaredL2(x.data(), row * d, c.rows().data(), j * d, d)),
        Float.floatToRawIntBits(vector.squaredL2(x.data(), row * d, c.rows().data(), j * d, d)), "squaredL2 d=" + d);
  }

  /**
   * The block form of {@code dots} gives, for every query row and every row of a panel-aligned range, the bits
   * of the one-query form, and writes nothing outside its cells (rows past the range, padding rows, other
   * queries). Random shapes from jqwik's printed seed.
   */
  @net.jqwik.api.Property(tries = 60)
  void blockDotsEqualOneQueryDots(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 90)
      int d, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 150) int k,
      @net.jqwik.api.ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 1 + rng.nextInt(11);
    FloatMatrix x = random(rng, n, d);
    PackedRows c = new PackedRows(random(rng, k, d));
    int panels = (k + PackedRows.WIDTH - 1) / PackedRows.WIDTH;
    int rowFrom = rng.nextInt(panels) * PackedRows.WIDTH;
    int rowTo = rowFrom + rng.nextInt(panels * PackedRows.WIDTH - rowFrom + 1);
    int from = rng.nextInt(n);
    int to = from + rng.nextInt(n - from + 1);
    int stride = rowTo - rowFrom + rng.nextInt(3);
    int offset = rng.nextInt(4);
    for (DistanceKernel kernel : kernels()) {
      float[] out = new float[offset + Math.max(1, to - from) * Math.max(1, stride) + 8];
      java.util.Arrays.fill(out, Float.NaN);
      kernel.dots(x.data(), from, to, c, rowFrom, rowTo, out, offset, stride);
      float[] one = new float[k];
      boolean[] written = new boolean[out.length];
      for (int i = from; i < to; i++) {
        kernel.dots(x.data(), i * d, c, one);
        for (int r = rowFrom; r < Math.min(rowTo, k); r++) {
          int at = offset + (i - from) * stride + r - rowFrom;
          assertEquals(Float.floatToRawIntBits(one[r]), Float.floatToRawIntBits(out[at]),
              kernel.name() + " query " + i + " row " + r + " d=" + d + " K=" + k);
          written[at] = true;
        }
      }
      for (int at = 0; at < out.length; at++) {
        if (!written[at]) {
          assertTrue(Float.isNaN(out[at]), kernel.name() + " wrote cell " + at + " outside its range");
        }
      }
      // capped distances: the scalar definition on the one-query dots, bit for bit, caps sometimes binding
      float[] norms = new float[n];
      for (int i = 0; i < n; i++) {
        norms[i] = PackedRows.squaredNorm(x.data(), i * d, d);
      }
      float[] cap = new float[panels * PackedRows.WIDTH];
      for (int r = 0; r < k; r++) {
        cap[r] = rng.nextInt(3) == 0 ? Float.POSITIVE_INFINITY : (float) (rng.nextDouble() * 4 * d);
      }
      int capStride = k + rng.nextInt(3);
      float[] capped = new float[n * capStride];
      kernel.cappedDistances(x.data(), n, norms, c, rowFrom, rowTo, cap, capped, capStride);
      for (int i = 0; i < n; i++) {
        kernel.dots(x.data(), i * d, c, one);
        for (int r = rowFrom; r < Math.min(rowTo, k); r++) {
          float expected = DistanceKernel.cappedDistance(norms[i], c.norm(r), one[r], cap[r]);
          assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(capped[i * capStride + r]),
              kernel.name() + " capped distance query " + i + " row " + r + " d=" + d + " K=" + k);
        }
      }
    }
  }

  @Test
  void blockDotsRefuseAnUnalignedRange() {
    PackedRows c = new PackedRows(random(new SplittableRandom(1), 40, 4));
    for (DistanceKernel kernel : kernels()) {
      org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
          () -> kernel.dots(new float[4], 0, 1, c, 3, 10, new float[40], 0, 40), kernel.name());
    }
  }

  @Test
  void tiesGoToTheSmallestIndex() {
    FloatMatrix c = FloatMatrix.ofRows(new float[] {1, 0}, new float[] {0, 1}, new float[] {1, 0},
        new float[] {0, 1});
    FloatMatrix x = FloatMatrix.ofRows(new float[] {1, 0}, new float[] {0, 1}, new float[] {0.5f, 0.5f},
        new float[] {1, 0}, new float[] {0, 1});
    for (DistanceKernel k : kernels()) {
      int[] idx = new int[5];
      k.nearest(x.data(), 0, 5, new PackedRows(c), idx, new float[5]);
      assertArrayEquals(new int[] {0, 1, 0, 0, 1}, idx, k.name());
    }
  }

  @Test
  void respectsRowRange() {
    SplittableRandom rng = new SplittableRandom(3);
    FloatMatrix x = random(rng, 20, 8);
    PackedRows c = new PackedRows(random(rng, 30, 8));
    for (DistanceKernel k : kernels()) {
      int[] idx = new int[20];
      java.util.Arrays.fill(idx, -7);
      k.nearest(x.data(), 5, 13, c, idx, new float[20]);
      for (int i = 0; i < 20; i++) {
        assertEquals(i >= 5 && i < 13, idx[i] != -7, k.name() + " row " + i);
      }
    }
  }

  @Test
  void squaredL2() {
    float[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    float[] b = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    for (DistanceKernel k : kernels()) {
      assertEquals(385f, k.squaredL2(a, 0, b, 0, 10), 1e-3);
      assertEquals(1f + 4 + 9, k.squaredL2(a, 0, b, 0, 3), 1e-6);
    }
  }

  /**
   * {@code multiply} gives, per row and output, the bits of the one-query {@code dots} of the shifted row (shift
   * or none), for outputs narrower than a vector, within a panel and across panels, and writes only its rows.
   */
  @net.jqwik.api.Property(tries = 80)
  void multiplyEqualsDotsOfShiftedRows(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 90)
      int d, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 70) int k,
      @net.jqwik.api.ForAll boolean shifted, @net.jqwik.api.ForAll long seed) {
    checkMultiply(d, k, shifted, seed);
  }

  /**
   * The same for products too large for the vector kernel's panel-by-panel path (a packed matrix beyond 256 KB, as a
   * PCA of 784-d rows has), which go through the blocked dots.
   */
  @net.jqwik.api.Property(tries = 8)
  void largeMultiplyEqualsDotsOfShiftedRows(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 600,
      max = 800) int d, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 100, max = 130) int k,
      @net.jqwik.api.ForAll boolean shifted, @net.jqwik.api.ForAll long seed) {
    checkMultiply(d, k, shifted, seed);
  }

  private static void checkMultiply(int d, int k, boolean shifted, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 1 + rng.nextInt(21);
    FloatMatrix x = random(rng, n, d);
    PackedRows b = new PackedRows(random(rng, k, d));
    float[] shift = shifted ? random(rng, 1, d).data() : null;
    int from = rng.nextInt(n);
    int to = from + rng.nextInt(n - from + 1);
    int offset = rng.nextInt(5);
    for (DistanceKernel kernel : kernels()) {
      float[] out = new float[offset + (to - from) * k + 5];
      java.util.Arrays.fill(out, Float.NaN);
      kernel.multiply(x.data(), from, to, shift, b, out, offset);
      float[] row = new float[d];
      float[] expected = new float[k];
      for (int i = from; i < to; i++) {
        for (int t = 0; t < d; t++) {
          row[t] = shift == null ? x.get(i, t) : x.get(i, t) - shift[t];
        }
        DistanceKernels.scalar().dots(row, 0, b, expected);
        for (int r = 0; r < k; r++) {
          assertEquals(Float.floatToRawIntBits(expected[r]), Float.floatToRawIntBits(out[offset + (i - from) * k + r]),
              kernel.name() + " row " + i + " output " + r + " d=" + d + " K=" + k);
        }
      }
      for (int at = 0; at < out.length; at++) {
        if (at < offset || at >= offset + (to - from) * k) {
          assertTrue(Float.isNaN(out[at]), kernel.name() + " wrote cell " + at + " outside its rows");
        }
      }
    }
  }

  /**
   * {@code bucketize} counts the thresholds at or below each value, for 0 to 16 steps and rows wider than a
   * vector, values sometimes equal to a threshold; it writes nothing outside its rows.
   */
  @net.jqwik.api.Property(tries = 80)
  void bucketizeCountsThresholdsAtOrBelow(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 40)
      int columns, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 16) int steps,
      @net.jqwik.api.ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 1 + rng.nextInt(12);
    int stride = (columns + PackedRows.WIDTH - 1) / PackedRows.WIDTH * PackedRows.WIDTH;
    float[] thresholds = new float[steps * stride];
    java.util.Arrays.fill(thresholds, Float.POSITIVE_INFINITY);
    for (int q = 0; q < steps; q++) {
      for (int t = 0; t < columns; t++) {
        if (rng.nextInt(4) > 0) {
          thresholds[q * stride + t] = (float) (rng.nextDouble() * 4 - 2);
        }
      }
    }
    float[] values = random(rng, n, columns).data();
    for (int i = 0; i < values.length; i++) {
      if (steps > 0 && rng.nextInt(5) == 0) {
        values[i] = thresholds[rng.nextInt(steps) * stride + i % columns];
        if (Float.isInfinite(values[i])) {
          values[i] = 0f;
        }
      }
    }
    int from = rng.nextInt(n);
    int to = from + rng.nextInt(n - from + 1);
    int offset = rng.nextInt(3);
    for (DistanceKernel kernel : kernels()) {
      int[] out = new int[offset + (to - from) * stride + 3];
      java.util.Arrays.fill(out, -1);
      kernel.bucketize(values, from, to, columns, thresholds, steps, stride, out, offset);
      for (int i = from; i < to; i++) {
        for (int t = 0; t < columns; t++) {
          int expected = 0;
          for (int q = 0; q < steps; q++) {
            expected += values[i * columns + t] >= thresholds[q * stride + t] ? 1 : 0;
          }
          assertEquals(expected, out[offset + (i - from) * stride + t], kernel.name() + " row " + i + " column " + t);
        }
      }
      for (int at = 0; at < out.length; at++) {
        if (at < offset || at >= offset + (to - from) * stride) {
          assertEquals(-1, out[at], kernel.name() + " wrote cell " + at + " outside its rows");
        }
      }
    }
  }

  /** {@code signBits} sets bit b exactly when value b is above zero: not for -0, +0 or NaN; up to 64 bits. */
  @net.jqwik.api.Property(tries = 80)
  void signBitsAreThePositiveValues(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 64)
      int count, @net.jqwik.api.ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int offset = rng.nextInt(7);
    // the values end where the bits end half of the time, so the last vector runs past the array
    float[] x = new float[offset + count + (rng.nextBoolean() ? 0 : rng.nextInt(20))];
    float[] special = {0f, -0f, Float.NaN, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY};
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(4) == 0 ? special[rng.nextInt(special.length)] : (float) (rng.nextDouble() * 2 - 1);
    }
    long expected = 0;
    for (int b = 0; b < count; b++) {
      if (x[offset + b] > 0) {
        expected |= 1L << b;
      }
    }
    for (DistanceKernel kernel : kernels()) {
      assertEquals(expected, kernel.signBits(x, offset, count), kernel.name() + " count " + count);
    }
  }

  /** {@code atMost} lists, in order, exactly the indices whose value is at most the limit, ties and -0 included. */
  @net.jqwik.api.Property(tries = 80)
  void atMostListsTheValuesUpToTheLimit(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 70)
      int count, @net.jqwik.api.ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int from = rng.nextInt(9);
    float[] v = new float[from + count + rng.nextInt(3)];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextInt(5) == 0 ? -0f : (float) rng.nextInt(-20, 21) / 4;
    }
    float limit = rng.nextInt(6) == 0 ? 0f : (float) rng.nextInt(-24, 25) / 4;
    java.util.List<Integer> expected = new java.util.ArrayList<>();
    for (int j = 0; j < count; j++) {
      if (v[from + j] <= limit) {
        expected.add(j);
      }
    }
    for (DistanceKernel kernel : kernels()) {
      int[] out = new int[count];
      int n = kernel.atMost(v, from, count, limit, out);
      java.util.List<Integer> got = new java.util.ArrayList<>();
      for (int h = 0; h < n; h++) {
        got.add(out[h]);
      }
      assertEquals(expected, got, kernel.name() + " count " + count + " limit " + limit);
    }
  }

  /**
   * {@code rotateRows} equals rotations applied one at a time to every column, bit for bit, in both kernels: runs
   * of consecutive planes (a QR sweep) mixed with jumps and repeats, column ranges of every alignment. Random
   * shapes from jqwik's printed seed.
   */
  @net.jqwik.api.Property(tries = 60)
  void rotateRowsEqualsOneRotationAtATime(@net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 2, max = 40)
      int rows, @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 90) int columns,
      @net.jqwik.api.ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] start = new double[rows][columns];
    for (double[] row : start) {
      for (int j = 0; j < columns; j++) {
        row[j] = rng.nextGaussian();
      }
    }
    int count = rng.nextInt(1, 200);
    int[] planes = new int[count];
    double[] cosines = new double[count];
    double[] sines = new double[count];
    int k = rng.nextInt(rows - 1);
    for (int r = 0; r < count; r++) {
      // mostly the next plane, as in a sweep; sometimes anywhere
      k = k + 1 < rows - 1 && rng.nextInt(5) != 0 ? k + 1 : rng.nextInt(rows - 1);
      planes[r] = k;
      double angle = rng.nextDouble() * 2 * Math.PI;
      cosines[r] = Math.cos(angle);
      sines[r] = Math.sin(angle);
    }
    int from = rng.nextInt(columns);
    int to = rng.nextInt(from, columns + 1);
    double[][] expected = new double[rows][];
    for (int i = 0; i < rows; i++) {
      expected[i] = start[i].clone();
    }
    for (int r = 0; r < count; r++) {
      for (int j = from; j < to; j++) {
        double u = expected[planes[r]][j];
        double w = expected[planes[r] + 1][j];
        expected[planes[r]][j] = cosines[r] * u - sines[r] * w;
        expected[planes[r] + 1][j] = sines[r] * u + cosines[r] * w;
      }
    }
    for (DistanceKernel kernel : kernels()) {
      double[][] got = new double[rows][];
      for (int i = 0; i < rows; i++) {
        got[i] = start[i].clone();
      }
      kernel.rotateRows(got, planes, cosines, sines, count, from, to);
      for (int i = 0; i < rows; i++) {
        assertArrayEquals(expected[i], got[i], 0.0, kernel.name() + " row " + i + " columns " + from + ".." + to);
      }
    }
  }

  static java.util.List<DistanceKernel> kernels() {
    return DistanceKernels.vectorApiAvailable()
        ? java.util.List.of(DistanceKernels.scalar(), new VectorDistanceKernel())
        : java.util.List.of(DistanceKernels.scalar());
  }
}
