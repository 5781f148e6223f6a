package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code y = A (x - mean)} for a d_out x d_in matrix A: PCA ({@link #pca}), random rotations ({@link
 * #randomRotation}), ITQ-style learned rotations ({@link Itq}) and any given map. The reverse is the
 * Moore-Penrose pseudo-inverse, {@code x = A+ y + mean}: exact for rotations, the least-squares pre-image for
 * projections. Applying costs O(n d_in d_out) through the blocked kernel, parallel over rows; building the
 * pseudo-inverse O(d^3) once.
 */
public final class LinearTransform implements VectorTransform {
  private final FloatMatrix matrix;
  private final float[] mean;
  private final FloatMatrix pseudoInverse;
  private final PackedRows packed;
  private final PackedRows packedInverse;
  private final String source;

  /**
   * A linear map.
   *
   * @param matrix A, d_out x d_in (copied)
   * @param mean subtracted before A is applied (length d_in; copied)
   * @param source how A was obtained, for reports: {@code pca}, {@code rotation}, {@code itq}, {@code given}
   */
  public LinearTransform(FloatMatrix matrix, float[] mean, String source) {
    if (matrix.rows() < 1 || matrix.cols() < 1 || mean.length != matrix.cols()) {
      throw new IllegalArgumentException("a " + matrix.rows() + " x " + matrix.cols() + " matrix with a mean of "
          + mean.length + " values is not a linear transform");
    }
    for (float v : matrix.data()) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("the transform matrix holds a non-finite value");
      }
    }
    this.matrix = matrix.copy();
    this.mean = mean.clone();
    this.source = source;
    this.pseudoInverse = pseudoInverse(this.matrix);
    this.packed = new PackedRows(this.matrix);
    this.packedInverse = new PackedRows(this.pseudoInverse);
  }

  /** A copy of A. */
  public FloatMatrix matrix() {
    return matrix.copy();
  }

  /** A copy of the mean subtracted first. */
  public float[] mean() {
    return mean.clone();
  }

  /** How A was obtained. */
  public String source() {
    return source;
  }

  @Override
  public String kind() {
    return "linear";
  }

  @Override
  public int inputDimension() {
    return matrix.cols();
  }

  @Override
  public int outputDimension() {
    return matrix.rows();
  }

  @Override
  public FloatMatrix apply(FloatMatrix x) {
    if (x.cols() != inputDimension()) {
      throw new InvalidInputException("linear transform (" + source + ") of input dimension " + inputDimension()
          + " given " + x.cols() + " columns");
    }
    return multiply(x, mean, packed, null);
  }

  @Override
  public FloatMatrix reverse(FloatMatrix y) {
    if (y.cols() != outputDimension()) {
      throw new InvalidInputException("reverse of a linear transform of output dimension " + outputDimension()
          + " given " + y.cols() + " columns");
    }
    return multiply(y, null, packedInverse, mean);
  }

  /** Rows of {@code (x - before) B^T + after} for the packed rows B, parallel over row chunks. */
  static FloatMatrix multiply(FloatMatrix x, float[] before, PackedRows b, float[] after) {
    int n = x.rows();
    int dout = b.count();
    FloatMatrix y = new FloatMatrix(n, dout);
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      kernel.multiply(x.data(), from, to, before, b, y.data(), from * dout);
      if (after != null) {
        for (int i = from; i < to; i++) {
          for (int t = 0; t < dout; t++) {
            y.data()[i * dout + t] += after[t];
          }
        }
      }
    });
    return y;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("kind", kind());
    p.put("source", source);
    p.put("inputDimension", inputDimension());
    p.put("outputDimension", outputDimension());
    return p;
  }

  /**
   * PCA: the mean, then the {@code outDim} principal directions of the rows' covariance as the rows of A (largest
   * variance first); with {@code whiten} each direction is scaled to unit variance. Cost O(n d^2) for the
   * covariance (blocked kernel) plus O(d^3) for the eigendecomposition ({@link PrincipalAxes}).
   *
   * @throws InvalidInputException if {@code outDim} is not in [1, d], or (from {@link PrincipalAxes#of}) there are
   *     fewer than two rows or a non-finite value
   */
  public static LinearTransform pca(FloatMatrix x, int outDim, boolean whiten) {
    int d = x.cols();
    if (outDim < 1 || outDim > d) {
      throw new InvalidInputException("PCA to " + outDim + " dimensions of " + d + "-dimensional data");
    }
    PrincipalAxes axes = PrincipalAxes.of(x);
    double[] variances = axes.variances();
    FloatMatrix a = new FloatMatrix(outDim, d);
    double top = Math.max(variances[0], Double.MIN_NORMAL);
    for (int r = 0; r < outDim; r++) {
      double scale = whiten ? 1 / Math.sqrt(Math.max(variances[r], 1e-12 * top)) : 1;
      for (int t = 0; t < d; t++) {
        a.set(r, t, (float) (axes.exactAxes[r][t] * scale));
      }
    }
    return new LinearTransform(a, axes.mean(), whiten ? "pca-whiten" : "pca");
  }

  /**
   * A uniformly random rotation of d dimensions (Gram-Schmidt on a Gaussian matrix, in double), a function of
   * the seed. O(d^3).
   */
  public static LinearTransform randomRotation(int d, long seed) {
    if (d < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + d);
    }
    double[][] q = orthonormalRows(gaussian(d, new SplittableRandom(seed)));
    FloatMatrix a = new FloatMatrix(d, d);
    for (int r = 0; r < d; r++) {
      for (int t = 0; t < d; t++) {
        a.set(r, t, (float) q[r][t]);
      }
    }
    return new LinearTransform(a, new float[d], "rotation");
  }

  static double[][] gaussian(int d, SplittableRandom rng) {
    double[][] g = new double[d][d];
    for (int r = 0; r < d; r++) {
      for (int t = 0; t < d; t++) {
        g[r][t] = gaussian(rng);
      }
    }
    return g;
  }

  /** A standard normal draw by Box-Muller, so the stream does not depend on the JDK's algorithm. */
  static double gaussian(SplittableRandom rng) {
    double u = 1 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Modified Gram-Schmidt on the rows (applied twice for orthogonality to rounding); rows must be independent. */
  static double[][] orthonormalRows(double[][] m) {
    int d = m.length;
    double[][] q = new double[d][];
    for (int r = 0; r < d; r++) {
      double[] v = m[r].clone();
      for (int pass = 0; pass < 2; pass++) {
        for (int s = 0; s < r; s++) {
          double dot = 0;
          for (int t = 0; t < v.length; t++) {
            dot += v[t] * q[s][t];
          }
          for (int t = 0; t < v.length; t++) {
            v[t] -= dot * q[s][t];
          }
        }
      }
      double norm = 0;
      for (double e : v) {
        norm += e * e;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        throw new IllegalArgumentException("rows are linearly dependent");
      }
      for (int t = 0; t < v.length; t++) {
        v[t] /= norm;
      }
      q[r] = v;
    }
    return q;
  }

  static float[] columnMeans(FloatMatrix x) {
    int n = x.rows();
    int d = x.cols();
    double[] s = new double[d];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        s[t] += x.get(i, t);
      }
    }
    float[] mean = new float[d];
    for (int t = 0; t < d; t++) {
      mean[t] = (float) (s[t] / n);
    }
    return mean;
  }

  /**
   * The covariance of the centred rows, {@code X'^T X' / (n - 1)}: the centred columns become the rows of one
   * packed matrix and the blocked kernel takes their dot products, parallel over columns, for the upper triangle
   * (mirrored). About n d^2 / 2 multiply-adds.
   */
  static double[][] covariance(FloatMatrix x, float[] mean) {
    int n = x.rows();
    int d = x.cols();
    FloatMatrix columns = new FloatMatrix(d, n);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        columns.data()[t * n + i] = x.get(i, t) - mean[t];
      }
    }
    PackedRows packed = new PackedRows(columns);
    float[] dots = new float[d * d];
    DistanceKernel kernel = DistanceKernels.get();
    // only the upper triangle (t >= r) is computed, from the packed group holding column r on: every entry is
    // summed in dimension order whatever the group, so it has the bits of the full product
    Parallel.forEachChunk(d, 4, (c, from, to) -> {
      int first = from / PackedRows.WIDTH * PackedRows.WIDTH;
      kernel.dots(columns.data(), from, to, packed, first, d, dots, from * d + first, d);
    });
    double[][] cov = new double[d][d];
    for (int r = 0; r < d; r++) {
      for (int t = r; t < d; t++) {
        cov[r][t] = dots[r * d + t] / (double) (n - 1);
        cov[t][r] = cov[r][t];
      }
    }
    return cov;
  }

  /**
   * The Moore-Penrose pseudo-inverse of A (d_out x d_in), d_in x d_out: {@code A^T (A A^T)^-1} when {@code d_out <= d_in},
   * {@code (A^T A)^-1 A^T} otherwise, the Gram inverse through its eigen-decomposition with directions of
   * negligible eigenvalue dropped. For orthonormal rows it is A^T. O(d^3) in double.
   */
  static FloatMatrix pseudoInverse(FloatMatrix a) {
    int m = a.rows();
    int k = a.cols();
    boolean wide = m <= k;
    int g = wide ? m : k;
    double[][] gram = new double[g][g];
    for (int i = 0; i < g; i++) {
      for (int j = i; j < g; j++) {
        double s = 0;
        if (wide) {
          for (int t = 0; t < k; t++) {
            s += (double) a.get(i, t) * a.get(j, t);
          }
        } else {
          for (int t = 0; t < m; t++) {
            s += (double) a.get(t, i) * a.get(t, j);
          }
        }
        gram[i][j] = s;
        gram[j][i] = s;
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(gram);
    double cutoff = 1e-10 * Math.max(eig.values[0], Double.MIN_NORMAL);
    double[][] inv = new double[g][g];
    for (int r = 0; r < g; r++) {
      if (eig.values[r] <= cutoff) {
        continue;
      }
      double w = 1 / eig.values[r];
      for (int i = 0; i < g; i++) {
        for (int j = 0; j < g; j++) {
          inv[i][j] += w * eig.vectors[r][i] * eig.vectors[r][j];
        }
      }
    }
    FloatMatrix out = new FloatMatrix(k, m);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < m; j++) {
        double s = 0;
        if (wide) {
          // (A^T inv)[i][j] = sum_t A[t][i] inv[t][j]
          for (int t = 0; t < m; t++) {
            s += a.get(t, i) * inv[t][j];
          }
        } else {
          // (inv A^T)[i][j] = sum_t inv[i][t] A[j][t]
          for (int t = 0; t < k; t++) {
            s += inv[i][t] * a.get(j, t);
          }
        }
        out.set(i, j, (float) s);
      }
    }
    return out;
  }
}
