package io.distok.quant.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Soft assignment's limits and invariants; jqwik prints the seed of every run. */
class SoftAssignerPropertiesTest {

  private static FloatMatrix centroids(FloatMatrix x, int k) {
    int[] rows = new int[k];
    for (int j = 0; j < k; j++) {
      rows[j] = j * (x.rows() / k);
    }
    return x.selectRows(rows);
  }

  /** A vanishing temperature is nearest assignment; a higher one never lowers the codes' perplexity much. */
  @Property(tries = 15)
  void coldIsNearestAndHotSpreads(@ForAll @IntRange(min = 2, max = 24) int k, @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(400, 5, 3, 0.3, seed);
    FloatMatrix c = centroids(x, k);
    AssignmentContext ctx = AssignmentContext.single(x.rows());
    int[] nearest = NearestAssigner.INSTANCE.assign(x, c, ctx);
    int[] cold = new SoftAssigner(1e-30, seed).assign(x, c, ctx);
    int ties = 0;
    for (int i = 0; i < nearest.length; i++) {
      ties += nearest[i] == cold[i] ? 0 : 1;
    }
    assertEquals(0, ties, "a cold softmax picks the nearest code");
    int[] hot = new SoftAssigner(1e6, seed).assign(x, c, ctx);
    double pNearest = CodebookUsage.of(Codes.wrap(nearest, x.rows(), 1), 0, k).perplexity();
    double pHot = CodebookUsage.of(Codes.wrap(hot, x.rows(), 1), 0, k).perplexity();
    assertTrue(pHot > 0.6 * k, "a hot softmax is near uniform: perplexity " + pHot + " of " + k);
    assertTrue(pHot >= pNearest * 0.9, "hot " + pHot + " vs nearest " + pNearest);
  }

  /** The draws and the weights do not depend on the thread count; weights are a distribution, nearest first. */
  @Property(tries = 10)
  void threadFreeAndNormalised(@ForAll @IntRange(min = 2, max = 16) int k, @ForAll @IntRange(min = 1, max = 20) int top,
      @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(300, 4, 3, 0.5, seed);
    FloatMatrix c = centroids(x, k);
    SoftAssigner a = new SoftAssigner(0.5, seed);
    AssignmentContext ctx = AssignmentContext.single(x.rows());
    assertArrayEquals(Parallel.withThreads(1, () -> a.assign(x, c, ctx)),
        Parallel.withThreads(3, () -> a.assign(x, c, ctx)));
    SoftAssigner.Weighted w = a.weights(x, c, top);
    int t = w.topN();
    assertEquals(Math.min(top, k), t);
    int[] nearest = NearestAssigner.INSTANCE.assign(x, c, ctx);
    for (int i = 0; i < x.rows(); i++) {
      double sum = 0;
      for (int r = 0; r < t; r++) {
        sum += w.weights()[i * t + r];
        if (r > 0) {
          assertTrue(w.weights()[i * t + r] <= w.weights()[i * t + r - 1] + 1e-7f, "row " + i + " descending");
        }
      }
      assertEquals(1.0, sum, 1e-5, "row " + i);
      assertEquals(nearest[i], w.codes()[i * t], "row " + i + ": the heaviest code is the nearest");
    }
  }

  /** Soft k-means: k-means with the soft assigner as its assignment step converges near plain k-means when cold. */
  @Property(tries = 5)
  void coldSoftKMeansIsKMeans(@ForAll @IntRange(min = 2, max = 12) int k, @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(300, 4, 4, 0.3, seed);
    io.distok.quant.kmeans.KMeansParams p = new io.distok.quant.kmeans.KMeansParams(k, 6, 0, 0, false);
    FloatMatrix plain = new io.distok.quant.kmeans.KMeans(p).train(x, seed, io.distok.util.ProgressListener.NONE,
        "t").centroids();
    FloatMatrix soft = new io.distok.quant.kmeans.KMeans(p, io.distok.quant.kernel.DistanceKernels.get(),
        new SoftAssigner(1e-30, seed), MeanUpdate.INSTANCE, SplitLargeClusters.INSTANCE)
        .train(x, seed, io.distok.util.ProgressListener.NONE, "t").centroids();
    assertArrayEquals(plain.data(), soft.data(), "a cold softmax is the nearest code, so the runs coincide");
  }
}
