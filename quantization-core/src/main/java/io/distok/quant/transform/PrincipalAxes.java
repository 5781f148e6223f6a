package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.kernel.PackedRows;

/**
 * The principal axes of a set of rows: their mean and all d eigenvectors of their covariance, largest variance
 * first, as the rows of an orthonormal d x d matrix A. {@link #rotate} maps rows into those coordinates, {@code y
 * = A (x - mean)}, so that a prefix of y's columns is the best linear summary of x of that width; {@link
 * #unrotate} maps back ({@code x = A^T y + mean}, exact up to rounding because A is orthogonal).
 *
 * <p>Cost: O(n d^2) for the covariance (blocked kernel, parallel over columns) plus O(d^3) for the symmetric
 * eigendecomposition (in double, one core: about 0.5 s at d = 784); each rotation O(n d^2) through the blocked
 * kernel. Deterministic whatever the thread count.
 */
public final class PrincipalAxes {
  private final float[] mean;
  private final FloatMatrix axes;
  private final double[] variances;
  /** The axes in double, as the eigensolver gave them (PCA's whitening scales these before rounding). */
  final double[][] exactAxes;

  private PrincipalAxes(float[] mean, FloatMatrix axes, double[] variances, double[][] exactAxes) {
    this.mean = mean;
    this.axes = axes;
    this.variances = variances;
    this.exactAxes = exactAxes;
  }

  /**
   * The principal axes of the rows of {@code x}.
   *
   * @throws InvalidInputException if {@code x} has fewer than two rows or a non-finite value
   */
  public static PrincipalAxes of(FloatMatrix x) {
    requireRows(x);
    int d = x.cols();
    float[] mean = LinearTransform.columnMeans(x);
    SymmetricEigen eig = SymmetricEigen.of(LinearTransform.covariance(x, mean));
    FloatMatrix axes = new FloatMatrix(d, d);
    for (int r = 0; r < d; r++) {
      for (int t = 0; t < d; t++) {
        axes.set(r, t, (float) eig.vectors[r][t]);
      }
    }
    return new PrincipalAxes(mean, axes, eig.values.clone(), eig.vectors);
  }

  /**
   * The variances along the principal axes of the rows of {@code x} (the covariance's eigenvalues, descending)
   * without the axes themselves, bit-identical to {@link #variances()} of {@link #of}: O(n d^2) for the
   * covariance plus about 4/3 d^3 flops.
   *
   * @throws InvalidInputException if {@code x} has fewer than two rows or a non-finite value
   */
  public static double[] variancesOf(FloatMatrix x) {
    requireRows(x);
    return SymmetricEigen.values(LinearTransform.covariance(x, LinearTransform.columnMeans(x)));
  }

  private static void requireRows(FloatMatrix x) {
    if (x.rows() < 2) {
      throw new InvalidInputException("PCA needs at least 2 rows, got " + x.rows());
    }
    x.requireFinite("PCA input");
  }

  /** The dimension d. */
  public int dimension() {
    return mean.length;
  }

  /** A copy of the mean. */
  public float[] mean() {
    return mean.clone();
  }

  /** A copy of the axes, one unit row per principal direction, largest variance first (d x d). */
  public FloatMatrix axes() {
    return axes.copy();
  }

  /** The variance along each axis (the covariance's eigenvalues), descending. */
  public double[] variances() {
    return variances.clone();
  }

  /** The rows of {@code x} in principal coordinates, {@code A (x - mean)}. O(n d^2). */
  public FloatMatrix rotate(FloatMatrix x) {
    return rotate(x, dimension());
  }

  /**
   * The first {@code components} principal coordinates of the rows of {@code x} (n x components), each with the
   * bits {@link #rotate(FloatMatrix)} gives it. O(n d components).
   *
   * @throws IllegalArgumentException if components is not in [1, d]
   */
  public FloatMatrix rotate(FloatMatrix x, int components) {
    requireWidth(x, "rotate");
    if (components < 1 || components > dimension()) {
      throw new IllegalArgumentException("components must be in [1, " + dimension() + "], got " + components);
    }
    FloatMatrix leading = components == dimension() ? axes
        : FloatMatrix.wrap(java.util.Arrays.copyOf(axes.data(), components * dimension()), components, dimension());
    return LinearTransform.multiply(x, mean, new PackedRows(leading), null);
  }

  /** Rows given in principal coordinates back in the original ones, {@code A^T y + mean}. O(n d^2). */
  public FloatMatrix unrotate(FloatMatrix y) {
    requireWidth(y, "unrotate");
    int d = dimension();
    FloatMatrix transposed = new FloatMatrix(d, d);
    for (int r = 0; r < d; r++) {
      for (int t = 0; t < d; t++) {
        transposed.set(t, r, axes.get(r, t));
      }
    }
    return LinearTransform.multiply(y, null, new PackedRows(transposed), mean);
  }

  private void requireWidth(FloatMatrix m, String what) {
    if (m.cols() != dimension()) {
      throw new IllegalArgumentException(what + ": " + m.cols() + " columns for principal axes of dimension "
          + dimension());
    }
  }
}
