package io.distok.quant.transform;

/**
 * Eigenvalues and eigenvectors of a symmetric matrix by the cyclic Jacobi method (Golub and Van Loan, section
 * 8.5): plane rotations zero the off-diagonal entries sweep by sweep until they are negligible against the
 * diagonal. Robust and exact to rounding for the small matrices of PCA and rotations; O(n^3) per sweep, usually
 * 6-10 sweeps. Computed in double; the result is a deterministic function of the input.
 */
final class SymmetricEigen {
  private static final int MAX_SWEEPS = 60;

  /** Eigenvalues, descending. */
  final double[] values;
  /** Eigenvectors as rows, in the order of {@link #values}: {@code vectors[i]} is a unit vector. */
  final double[][] vectors;

  private SymmetricEigen(double[] values, double[][] vectors) {
    this.values = values;
    this.vectors = vectors;
  }

  /** Decomposes the symmetric n x n matrix {@code m} (only its upper triangle is read; not modified). */
  static SymmetricEigen of(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        a[i][j] = m[i][j];
        a[j][i] = m[i][j];
      }
    }
    // v holds the eigenvectors as columns while rotating
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < n; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < n; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-30 * Math.max(diag, Double.MIN_NORMAL)) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = a[p][q];
          if (apq == 0) {
            continue;
          }
          // the rotation angle that zeroes a[p][q]: t = tan(theta), the smaller root
          double theta = (a[q][q] - a[p][p]) / (2 * apq);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[][] finalA = a;
    java.util.Arrays.sort(order, (x, y) -> Double.compare(finalA[y][y], finalA[x][x]) != 0
        ? Double.compare(finalA[y][y], finalA[x][x]) : Integer.compare(x, y));
    double[] values = new double[n];
    double[][] vectors = new double[n][n];
    for (int r = 0; r < n; r++) {
      int i = order[r];
      values[r] = a[i][i];
      // a deterministic sign: the largest-magnitude component is positive
      int big = 0;
      for (int k = 1; k < n; k++) {
        if (Math.abs(v[k][i]) > Math.abs(v[big][i])) {
          big = k;
        }
      }
      double sign = v[big][i] < 0 ? -1 : 1;
      for (int k = 0; k < n; k++) {
        vectors[r][k] = sign * v[k][i];
      }
    }
    return new SymmetricEigen(values, vectors);
  }
}
