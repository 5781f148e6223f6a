package io.distok.quant.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.quant.NearestCodes;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The usage-regulariser hook and the entropy regulariser; jqwik prints the seed of every run. */
class UsageRegularizerPropertiesTest {

  /** Skewed data: most rows in one tight blob, the rest spread wide. */
  private static FloatMatrix skewed(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix x = new FloatMatrix(n, 4);
    for (int i = 0; i < n; i++) {
      boolean blob = rng.nextDouble() < 0.9;
      for (int t = 0; t < 4; t++) {
        x.set(i, t, (float) (blob ? 0.05 * rng.nextGaussian() : 3 * rng.nextGaussian()));
      }
    }
    return x;
  }

  private static double perplexity(FloatMatrix x, FloatMatrix centroids) {
    int[] codes = NearestCodes.assign(x, new PackedRows(centroids), DistanceKernels.get(), null);
    return CodebookUsage.of(Codes.wrap(codes, x.rows(), 1), 0, centroids.rows()).perplexity();
  }

  /**
   * With the entropy regulariser the codes spread over the dense blob: the trained codebook's nearest-code usage
   * has a higher perplexity than plain k-means, and the result does not depend on the thread count.
   */
  @Property(tries = 8)
  void entropyRegularisationSpreadsCodeUse(@ForAll @IntRange(min = 8, max = 32) int k, @ForAll long seed) {
    FloatMatrix x = skewed(1500, seed);
    KMeansParams p = new KMeansParams(k, 15, 0, 0, false);
    KMeans plain = new KMeans(p);
    KMeans regularized = new KMeans(p, DistanceKernels.get(), MeanUpdate.INSTANCE, SplitLargeClusters.INSTANCE,
        new EntropyRegularizer(1.0));
    FloatMatrix a = plain.train(x, seed, ProgressListener.NONE, "t").centroids();
    FloatMatrix b = regularized.train(x, seed, ProgressListener.NONE, "t").centroids();
    double pa = perplexity(x, a);
    double pb = perplexity(x, b);
    assertTrue(pb > pa, "regularised perplexity " + pb + " <= plain " + pa);
    FloatMatrix one = Parallel.withThreads(1, () -> regularized.train(x, seed, ProgressListener.NONE, "t"))
        .centroids();
    FloatMatrix three = Parallel.withThreads(3, () -> regularized.train(x, seed, ProgressListener.NONE, "t"))
        .centroids();
    assertArrayEquals(one.data(), three.data());
  }

  /** The loss is 0 for uniform use, at most weight ln K, and the costs favour under-used codes. */
  @Property(tries = 50)
  void lossIsBoundedAndCostsFavourRareCodes(@ForAll @IntRange(min = 2, max = 64) int k, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] counts = new int[k];
    int rows = 0;
    for (int c = 0; c < k; c++) {
      counts[c] = rng.nextInt(50);
      rows += counts[c];
    }
    EntropyRegularizer r = new EntropyRegularizer(1.5);
    double loss = r.loss(counts, rows);
    assertTrue(loss >= 0 && loss <= 1.5 * Math.log(k) + 1e-9, "loss " + loss);
    int[] uniform = new int[k];
    java.util.Arrays.fill(uniform, 7);
    assertEquals(0, r.loss(uniform, 7 * k), 1e-9);
    float[] cost = new float[k];
    r.assignmentCosts(counts, rows, cost);
    for (int a = 0; a < k; a++) {
      assertTrue(Float.isFinite(cost[a]), "finite cost");
      for (int b = 0; b < k; b++) {
        if (counts[a] < counts[b]) {
          assertTrue(cost[a] <= cost[b], "rarer code " + a + " must not cost more than " + b);
        }
      }
    }
  }
}
