package io.distok.quant.aq;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import java.util.ArrayList;
import java.util.List;

/**
 * The codebook step of LSQ: all M codebooks at once as the regularised least-squares solution {@code C = argmin
 * ||X - B C||^2 + lambda ||C||^2}, B the n x MK one-hot code matrix, i.e. {@code (B^T B + lambda I) C = B^T X}. The
 * system is solved by conjugate gradients on all d columns together, preconditioned by its diagonal (each code's
 * count plus lambda, which is exact within one codebook) and started from the current codebooks, so a few
 * iterations suffice. One iteration applies {@code B^T B} as a decode of the rows followed by a scatter by code,
 * O(n M d), and never forms the MK x MK matrix (faiss forms and factorises it, O((MK)^3)).
 *
 * <p>Sums run in double; the scatter runs one codebook per task over the rows in order, so the result does not
 * depend on the thread count.
 */
final class JointCodebookUpdate {
  private static final int BLOCK_ROWS = 4096;

  private final FloatMatrix x;
  private final int[] codes;
  private final int m;
  private final int k;
  private final int d;
  private final double lambda;

  /**
   * @param codes n x M codes, row-major
   */
  JointCodebookUpdate(FloatMatrix x, int[] codes, int m, int k, double lambda) {
    this.x = x;
    this.codes = codes;
    this.m = m;
    this.k = k;
    this.d = x.cols();
    this.lambda = lambda;
  }

  /** Result of one solve: the codebooks and the conjugate-gradient iterations run. */
  record Result(List<FloatMatrix> codebooks, int iterations, double relativeResidual) {}

  /**
   * Solves from {@code start} for at most {@code maxIterations} iterations or until the residual falls below
   * {@code tolerance} times the right-hand side's norm.
   */
  Result solve(List<FloatMatrix> start, int maxIterations, double tolerance) {
    int n = x.rows();
    double[][] counts = new double[m][k];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < m; a++) {
        counts[a][codes[i * m + a]]++;
      }
    }
    double[][] rhs = new double[m][k * d];
    Parallel.forEachChunk(m, 1, (chunk, from, to) -> {
      for (int a = from; a < to; a++) {
        double[] out = rhs[a];
        for (int i = 0; i < n; i++) {
          int base = codes[i * m + a] * d;
          int off = x.offset(i);
          for (int t = 0; t < d; t++) {
            out[base + t] += x.data()[off + t];
          }
        }
      }
    });
    double[][] c = new double[m][k * d];
    for (int a = 0; a < m; a++) {
      FloatMatrix s = start.get(a);
      for (int i = 0; i < k * d; i++) {
        c[a][i] = s.data()[i];
      }
    }
    double[][] r = minus(rhs, apply(c));
    double rhsNorm = Math.sqrt(dot(rhs, rhs));
    double[][] z = precondition(r, counts);
    double[][] p = copy(z);
    double rz = dot(r, z);
    int it = 0;
    double residual = Math.sqrt(dot(r, r));
    while (it < maxIterations && residual > tolerance * rhsNorm) {
      double[][] ap = apply(p);
      double pap = dot(p, ap);
      if (!(pap > 0)) {
        break;
      }
      double alpha = rz / pap;
      for (int a = 0; a < m; a++) {
        for (int i = 0; i < k * d; i++) {
          c[a][i] += alpha * p[a][i];
          r[a][i] -= alpha * ap[a][i];
        }
      }
      it++;
      residual = Math.sqrt(dot(r, r));
      z = precondition(r, counts);
      double rzNext = dot(r, z);
      double beta = rzNext / rz;
      rz = rzNext;
      for (int a = 0; a < m; a++) {
        for (int i = 0; i < k * d; i++) {
          p[a][i] = z[a][i] + beta * p[a][i];
        }
      }
    }
    List<FloatMatrix> out = new ArrayList<>();
    for (int a = 0; a < m; a++) {
      FloatMatrix b = new FloatMatrix(k, d);
      for (int i = 0; i < k * d; i++) {
        b.data()[i] = (float) c[a][i];
      }
      out.add(b);
    }
    return new Result(out, it, rhsNorm == 0 ? 0 : residual / rhsNorm);
  }

  /** {@code (B^T B + lambda I) v}, O(n M d): rows decoded a block at a time, then scattered one codebook per task. */
  private double[][] apply(double[][] v) {
    int n = x.rows();
    double[][] out = new double[m][k * d];
    double[] decoded = new double[Math.min(n, BLOCK_ROWS) * d];
    for (int from = 0; from < n; from += BLOCK_ROWS) {
      int start = from;
      int end = Math.min(n, from + BLOCK_ROWS);
      Parallel.forEachChunk(end - start, Parallel.DEFAULT_CHUNK, (chunk, lo, hi) -> {
        for (int i = lo; i < hi; i++) {
          int row = start + i;
          int o = i * d;
          java.util.Arrays.fill(decoded, o, o + d, 0);
          for (int a = 0; a < m; a++) {
            int base = codes[row * m + a] * d;
            double[] va = v[a];
            for (int t = 0; t < d; t++) {
              decoded[o + t] += va[base + t];
            }
          }
        }
      });
      Parallel.forEachChunk(m, 1, (chunk, lo, hi) -> {
        for (int a = lo; a < hi; a++) {
          double[] oa = out[a];
          for (int row = start; row < end; row++) {
            int base = codes[row * m + a] * d;
            int o = (row - start) * d;
            for (int t = 0; t < d; t++) {
              oa[base + t] += decoded[o + t];
            }
          }
        }
      });
    }
    for (int a = 0; a < m; a++) {
      for (int i = 0; i < k * d; i++) {
        out[a][i] += lambda * v[a][i];
      }
    }
    return out;
  }

  private double[][] precondition(double[][] r, double[][] counts) {
    double[][] z = new double[m][k * d];
    for (int a = 0; a < m; a++) {
      for (int i = 0; i < k; i++) {
        double w = 1 / (counts[a][i] + lambda + 1e-12);
        for (int t = 0; t < d; t++) {
          z[a][i * d + t] = r[a][i * d + t] * w;
        }
      }
    }
    return z;
  }

  private static double dot(double[][] a, double[][] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      for (int i = 0; i < a[j].length; i++) {
        s += a[j][i] * b[j][i];
      }
    }
    return s;
  }

  private static double[][] minus(double[][] a, double[][] b) {
    double[][] out = new double[a.length][];
    for (int j = 0; j < a.length; j++) {
      out[j] = new double[a[j].length];
      for (int i = 0; i < a[j].length; i++) {
        out[j][i] = a[j][i] - b[j][i];
      }
    }
    return out;
  }

  private static double[][] copy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int j = 0; j < a.length; j++) {
      out[j] = a[j].clone();
    }
    return out;
  }
}
