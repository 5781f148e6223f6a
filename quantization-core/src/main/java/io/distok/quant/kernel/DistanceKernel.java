package io.distok.quant.kernel;

/**
 * The project's one kernel provider, as Lucene's {@code VectorUtilSupport}: blocked distance and dot-product
 * computations between query rows and a {@link PackedRows} set, a small matrix product for transforms, and
 * Hamming distances of packed sign codes. Chosen once per JVM by {@link DistanceKernels#get()}; the vector and
 * scalar implementations give the same bits. All methods are thread-safe and allocation-light; callers
 * parallelise over query rows.
 *
 * <p>Distances returned are squared L2 computed as {@code |x|^2 + |c|^2 - 2 x.c}, clamped at 0.
 */
public interface DistanceKernel {

  /** Name for reports: {@code vector-256} or {@code scalar}. */
  String name();

  /**
   * For each query row {@code i} in {@code [from, to)} of the row-major array {@code x} (dimension {@code
   * c.dimension()}), finds the nearest row of {@code c}: {@code outIndex[i]} and {@code outDistance[i]}
   * (squared L2). Ties go to the smallest index. Cost O((to - from) K d).
   */
  default void nearest(float[] x, int from, int to, PackedRows c, int[] outIndex, float[] outDistance) {
    nearest(x, null, from, to, c, outIndex, outDistance);
  }

  /**
   * {@link #nearest(float[], int, int, PackedRows, int[], float[])} with the rows' squared norms given: {@code
   * rowNorms[i]} must be {@link PackedRows#squaredNorm} of row i (the same bits then), or {@code rowNorms} null
   * to compute them. Lloyd's iterations search the same rows against new centroids each time; the norm of a
   * row costs about an eighth of its distances to 256 centroids.
   */
  void nearest(float[] x, float[] rowNorms, int from, int to, PackedRows c, int[] outIndex, float[] outDistance);

  /**
   * Dot products of one query (at {@code x[offset .. offset + d)}) with every row of {@code c}: {@code out[k]}
   * for {@code k < c.count()}. {@code out} must have room for {@code c.count()} values. Cost O(K d).
   */
  void dots(float[] x, int offset, PackedRows c, float[] out);

  /**
   * Dot products of the query rows {@code [from, to)} of the row-major array {@code x} (dimension {@code
   * c.dimension()}) with the rows {@code [rowFrom, rowTo)} of {@code c}: {@code out[outOffset + (i - from) *
   * stride + (r - rowFrom)]}. {@code rowFrom} must be a multiple of {@link PackedRows#WIDTH}; rows at or past
   * {@code c.count()} are skipped. Every product is summed in dimension order, as {@link #dots(float[], int,
   * PackedRows, float[])} does, so both give the same bits. Cost O((to - from) (rowTo - rowFrom) d); the vector
   * kernel shares each loaded centroid vector among 4 query rows, so a few queries against many rows run near
   * FMA throughput (k-means++ seeding scores all its candidates in one pass this way).
   */
  void dots(float[] x, int from, int to, PackedRows c, int rowFrom, int rowTo, float[] out, int outOffset,
      int stride);

  /**
   * Squared L2 distances of {@code queries} query rows (row-major in {@code q}, squared norms in {@code
   * queryNorms}) to the rows {@code [rowFrom, rowTo)} of {@code c}, each capped by {@code cap[r]}: {@code
   * out[t * stride + r] = min(cap[r], max(0, (queryNorms[t] + |c_r|^2) - 2 q_t.c_r))}, the dot product summed in
   * dimension order; {@code rowFrom} is a multiple of {@link PackedRows#WIDTH} and rows at or past {@code
   * c.count()} are skipped. This is k-means++'s inner step (distances of every data row to a few candidate
   * centroids, capped by the distance to the nearest centroid so far) fused so that the vector kernel does the
   * epilogue on whole vectors. Cost O(queries (rowTo - rowFrom) d).
   */
  void cappedDistances(float[] q, int queries, float[] queryNorms, PackedRows c, int rowFrom, int rowTo, float[] cap,
      float[] out, int stride);

  /** One capped distance, the scalar definition all kernels follow bit for bit. */
  static float cappedDistance(float queryNorm, float rowNorm, float dot, float cap) {
    return Math.min(cap, Math.max(0f, queryNorm + rowNorm - 2f * dot));
  }

  /**
   * Squared L2 distances of one vector (at {@code x[offset .. offset + d)}) to every row of {@code c}: {@code
   * out[k] = max(0, |x|^2 + |c_k|^2 - 2 x.c_k)}, through {@link #dots} ({@code dots} is scratch of at least
   * {@code c.count()} values). Cost O(K d).
   */
  default void squaredDistances(float[] x, int offset, PackedRows c, float[] dots, float[] out) {
    dots(x, offset, c, dots);
    float xn = PackedRows.squaredNorm(x, offset, c.dimension());
    for (int j = 0; j < c.count(); j++) {
      out[j] = Math.max(0f, xn + c.norm(j) - 2f * dots[j]);
    }
  }

