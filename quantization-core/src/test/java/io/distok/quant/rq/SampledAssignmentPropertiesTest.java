package io.distok.quant.rq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.train.BalancedAssigner;
import io.distok.quant.train.LevelAssignment;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.HashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Balance rounds on a sample, then one assignment of every row; jqwik prints the seed of every run. */
class SampledAssignmentPropertiesTest {

  private static ResidualQuantizer.Fit fit(FloatMatrix x, int k, int sample, long seed) {
    LevelAssignment a = new LevelAssignment(new BalancedAssigner(0.0, BalancedAssigner.Scope.ADAPTIVE), 2, sample);
    ResidualQuantizerParams p = new ResidualQuantizerParams(new int[] {k, k}, KMeansParams.of(k).withNiter(4), 1,
        false, 0, 1, a);
    return ResidualQuantizer.fit(x, seed, ProgressListener.NONE, p);
  }

  /**
   * Whatever the sample, every row gets codes that respect the last level's capacity within its prefix group;
   * a sample at least as large as the data is the unsampled recipe; threads do not matter.
   */
  @Property(tries = 12)
  void sampledRoundsKeepTheCapacityAndTheBits(@ForAll @IntRange(min = 100, max = 600) int n,
      @ForAll @IntRange(min = 2, max = 8) int k, @ForAll @IntRange(min = 10, max = 90) int samplePercent,
      @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(n, 4, 6, 0.3, seed);
    int sample = n * samplePercent / 100;
    Codes codes = fit(x, k, sample, seed).trainingCodes();
    Map<Integer, Integer> groupSize = new HashMap<>();
    Map<Long, Integer> used = new HashMap<>();
    for (int i = 0; i < n; i++) {
      groupSize.merge(codes.get(i, 0), 1, Integer::sum);
      used.merge((long) codes.get(i, 0) * k + codes.get(i, 1), 1, Integer::sum);
    }
    for (Map.Entry<Long, Integer> e : used.entrySet()) {
      int g = (int) (e.getKey() / k);
      int cap = Math.max(1, (int) Math.ceil(groupSize.get(g) / (double) k));
      assertTrue(e.getValue() <= cap, "prefix " + g + ": " + e.getValue() + " rows on one last code > " + cap);
    }
    assertEquals(fit(x, k, 0, seed).trainingCodes(), fit(x, k, n, seed).trainingCodes(),
        "a sample of every row is no sample");
    Codes one = Parallel.withThreads(1, () -> fit(x, k, sample, seed).trainingCodes());
    Codes three = Parallel.withThreads(3, () -> fit(x, k, sample, seed).trainingCodes());
    assertArrayEquals(one.data(), three.data());
  }
}
