package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.SplittableRandom;

/**
 * Iterative quantization (Gong and Lazebnik 2011): PCA to c dimensions, then an orthogonal c x c rotation R
 * learned so that the rotated projections lie close to the corners of the hypercube, minimising {@code ||B - V
 * R||_F^2} with {@code B = sign(V R)}. Each iteration fixes B and solves the orthogonal Procrustes problem for R
 * (an SVD of {@code V^T B}, here through the eigen-decomposition of its Gram matrix), so the loss never rises.
 * The result is one {@link LinearTransform}, {@code R^T A_pca}, for sign-code families (LFQ, BSQ) and
 * binarised tokens. Cost O(PCA) + O(iterations n c^2).
 */
public final class Itq {
  /**
   * A singular value below this fraction of the largest is zero to rounding in {@link #procrustes}: it comes from
   * an eigenvalue of M^T M, whose rounding is about 1e-16 of the largest, hence about 1e-8 of the largest in
   * singular value.
   */
  static final double SINGULAR = 1e-6;
  private Itq() {}

  /** The trained transform and the quantization loss before each iteration and after the last. */
  public record Result(LinearTransform transform, double[] loss) {}

  /**
   * Learns the rotation.
   *
   * @param bits c, the output dimension (one sign bit each)
   * @param iterations Procrustes iterations (the paper uses 50)
   * @param seed of the initial random rotation
   * @throws InvalidInputException if the data does not allow a PCA to {@code bits} dimensions
   */
  public static Result train(FloatMatrix x, int bits, int iterations, long seed) {
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
    }
    LinearTransform pca = LinearTransform.pca(x, bits, false);
    FloatMatrix v = pca.apply(x);
    int n = v.rows();
    int c = bits;
    double[][] r = LinearTransform.orthonormalRows(LinearTransform.gaussian(c, new SplittableRandom(seed)));
    double[] loss = new double[iterations + 1];
    for (int it = 0; ; it++) {
      // B = sign(V R), and the loss of this R
      double[][] m = new double[c][c]; // V^T B
      double l = 0;
      double[] row = new double[c];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < c; j++) {
          double s = 0;
          for (int t = 0; t < c; t++) {
            s += v.get(i, t) * r[t][j];
          }
          row[j] = s;
        }
        for (int j = 0; j < c; j++) {
          double b = row[j] >= 0 ? 1 : -1;
          l += (b - row[j]) * (b - row[j]);
          for (int t = 0; t < c; t++) {
            m[t][j] += v.get(i, t) * b;
          }
        }
      }
      loss[it] = l;
      if (it == iterations) {
        break;
      }
      r = procrustes(m);
    }
    // y = R^T A (x - mean): the rows of the final matrix are R's columns times A
    FloatMatrix a = pca.matrix();
    int d = a.cols();
    FloatMatrix combined = new FloatMatrix(c, d);
    for (int j = 0; j < c; j++) {
      for (int t = 0; t < d; t++) {
        double s = 0;
        for (int k = 0; k < c; k++) {
          s += r[k][j] * a.get(k, t);
        }
        combined.set(j, t, (float) s);
      }
    }
    return new Result(new LinearTransform(combined, pca.mean(), "itq"), loss);
  }

  /**
   * The orthogonal R maximising trace(R^T M), i.e. U W^T for the SVD M = U S W^T; W and S^2 come from the
   * eigen-decomposition of M^T M, and U = M W S^-1 (a zero singular value keeps its W direction).
   */
  static double[][] procrustes(double[][] m) {
    int c = m.length;
    double[][] mtm = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double s = 0;
        for (int t = 0; t < c; t++) {
          s += m[t][i] * m[t][j];
        }
        mtm[i][j] = s;
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(mtm);
    // columns of U: u_r = M w_r / s_r for the singular values that are not zero to rounding, made orthonormal
    // against rounding. M is singular when two bits agree on every row (equal columns of B): M w_r / s_r is then
    // rounding noise, so those columns of U are any orthonormal completion instead
    double top = Math.sqrt(Math.max(eig.values[0], 0));
    int rank = 0;
    while (rank < c && Math.sqrt(Math.max(eig.values[rank], 0)) > SINGULAR * top) {
      rank++;
    }
    double[][] uRows = new double[rank][c];
    for (int r = 0; r < rank; r++) {
      double sv = Math.sqrt(eig.values[r]);
      for (int i = 0; i < c; i++) {
        double s = 0;
        for (int t = 0; t < c; t++) {
          s += m[i][t] * eig.vectors[r][t];
        }
        uRows[r][i] = s / sv;
      }
    }
    double[][] u = completed(LinearTransform.orthonormalRows(uRows), c);
    // R = U W^T: R[i][j] = sum_r u_r[i] w_r[j]
    double[][] rot = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = 0; j < c; j++) {
        double s = 0;
        for (int r = 0; r < c; r++) {
          s += u[r][i] * eig.vectors[r][j];
        }
        rot[i][j] = s;
      }
    }
    return rot;
  }

  /**
   * The given orthonormal rows followed by unit vectors orthogonal to them and to each other up to c rows: each
   * the coordinate axis with the largest part left after projecting out the rows so far (twice, against
   * rounding), so the completion is deterministic and well conditioned. O(c^3).
   */
  static double[][] completed(double[][] rows, int c) {
    double[][] out = java.util.Arrays.copyOf(rows, c);
    for (int r = rows.length; r < c; r++) {
      double[] best = null;
      double bestNorm = -1;
      for (int axis = 0; axis < c; axis++) {
        double[] v = new double[c];
        v[axis] = 1;
        for (int pass = 0; pass < 2; pass++) {
          for (int q = 0; q < r; q++) {
            double dot = 0;
            for (int t = 0; t < c; t++) {
              dot += v[t] * out[q][t];
            }
            for (int t = 0; t < c; t++) {
              v[t] -= dot * out[q][t];
            }
          }
        }
        double norm = 0;
        for (double e : v) {
          norm += e * e;
        }
        if (norm > bestNorm) {
          bestNorm = norm;
          best = v;
        }
      }
      double inv = 1 / Math.sqrt(bestNorm);
      for (int t = 0; t < c; t++) {
        best[t] *= inv;
      }
      out[r] = best;
    }
    return out;
  }
}