  /** Squared L2 distance between two slices of length {@code d}. */
  float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int d);

  /**
   * Index (from {@code from}) of the smallest of the {@code count} finite values {@code v[from ..]}, the first one
   * on ties: the comparisons of local search (AQ's ICM) over a codebook's costs. O(count); every kernel gives the
   * same index.
   */
  default int argmin(float[] v, int from, int count) {
    int best = 0;
    for (int j = 1; j < count; j++) {
      if (v[from + j] < v[from + best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * The product {@code out = (x - shift) B^T} of the rows {@code [from, to)} of the row-major {@code x} (dimension
   * {@code b.dimension()}) with every row of {@code b}: {@code out[outOffset + (i - from) * b.count() + r]}, each
   * entry the dot product of {@code fl(x_it - shift_t)} with row r summed in dimension order, as {@link
   * #dots(float[], int, int, PackedRows, int, int, float[], int, int)} gives it ({@code shift} may be null: no
   * shift). This is a linear transform's step; the vector kernel keeps outputs narrower than one vector in one
   * register per row. O((to - from) K d).
   */
  default void multiply(float[] x, int from, int to, float[] shift, PackedRows b, float[] out, int outOffset) {
    if (shift == null) {
      dots(x, from, to, b, 0, b.count(), out, outOffset, b.count());
      return;
    }
    int d = b.dimension();
    float[] shifted = new float[(to - from) * d];
    for (int i = from; i < to; i++) {
      for (int t = 0; t < d; t++) {
        shifted[(i - from) * d + t] = x[i * d + t] - shift[t];
      }
    }
    dots(shifted, 0, to - from, b, 0, b.count(), out, outOffset, b.count());
  }

  /**
   * Bucket indices against per-column thresholds (numpy's {@code digitize}): for each row {@code i} in {@code [from,
   * to)} of the row-major {@code values} ({@code columns} wide) and each column t, {@code out[outOffset + (i - from)
   * * stride + t]} = the number of q in {@code [0, steps)} with {@code values[i * columns + t] >= thresholds[q *
   * stride + t]}. {@code stride} is {@code columns} rounded up to a multiple of {@link PackedRows#WIDTH}; unused
   * thresholds are +infinity, and out's cells past {@code columns} in each row may be overwritten. Values must not
   * be NaN. O((to - from) steps columns); the vector kernel compares a whole row of columns at once.
   */
  default void bucketize(float[] values, int from, int to, int columns, float[] thresholds, int steps, int stride,
      int[] out, int outOffset) {
    for (int i = from; i < to; i++) {
      int o = outOffset + (i - from) * stride;
      for (int t = 0; t < columns; t++) {
        float v = values[i * columns + t];
        int q = 0;
        for (int s = 0; s < steps; s++) {
          q += v >= thresholds[s * stride + t] ? 1 : 0;
        }
        out[o + t] = q;
      }
    }
  }

  /**
   * Indices {@code j < count} (relative to {@code from}, increasing) of the values {@code v[from + j] <= limit}, into
   * {@code out}; returns how many. A beam search's filter: the candidates that can still enter the beam, found a
   * whole vector at a time so that the exact test runs only on them. O(count).
   */
  default int atMost(float[] v, int from, int count, float limit, int[] out) {
    int n = 0;
    for (int j = 0; j < count; j++) {
      if (v[from + j] <= limit) {
        out[n++] = j;
      }
    }
    return n;
  }

  /**
   * The sign bits of {@code count <= 64} values from {@code offset}: bit b set when {@code x[offset + b] > 0}
   * (false for NaN and for both zeros). O(count); the vector kernel takes a whole vector's bits from one compare.
   */
  default long signBits(float[] x, int offset, int count) {
    long code = 0;
    for (int b = 0; b < count; b++) {
      // branch-free: the signs of projected data are coin flips, which a branch would mispredict half the time
      code |= (x[offset + b] > 0 ? 1L : 0L) << b;
    }
    return code;
  }

  /**
   * Hamming distance between two sign codes of {@code words} 64-bit words each (popcount of the XOR, which the
   * JIT compiles to the CPU's popcount instruction). O(words).
   */
  default int hamming(long[] a, int aOffset, long[] b, int bOffset, int words) {
    return Hamming.distance(a, aOffset, b, bOffset, words);
  }

  /** Hamming distances of one query code to {@code out.length} codes packed one after the other. O(n words). */
  default void hammingDistances(long[] query, long[] codes, int words, int[] out) {
    Hamming.distances(query, codes, words, out);
  }

  /**
   * Applies {@code count} plane rotations in order to columns {@code [from, to)} of {@code rows}: rotation r
   * takes rows {@code k = planes[r]} and {@code k + 1} to {@code (c u - s w, s u + c w)} with {@code c =
   * cosines[r]}, {@code s = sines[r]}, {@code u = rows[k][j]}, {@code w = rows[k + 1][j]} (the accumulation of a
   * QR sweep's rotations into the eigenvectors). Every entry sees the rotations in the same order with the same
   * operations (no fused multiply-add), so the result does not depend on how the columns are split or on the
   * kernel. O(count (to - from)).
   */
  default void rotateRows(double[][] rows, int[] planes, double[] cosines, double[] sines, int count, int from,
      int to) {
    for (int r = 0; r < count; r++) {
      double c = cosines[r];
      double s = sines[r];
      double[] qk = rows[planes[r]];
      double[] qk1 = rows[planes[r] + 1];
      for (int j = from; j < to; j++) {
        double u = qk[j];
        double w = qk1[j];
        qk[j] = c * u - s * w;
        qk1[j] = s * u + c * w;
      }
    }
  }
}
