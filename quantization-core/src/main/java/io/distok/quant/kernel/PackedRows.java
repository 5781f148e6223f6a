package io.distok.quant.kernel;

import io.distok.util.FloatMatrix;
import java.util.Arrays;

/**
 * A set of rows (usually centroids) re-laid out for the blocked kernels: panels of {@link #WIDTH} rows, each
 * panel stored dimension-major ({@code packed[(p * d + t) * WIDTH + j]} = row {@code p * WIDTH + j}, column
 * {@code t}), so the kernel streams one contiguous vector per dimension. The row count is padded to a multiple
 * of {@code WIDTH}; padding rows have norm +infinity so they are never nearest.
 *
 * <p>Building costs O(K d) time and memory. Instances are immutable and thread-safe.
 */
public final class PackedRows {
  /**
   * Rows per panel: two vectors of the preferred species (32 floats with AVX-512, 16 with AVX2), 16 without the
   * Vector API. Results do not depend on it: every kernel sums each row's products in dimension order.
   */
  public static final int WIDTH = DistanceKernels.panelWidth();

  private final FloatMatrix rows;
  private final float[] packed;
  private final float[] paddedNorms;
  private final float[] paddedHalfNorms;
  private final int panels;

  /** Packs the rows of {@code m} (which is kept by reference: do not modify it afterwards). */
  public PackedRows(FloatMatrix m) {
    this.rows = m;
    int k = m.rows();
    int d = m.cols();
    this.panels = (k + WIDTH - 1) / WIDTH;
    this.packed = new float[panels * d * WIDTH];
    this.paddedNorms = new float[panels * WIDTH];
    Arrays.fill(paddedNorms, Float.POSITIVE_INFINITY);
    float[] src = m.data();
    for (int r = 0; r < k; r++) {
      int p = r / WIDTH;
      int j = r % WIDTH;
      int base = p * d * WIDTH + j;
      for (int t = 0; t < d; t++) {
        packed[base + t * WIDTH] = src[r * d + t];
      }
      paddedNorms[r] = squaredNorm(src, r * d, d);
    }
    // |c|^2 / 2 is exact, and fl(|c|^2/2 - x.c) * 2 == fl(|c|^2 - 2 x.c): kernels compare the cheaper form
    this.paddedHalfNorms = new float[paddedNorms.length];
    for (int r = 0; r < paddedNorms.length; r++) {
      paddedHalfNorms[r] = paddedNorms[r] * 0.5f;
    }
  }

  /**
   * Squared norm: four running sums with fused multiply-add, dimension t going to sum {@code t mod 4}, added as
   * {@code (s0 + s1) + (s2 + s3)}. This is the one definition every kernel uses, so that all paths agree bit for
   * bit. Four independent chains instead of one: a single chain of dependent multiply-adds (4 cycles each) made
   * the norm of a 784-d row a third of the cost of its distances to 256 centroids.
   */
  public static float squaredNorm(float[] a, int off, int d) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int t = 0;
    for (; t + 4 <= d; t += 4) {
      s0 = Math.fma(a[off + t], a[off + t], s0);
      s1 = Math.fma(a[off + t + 1], a[off + t + 1], s1);
      s2 = Math.fma(a[off + t + 2], a[off + t + 2], s2);
      s3 = Math.fma(a[off + t + 3], a[off + t + 3], s3);
    }
    for (; t < d; t++) {
      s0 = Math.fma(a[off + t], a[off + t], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Checks a row range argument of the block kernels: panel-aligned start, within the padded rows. */
  static void checkRowRange(PackedRows c, int rowFrom, int rowTo) {
    if (rowFrom < 0 || rowFrom % WIDTH != 0 || rowTo < rowFrom || rowTo > c.panels * WIDTH) {
      throw new IllegalArgumentException("row range [" + rowFrom + ", " + rowTo + ") must start at a multiple of "
          + WIDTH + " and lie within the " + c.panels * WIDTH + " padded rows");
    }
  }

  /** The original rows. */
  public FloatMatrix rows() {
    return rows;
  }

  /** Number of real rows K. */
  public int count() {
    return rows.rows();
  }

  public int dimension() {
    return rows.cols();
  }

  int panels() {
    return panels;
  }

  float[] packed() {
    return packed;
  }

  /** Squared norms, padded to {@code panels * WIDTH} with +infinity. */
  float[] paddedNorms() {
    return paddedNorms;
  }

  /** Half squared norms, padded with +infinity. */
  float[] paddedHalfNorms() {
    return paddedHalfNorms;
  }

  /** Squared norm of row {@code r}. */
  public float norm(int r) {
    return paddedNorms[r];
  }
}
