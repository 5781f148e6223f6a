package io.distok.quant.fsq;

import io.distok.quant.QuantizerTrainer;
import io.distok.quant.fsq.FiniteScalarQuantizer.Bound;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.Arrays;

/**
 * Fits a {@link FiniteScalarQuantizer} to data already projected to its dimensions, in closed form and without
 * randomness: per dimension the center is the mean, the scale is chosen among {@value #SCALE_CANDIDATES} multiples
 * of the standard deviation (0.1 to 6, geometric) as the one whose rounding gives the least squared error, and each
 * level's reconstruction value is the mean of the training values rounded to it (a level no value reaches keeps
 * the bounded grid's own point). Cost O(n log n) per dimension for the sort, then O(L log n) per candidate scale
 * from prefix sums; dimensions run in parallel, and the result does not depend on the thread count.
 */
public final class FsqTrainer implements QuantizerTrainer<FiniteScalarQuantizer> {
  /** Candidate scales tried per dimension. */
  public static final int SCALE_CANDIDATES = 64;
  private static final double MIN_FACTOR = 0.1;
  private static final double MAX_FACTOR = 6.0;

  private final int[] levels;
  private final int[] groupStarts;
  private final Bound bound;

  /**
   * A trainer for the given levels and code positions.
   *
   * @throws IllegalArgumentException if a level count is below 2 or the groups do not fit the levels
   */
  public FsqTrainer(int[] levels, int[] groupStarts, Bound bound) {
    // the model's own checks (level counts, groups), run once here so that a bad plan fails before any training
    new FiniteScalarQuantizer(levels, groupStarts, bound, new float[levels.length], ones(levels.length),
        emptyValues(levels));
    this.levels = levels.clone();
    this.groupStarts = groupStarts.clone();
    this.bound = bound;
  }

  private static float[] ones(int n) {
    float[] f = new float[n];
    Arrays.fill(f, 1f);
    return f;
  }

  private static float[][] emptyValues(int[] levels) {
    float[][] v = new float[levels.length][];
    for (int t = 0; t < levels.length; t++) {
      v[t] = new float[levels[t]];
    }
    return v;
  }

  @Override
  public FiniteScalarQuantizer train(FloatMatrix z, long seed, ProgressListener progress) {
    if (z.cols() != levels.length) {
      throw new InvalidInputException("FSQ with " + levels.length + " levels needs " + levels.length
          + "-dimensional input, got " + z.cols());
    }
    if (z.rows() == 0) {
      throw new InvalidInputException("FSQ: empty training data");
    }
    z.requireFinite("training data");
    int dims = levels.length;
    float[] center = new float[dims];
    float[] scale = new float[dims];
    float[][] values = new float[dims][];
    Parallel.forEachChunk(dims, 1, (chunk, from, to) -> {
      for (int t = from; t < to; t++) {
        fitDimension(z, t, center, scale, values);
      }
    });
    progress.progress("fsq", 1, 1);
    return new FiniteScalarQuantizer(levels, groupStarts, bound, center, scale, values);
  }

  private void fitDimension(FloatMatrix z, int t, float[] center, float[] scale, float[][] values) {
    int n = z.rows();
    int l = levels[t];
    float[] col = new float[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      col[i] = z.get(i, t);
      sum += col[i];
    }
    Arrays.sort(col);
    double[] prefix = new double[n + 1];
    double[] prefixSq = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + col[i];
      prefixSq[i + 1] = prefixSq[i] + (double) col[i] * col[i];
    }
    float c = (float) (sum / n);
    double var = Math.max(0, prefixSq[n] / n - (sum / n) * (sum / n));
    double sigma = var > 0 ? Math.sqrt(var) : 1.0;
    double bestErr = Double.POSITIVE_INFINITY;
    float bestScale = (float) sigma;
    for (int k = 0; k < SCALE_CANDIDATES; k++) {
      double f = MIN_FACTOR * Math.pow(MAX_FACTOR / MIN_FACTOR, k / (double) (SCALE_CANDIDATES - 1));
      float s = (float) (sigma * f);
      if (!(s > 0)) {
        continue;
      }
      float[] th = FiniteScalarQuantizer.thresholds(bound, l, c, s);
      double err = 0;
      int start = 0;
      for (int q = 0; q < l; q++) {
        int end = q < l - 1 ? firstAtOrAbove(col, th[q]) : n;
        end = Math.max(end, start);
        int cnt = end - start;
        if (cnt > 0) {
          double bs = prefix[end] - prefix[start];
          err += prefixSq[end] - prefixSq[start] - bs * bs / cnt;
        }
        start = end;
      }
      if (err < bestErr) {
        bestErr = err;
        bestScale = s;
      }
    }
    float[] th = FiniteScalarQuantizer.thresholds(bound, l, c, bestScale);
    float[] v = new float[l];
    int start = 0;
    for (int q = 0; q < l; q++) {
      int end = q < l - 1 ? firstAtOrAbove(col, th[q]) : n;
      end = Math.max(end, start);
      if (end > start) {
        v[q] = (float) ((prefix[end] - prefix[start]) / (end - start));
      } else {
        // no training value here: the grid point itself, kept inside the open interval the bound maps to
        double u = 2.0 * q / (l - 1) - 1;
        double edge = 1 - 1.0 / (l - 1);
        v[q] = (float) (c + bestScale * bound.inverse(Math.max(-edge, Math.min(edge, u))));
      }
      start = end;
    }
    center[t] = c;
    scale[t] = bestScale;
    values[t] = v;
  }

  /** Index of the first value of sorted {@code col} that is >= {@code x}. */
  private static int firstAtOrAbove(float[] col, float x) {
    int lo = 0;
    int hi = col.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (col[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
