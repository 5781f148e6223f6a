package io.distok.quant.kmeans;

import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.quant.transform.PrincipalAxes;
import java.util.SplittableRandom;

/**
 * The start of progressive-dimension k-means, the training faiss's {@code ResidualQuantizer} uses by default
 * ({@code ProgressiveDimClustering}): the training rows are rotated onto their principal axes, and k-means runs
 * on their first {@code d_s = floor(d^((s+1)/S))} coordinates for s = 0 .. S-2 in turn ({@code S =
 * progressiveDimSteps}; for d = 784 and S = 10: 1, 3, 7, 14, 28, 54, 106, 206, 402), each run starting from the
 * centroids of the one before with the new coordinates at 0 (the mean). The last run, on all d coordinates, is
 * the caller's: it starts from the returned centroids, rotated back into the original space. Low-variance
 * directions thus join the clustering only once the high-variance ones have settled, which finds better minima
 * than one run from seeds on high-dimensional data (MNIST), and the early runs are cheap.
 *
 * <p>Cost: one {@link PrincipalAxes} (O(n d^2 + d^3)) and the rows' leading {@code d_{S-2}} principal
 * coordinates (O(n d d_{S-2})), then {@code niter} Lloyd iterations per step at O(n K
 * d_s) each: since the d_s grow geometrically, all the early steps together cost about one full-dimension run
 * for large d. Deterministic whatever the thread count, as {@link KMeans} is.
 */
public final class ProgressiveDimKMeans {
  /** Exponent of the leading-component count in {@link #suits}: the first {@code floor(d^0.7)} components. */
  static final double LEADING_EXPONENT = 0.7;
  /** The share of the variance those components must hold for {@link #suits}. */
  static final double LEADING_SHARE = 0.8;
  /** At most this many evenly spaced rows go into {@link #suits}'s spectrum. */
  static final int SPECTRUM_ROWS = 1 << 12;
  /** Iterations per step when the caller gives none: faiss's {@code ProgressiveDimClusteringParameters}. */
  public static final int DEFAULT_NITER = 10;

  private ProgressiveDimKMeans() {}

  /**
   * Whether the rows' variance is concentrated enough for progressive dimensions to pay: the first {@code
   * floor(d^0.7)} principal components hold at least 80% of it. Measured with RQ 3 x 256 (seeds 1234-1236, 6
   * refinement rounds at most): on MNIST (784-d; 106 components hold 92%) progressive-dimension levels reach an MSE
   * of 14.87-14.93 against 15.19-15.78 for k-means++ levels; on Beauty item embeddings (64-d; 18 hold 58%) 2.86-2.90
   * against 2.61-2.65, and on GloVe (25-d; 9 hold 64%) 1.88-1.90 against 1.87. Cost: {@link
   * PrincipalAxes#variancesOf} of at most 4,096 evenly spaced rows, O(min(n, 4096) d^2 + d^3).
   */
  public static boolean suits(FloatMatrix x) {
    int d = x.cols();
    if (d < 2 || x.rows() < 2) {
      return false;
    }
    FloatMatrix rows = x;
    if (x.rows() > SPECTRUM_ROWS) {
      int[] picked = new int[SPECTRUM_ROWS];
      for (int i = 0; i < picked.length; i++) {
        picked[i] = (int) ((long) i * x.rows() / picked.length);
      }
      rows = x.selectRows(picked);
    }
    double[] variances = PrincipalAxes.variancesOf(rows);
    int leading = Math.max(1, (int) Math.pow(d, LEADING_EXPONENT));
    double total = 0;
    double top = 0;
    for (int i = 0; i < d; i++) {
      double v = Math.max(0, variances[i]);
      total += v;
      if (i < leading) {
        top += v;
      }
    }
    return total > 0 && top >= LEADING_SHARE * total;
  }

  /** The width of step {@code s} of {@code steps} for d dimensions: {@code floor(d^((s+1)/steps))}, at least 1. */
  public static int width(int d, int s, int steps) {
    if (s == steps - 1) {
      return d;
    }
    return Math.max(1, Math.min(d, (int) Math.pow(d, (s + 1.0) / steps)));
  }

  /**
   * Runs the steps before the last on the rows {@code x} (already subsampled) and returns their centroids in
   * the original coordinates (K x d); with one step, or when every early step would already use all d
   * coordinates, the plain seeds.
   */
  static FloatMatrix startingCentroids(KMeans kmeans, FloatMatrix x, int distinct, SplittableRandom rng,
      ProgressListener progress, String stage) {
    KMeansParams params = kmeans.params();
    int steps = params.progressiveDimSteps();
    int d = x.cols();
    if (steps < 2 || x.rows() < 2 || width(d, 0, steps) >= d) {
      return kmeans.seed(x, rng);
    }
    PrincipalAxes axes = PrincipalAxes.of(x);
    int widest = 1;
    for (int s = 0; s < steps - 1 && width(d, s, steps) < d; s++) {
      widest = width(d, s, steps);
    }
    // the early steps see only the leading coordinates: d^((S-1)/S) of d (402 of 784), half the product's cost
    FloatMatrix rotated = axes.rotate(x, widest);
    FloatMatrix centroids = null;
    for (int s = 0; s < steps - 1; s++) {
      int w = width(d, s, steps);
      if (w >= d) {
        break;
      }
      FloatMatrix rows = rotated.columns(0, w);
      FloatMatrix start = centroids == null ? kmeans.seed(rows, rng) : widened(centroids, w);
      KMeans.Lloyd<Quantizer> run = kmeans.new Lloyd<>(rows, start, distinct, rng, null);
      String step = stage + " (" + w + " of " + d + " dims)";
      kmeans.run(run, progress, step);
      centroids = run.centroids();
    }
    return axes.unrotate(widened(centroids, d));
  }

  /** The centroids with zero columns appended up to {@code width}. */
  private static FloatMatrix widened(FloatMatrix c, int width) {
    FloatMatrix out = new FloatMatrix(c.rows(), width);
    for (int j = 0; j < c.rows(); j++) {
      System.arraycopy(c.data(), c.offset(j), out.data(), out.offset(j), c.cols());
    }
    return out;
  }
}
