package io.distok.quant.transform;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;

/**
 * Eigenvalues and eigenvectors of a symmetric matrix: Householder reduction to tridiagonal form, then implicit
 * QR steps with Wilkinson shifts on the tridiagonal matrix (Golub and Van Loan, Matrix Computations, algorithms
 * 8.3.1 and 8.3.3), both accumulating the orthogonal transformation. About 4/3 n^3 flops for the reduction, 4/3
 * n^3 to accumulate it and 6 n^3 for the rotations of the QR steps, the large matrix updates split into column
 * blocks run in parallel: about 0.2 s for n = 784 on two cores (JDK 25, warm; the rotations 0.06 s of it on
 * the vector kernel, 0.17 s on the scalar loop), where the cyclic Jacobi method this replaced took about 25 s.
 * Every loop runs over contiguous rows (the accumulated transformation is kept transposed, one eigenvector per
 * row). Computed in double; the result is a deterministic function of the input, whatever the thread count.
 */
final class SymmetricEigen {
  /** An off-diagonal entry this small against its two diagonal neighbours is taken as zero. */
  private static final double DEFLATION = 0x1p-52;
  /** Rotations of the QR steps applied together (see {@link RotationLog}). */
  private static final int ROTATION_BATCH = 1 << 16;
  /** Columns of the transformation per block of a rotation batch: 784 rows of 64 doubles are 400 KB. */
  private static final int ROTATION_BLOCK = 64;
  /** Columns per parallel block of a matrix update. */
  private static final int COLUMN_BLOCK = 128;
  /** Matrix updates of fewer entries than this run on the calling thread (a fork costs about as much). */
  private static final long PARALLEL_WORK = 256L * 256;
  /** QR steps allowed per eigenvalue before the decomposition is declared not to converge. */
  private static final int STEPS_PER_VALUE = 60;

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
    double[][] a = symmetricCopy(m);
    // qt's rows are the columns of the orthogonal Q, A = Q T Q^T (filled by the reduction)
    double[][] qt = new double[n][n];
    double[] d = new double[n];
    double[] e = new double[Math.max(0, n - 1)];
    tridiagonalize(a, qt, d, e);
    diagonalize(d, e, qt);
    return sorted(d, qt);
  }

  /**
   * The eigenvalues of the symmetric matrix {@code m} alone, descending: the same reduction and QR steps as {@link
   * #of} without accumulating the transformation, hence the same values bit for bit, at about 4/3 n^3 flops
   * instead of about 9 n^3.
   */
  static double[] values(double[][] m) {
    int n = m.length;
    double[] d = new double[n];
    double[] e = new double[Math.max(0, n - 1)];
    tridiagonalize(symmetricCopy(m), null, d, e);
    diagonalize(d, e, null);
    double[] values = d.clone();
    java.util.Arrays.sort(values);
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      double t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return values;
  }

  private static double[][] symmetricCopy(double[][] m) {
    int n = m.length;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        if (!Double.isFinite(m[i][j])) {
          throw new InvalidInputException("eigendecomposition of a matrix with a non-finite entry at " + i + ","
              + j);
        }
        a[i][j] = m[i][j];
        a[j][i] = m[i][j];
      }
    }
    return a;
  }

  /**
   * Householder reduction: for each column k, the reflection {@code H_k = I - beta v v^T} that zeroes column k
   * below the sub-diagonal is applied on both sides of the trailing block ({@code B -= v w^T + w v^T} with
   * {@code w = p - (beta/2)(v.p) v}, {@code p = beta B v}). Leaves the diagonal in {@code d} and the sub-diagonal
   * in {@code e}; with {@code qt} non-null, fills it with {@code Q^T} for {@code Q = H_0 H_1 ... H_{n-3}}, built
   * from the last reflection back so that each one touches only its trailing block (4/3 n^3 flops). The matrix
   * products run over column blocks in parallel for large n; every entry is computed in the same order whatever
   * the split.
   */
  private static void tridiagonalize(double[][] a, double[][] qt, double[] d, double[] e) {
    int n = a.length;
    double[] p = new double[n];
    double[][] reflectors = qt == null ? null : new double[n][];
    double[] betas = new double[n];
    for (int k = 0; k + 2 < n; k++) {
      int from = k + 1;
      double scale = 0;
      for (int i = from; i < n; i++) {
        scale = Math.max(scale, Math.abs(a[i][k]));
      }
      if (scale == 0) {
        continue; // the column is already zero below the diagonal
      }
      double[] v = new double[n];
      double norm2 = 0;
      for (int i = from; i < n; i++) {
        v[i] = a[i][k] / scale;
        norm2 += v[i] * v[i];
      }
      double alpha = (v[from] >= 0 ? -1 : 1) * Math.sqrt(norm2);
      v[from] -= alpha;
      double vv = norm2 - 2 * alpha * (v[from] + alpha) + alpha * alpha;
      if (vv == 0) {
        continue;
      }
      double beta = 2 / vv;
      // p = beta B v, as a sum of B's rows scaled by v (B is symmetric): row updates vectorise, a dot product
      // per row would be a chain of dependent adds
      java.util.Arrays.fill(p, from, n, 0);
      overColumns(from, n, (c, lo, hi) -> {
        for (int i = from; i < n; i++) {
          double vi = v[i];
          if (vi == 0) {
            continue;
          }
          double[] ai = a[i];
          for (int j = lo; j < hi; j++) {
            p[j] += vi * ai[j];
          }
        }
      });
      double vp = 0;
      for (int i = from; i < n; i++) {
        p[i] *= beta;
        vp += v[i] * p[i];
      }
      double half = beta * vp / 2;
      for (int i = from; i < n; i++) {
        p[i] -= half * v[i]; // p is now w
      }
      overColumns(from, n, (c, lo, hi) -> {
        for (int i = from; i < n; i++) {
          double[] ai = a[i];
          double vi = v[i];
          double wi = p[i];
          for (int j = lo; j < hi; j++) {
            ai[j] -= vi * p[j] + wi * v[j];
          }
        }
      });
      double sub = alpha * scale;
      a[from][k] = sub;
      a[k][from] = sub;
      for (int i = from + 1; i < n; i++) {
        a[i][k] = 0;
        a[k][i] = 0;
      }
      if (reflectors != null) {
        reflectors[k] = v;
        betas[k] = beta;
      }
    }
    for (int i = 0; i < n; i++) {
      d[i] = a[i][i];
      if (i + 1 < n) {
        e[i] = a[i + 1][i];
      }
    }
    if (qt != null) {
      accumulate(reflectors, betas, qt);
    }
  }

  /**
   * {@code qt = (H_0 H_1 ... H_{n-3})^T}: Q starts as the identity and takes {@code Q <- H_k Q} for k from the
   * last down; since {@code H_{k+1} ... H_{n-3}} is the identity outside its trailing block, {@code H_k} changes
   * only rows and columns {@code k+1..n-1}: {@code Q -= beta v (v^T Q)} there.
   */
  private static void accumulate(double[][] reflectors, double[] betas, double[][] qt) {
    int n = qt.length;
    double[][] q = new double[n][n];
    for (int i = 0; i < n; i++) {
      q[i][i] = 1;
    }
    double[] w = new double[n];
    for (int k = n - 3; k >= 0; k--) {
      double[] v = reflectors[k];
      if (v == null) {
        continue;
      }
      double beta = betas[k];
      int from = k + 1;
      overColumns(from, n, (c, lo, hi) -> {
        java.util.Arrays.fill(w, lo, hi, 0);
        for (int i = from; i < n; i++) {
          double vi = v[i];
          double[] qi = q[i];
          for (int j = lo; j < hi; j++) {
            w[j] += vi * qi[j];
          }
        }
        for (int i = from; i < n; i++) {
          double f = beta * v[i];
          double[] qi = q[i];
          for (int j = lo; j < hi; j++) {
            qi[j] -= f * w[j];
          }
        }
      });
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        qt[j][i] = q[i][j];
      }
    }
  }

  /** Runs {@code body} over column blocks of {@code [from, n)}: in parallel when the block is large. */
  private static void overColumns(int from, int n, Parallel.ChunkBody body) {
    int width = n - from;
    if ((long) width * width < PARALLEL_WORK) {
      body.run(0, from, n);
      return;
    }
    Parallel.forEachChunk(width, COLUMN_BLOCK, (c, lo, hi) -> body.run(c, from + lo, from + hi));
  }

  /**
   * Implicit symmetric QR steps with Wilkinson shifts on the tridiagonal (d, e) until every off-diagonal entry is
   * negligible; each step chases the bulge of a plane rotation down the unreduced block and applies every
   * rotation to the rows of {@code qt}.
   */
  private static void diagonalize(double[] d, double[] e, double[][] qt) {
    int n = d.length;
    int hi = n - 1;
    long steps = 0;
    long maxSteps = (long) STEPS_PER_VALUE * Math.max(1, n);
    RotationLog log = qt == null ? null : new RotationLog(qt);
    while (hi > 0) {
      if (negligible(d, e, hi - 1)) {
        e[hi - 1] = 0;
        hi--;
        continue;
      }
      int lo = hi - 1;
      while (lo > 0 && !negligible(d, e, lo - 1)) {
        lo--;
      }
      if (lo > 0) {
        e[lo - 1] = 0; // the block is decoupled from the rows above it
      }
      if (++steps > maxSteps) {
        throw new IllegalStateException("the eigendecomposition did not converge in " + maxSteps + " QR steps");
      }
      qrStep(d, e, lo, hi, log);
    }
    if (log != null) {
      log.apply();
    }
  }

  /**
   * The plane rotations of the QR steps, in order, applied to the rows of {@code qt} in batches. The steps
   * themselves read only the tridiagonal matrix, so the rotations can wait: a batch is applied one block of
   * {@link #ROTATION_BLOCK} columns at a time (all of qt's rows of that block stay in the core's L2 cache through
   * the whole batch instead of streaming qt from memory once per step), the blocks in parallel. Each entry of qt
   * sees the same rotations in the same order as when they are applied one at a time, so the bits do not depend
   * on the batching or the thread count. The kernel ({@link DistanceKernel#rotateRows}) does the arithmetic: the
   * vector one keeps the row shared by consecutive rotations in registers.
   */
  private static final class RotationLog {
    private final double[][] qt;
    private final int[] planes = new int[ROTATION_BATCH];
    private final double[] cosines = new double[ROTATION_BATCH];
    private final double[] sines = new double[ROTATION_BATCH];
    private int size;

    RotationLog(double[][] qt) {
      this.qt = qt;
    }

    /** Records the rotation of rows k and k+1: {@code (q_k, q_k+1) <- (c q_k - s q_k+1, s q_k + c q_k+1)}. */
    void add(int k, double c, double s) {
      if (size == ROTATION_BATCH) {
        apply();
      }
      planes[size] = k;
      cosines[size] = c;
      sines[size] = s;
      size++;
    }

    /** Applies the recorded rotations and empties the log. */
    void apply() {
      int count = size;
      int n = qt.length;
      DistanceKernel kernel = DistanceKernels.get();
      Parallel.ChunkBody rotate = (chunk, from, to) ->
          kernel.rotateRows(qt, planes, cosines, sines, count, from, to);
      if ((long) count * n < PARALLEL_WORK) {
        rotate.run(0, 0, n);
      } else {
        Parallel.forEachChunk(n, ROTATION_BLOCK, rotate);
      }
      size = 0;
    }
  }

  private static boolean negligible(double[] d, double[] e, int i) {
    return Math.abs(e[i]) <= DEFLATION * (Math.abs(d[i]) + Math.abs(d[i + 1]));
  }

  /**
   * One implicit QR step on the unreduced block {@code lo..hi}, shift from its trailing 2 x 2 block; its rotations
   * go to {@code log} (null: eigenvalues only).
   */
  private static void qrStep(double[] d, double[] e, int lo, int hi, RotationLog log) {
    double half = (d[hi - 1] - d[hi]) / 2;
    double b2 = e[hi - 1] * e[hi - 1];
    double shift = d[hi] - b2 / (half + (half >= 0 ? 1 : -1) * Math.hypot(half, e[hi - 1]));
    double x = d[lo] - shift;
    double z = e[lo];
    for (int k = lo; k < hi; k++) {
      // rotation R of the plane (k, k+1) taking (x, z) to (r, 0); T <- R T R^T
      double r = Math.hypot(x, z);
      double c = r == 0 ? 1 : x / r;
      double s = r == 0 ? 0 : -z / r;
      if (k > lo) {
        e[k - 1] = r;
      }
      double a = d[k];
      double b = e[k];
      double g = d[k + 1];
      double cc = c * c;
      double ss = s * s;
      double cs = c * s;
      d[k] = cc * a - 2 * cs * b + ss * g;
      d[k + 1] = ss * a + 2 * cs * b + cc * g;
      e[k] = cs * (a - g) + (cc - ss) * b;
      if (k + 1 < hi) {
        z = -s * e[k + 1];
        e[k + 1] = c * e[k + 1];
        x = e[k];
      }
      if (log != null) {
        log.add(k, c, s);
      }
    }
  }

  /** Eigenpairs in descending order of value; each vector's largest-magnitude component made positive. */
  private static SymmetricEigen sorted(double[] d, double[][] qt) {
    int n = d.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]) != 0 ? Double.compare(d[y], d[x])
        : Integer.compare(x, y));
    double[] values = new double[n];
    double[][] vectors = new double[n][];
    for (int r = 0; r < n; r++) {
      int i = order[r];
      values[r] = d[i];
      double[] v = qt[i];
      int big = 0;
      for (int k = 1; k < n; k++) {
        if (Math.abs(v[k]) > Math.abs(v[big])) {
          big = k;
        }
      }
      if (v[big] < 0) {
        for (int k = 0; k < n; k++) {
          v[k] = -v[k];
        }
      }
      vectors[r] = v;
    }
    return new SymmetricEigen(values, vectors);
  }
}
