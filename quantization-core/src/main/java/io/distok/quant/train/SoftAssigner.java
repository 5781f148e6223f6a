package io.distok.quant.train;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.TopK;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Soft (temperature) assignment: a row's code is drawn from the distance softmax {@code p_c ∝ exp(-||x -
 * c||^2 / T)}. As T falls to 0 this becomes nearest assignment; a high T spreads rows over more codes, one of the
 * codebook-collapse mitigations. {@link #weights} gives the top-n codes of every row with their softmax weights
 * (soft codes). Each row's draw uses its own random stream, derived from the seed and the row index, so the
 * result does not depend on the thread count. O(n K d), parallel over rows.
 *
 * @param temperature T > 0, in the units of squared distance
 * @param seed of the draws
 */
public record SoftAssigner(double temperature, long seed) implements Assigner {

  public SoftAssigner {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
  }

  /**
   * The top codes of every row and their softmax weights (summing to 1 over the n kept codes).
   *
   * @param codes n x topN codes, nearest first
   * @param weights n x topN weights, in the same order
   * @param topN codes kept per row
   */
  public record Weighted(int[] codes, float[] weights, int topN) {}

  /** What is done with one row's squared distances and softmax weights. */
  @FunctionalInterface
  private interface RowStep {
    void accept(int row, float[] dist, double[] p, double total);
  }

  /** Distances and softmax weights of every row, handed to {@code step}; parallel over row chunks. O(n K d). */
  private void forEachRow(FloatMatrix x, FloatMatrix codebook, RowStep step) {
    int k = codebook.rows();
    PackedRows packed = new PackedRows(codebook);
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(x.rows(), Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      float[] dots = new float[k];
      float[] dist = new float[k];
      double[] p = new double[k];
      for (int i = from; i < to; i++) {
        kernel.squaredDistances(x.data(), x.offset(i), packed, dots, dist);
        step.accept(i, dist, p, softmax(dist, k, p));
      }
    });
  }

  @Override
  public int[] assign(FloatMatrix x, FloatMatrix codebook, AssignmentContext context) {
    int k = codebook.rows();
    int[] codes = new int[x.rows()];
    forEachRow(x, codebook, (i, dist, p, total) -> {
      double r = new SplittableRandom(mix(seed, i)).nextDouble() * total;
      int chosen = k - 1;
      double acc = 0;
      for (int j = 0; j < k; j++) {
        acc += p[j];
        if (acc > r) {
          chosen = j;
          break;
        }
      }
      codes[i] = chosen;
    });
    return codes;
  }

  /** The {@code topN} most probable codes of every row and their weights renormalised over them. O(n K d). */
  public Weighted weights(FloatMatrix x, FloatMatrix codebook, int topN) {
    int n = x.rows();
    int k = codebook.rows();
    int t = Math.max(1, Math.min(topN, k));
    int[] codes = new int[n * t];
    float[] weights = new float[n * t];
    forEachRow(x, codebook, (i, dist, p, total) -> {
      int[] top = TopK.smallest(dist, k, t);
      double kept = 0;
      for (int j : top) {
        kept += p[j];
      }
      for (int r = 0; r < t; r++) {
        codes[i * t + r] = top[r];
        weights[i * t + r] = (float) (p[top[r]] / kept);
      }
    });
    return new Weighted(codes, weights, t);
  }

  /** Unnormalised softmax weights {@code exp(-(d - d_min) / T)} into {@code p}; returns their sum. */
  private double softmax(float[] dist, int k, double[] p) {
    float min = Float.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      min = Math.min(min, dist[j]);
    }
    double total = 0;
    for (int j = 0; j < k; j++) {
      p[j] = Math.exp(-(dist[j] - (double) min) / temperature);
      total += p[j];
    }
    return total;
  }

  /** A stream seed for row {@code i}: the SplitMix64 finaliser of the seed and the index. */
  private static long mix(long seed, long i) {
    long z = seed + 0x9E3779B97F4A7C15L * (i + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "soft(temperature=%s)", temperature);
  }
}
