package io.distok.quant.kmeans;

/**
 * Parameters of {@link KMeans}, named as faiss names them.
 *
 * @param k number of centroids K (>= 1)
 * @param niter maximum number of Lloyd iterations (>= 0)
 * @param maxPointsPerCentroid training set is subsampled to at most {@code k * maxPointsPerCentroid} rows
 *     (faiss default 256); 0 disables subsampling
 * @param tolerance stop when the objective improves by less than this fraction; 0 runs all iterations
 * @param kmeansPlusPlus seed with k-means++ (D^2 sampling) rather than uniformly random rows
 * @param progressiveDimSteps 0 for plain k-means; otherwise faiss's {@code progressive_dim_steps}: k-means runs
 *     in turn on the first {@code floor(d^((s+1)/steps))} principal components of the training rows, s = 0 ..
 *     steps-1, each run started from the centroids of the one before ({@link ProgressiveDimKMeans}), with
 *     {@code niter} iterations per run
 */
public record KMeansParams(int k, int niter, int maxPointsPerCentroid, double tolerance, boolean kmeansPlusPlus,
    int progressiveDimSteps) {

  /** faiss's {@code ProgressiveDimClusteringParameters} defaults: 10 steps of 10 iterations. */
  public static final int DEFAULT_PROGRESSIVE_DIM_STEPS = 10;

  /** Plain k-means (no progressive dimensions). */
  public KMeansParams(int k, int niter, int maxPointsPerCentroid, double tolerance, boolean kmeansPlusPlus) {
    this(k, niter, maxPointsPerCentroid, tolerance, kmeansPlusPlus, 0);
  }

  /** Defaults: 20 iterations, 256 points per centroid, no early stop, k-means++. */
  public static KMeansParams of(int k) {
    return new KMeansParams(k, 20, 256, 0.0, true);
  }

  public KMeansParams {
    if (k < 1) {
      throw new IllegalArgumentException("K must be >= 1, got " + k);
    }
    if (niter < 0) {
      throw new IllegalArgumentException("niter must be >= 0, got " + niter);
    }
    if (maxPointsPerCentroid < 0) {
      throw new IllegalArgumentException("maxPointsPerCentroid must be >= 0, got " + maxPointsPerCentroid);
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
    }
    if (progressiveDimSteps < 0) {
      throw new IllegalArgumentException("progressive dimension steps must be >= 0, got " + progressiveDimSteps);
    }
  }

  public KMeansParams withNiter(int n) {
    return new KMeansParams(k, n, maxPointsPerCentroid, tolerance, kmeansPlusPlus, progressiveDimSteps);
  }

  public KMeansParams withPlusPlus(boolean plusPlus) {
    return new KMeansParams(k, niter, maxPointsPerCentroid, tolerance, plusPlus, progressiveDimSteps);
  }

  public KMeansParams withK(int newK) {
    return new KMeansParams(newK, niter, maxPointsPerCentroid, tolerance, kmeansPlusPlus, progressiveDimSteps);
  }

  public KMeansParams withProgressiveDimSteps(int steps) {
    return new KMeansParams(k, niter, maxPointsPerCentroid, tolerance, kmeansPlusPlus, steps);
  }
}
