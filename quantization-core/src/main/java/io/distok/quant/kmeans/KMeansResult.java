package io.distok.quant.kmeans;

import io.distok.util.FloatMatrix;

/**
 * Outcome of a k-means run.
 *
 * @param centroids K x d centroids
 * @param iterations Lloyd iterations actually run
 * @param objective per-iteration mean squared distance of training points to their centroid (faiss's "obj"
 *     divided by the number of training points)
 * @param trainingRows rows used after subsampling
 * @param distinctRows distinct rows among those used (fewer than K leaves dead centroids)
 */
public record KMeansResult(FloatMatrix centroids, int iterations, double[] objective, int trainingRows,
    int distinctRows) {}
