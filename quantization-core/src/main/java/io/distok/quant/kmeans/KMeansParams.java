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
 */
public record KMeansParams(int k, int niter, int maxPointsPerCentroid, double tolerance, boolean kmeansPlusPlus) {

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
  }

  public KMeansParams withNiter(int n) {
    return new KMeansParams(k, n, maxPointsPerCentroid, tolerance, kmeansPlusPlus);
  }

  public KMeansParams withPlusPlus(boolean plusPlus) {
    return new KMeansParams(k, niter, maxPointsPerCentroid, tolerance, plusPlus);
  }

  public KMeansParams withK(int newK) {
    return new KMeansParams(newK, niter, maxPointsPerCentroid, tolerance, kmeansPlusPlus);
  }
}
