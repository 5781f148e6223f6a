package io.distok.quant.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Randomized properties of the balanced assigner; jqwik prints each run's seed. */
class BalancedAssignerPropertiesTest {

  /** No code of any group takes more than its capacity ceil(g (1 + slack) / K). */
  @Property(tries = 40)
  void balancedAssignmentNeverExceedsCapacity(@ForAll @IntRange(min = 1, max = 300) int n,
      @ForAll @IntRange(min = 1, max = 20) int k, @ForAll @IntRange(min = 1, max = 6) int groups,
      @ForAll @DoubleRange(min = 0, max = 2) double slack, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(6);
    FloatMatrix x = new FloatMatrix(n, d);
    FloatMatrix c = new FloatMatrix(k, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        // clumped data: many rows want the same code, so capacity has to bind
        x.set(i, t, (float) (rng.nextInt(3) + 0.1 * rng.nextGaussian()));
      }
    }
    for (int j = 0; j < k; j++) {
      for (int t = 0; t < d; t++) {
        c.set(j, t, (float) rng.nextGaussian());
      }
    }
    int[] group = new int[n];
    int[] size = new int[groups];
    for (int i = 0; i < n; i++) {
      group[i] = rng.nextInt(groups);
      size[group[i]]++;
    }
    int[] codes = BalancedAssigner.assign(x, c, group, groups, slack);
    Map<Long, Integer> used = new HashMap<>();
    for (int i = 0; i < n; i++) {
      assertTrue(codes[i] >= 0 && codes[i] < k, "code " + codes[i]);
      used.merge((long) group[i] * k + codes[i], 1, Integer::sum);
    }
    for (Map.Entry<Long, Integer> e : used.entrySet()) {
      int g = (int) (e.getKey() / k);
      long cap = (long) Math.ceil(size[g] * (1 + slack) / k);
      assertTrue(e.getValue() <= cap, "group " + g + " code " + (e.getKey() % k) + ": " + e.getValue() + " > " + cap);
    }
  }

  /**
   * The scope decides the groups: global at upper levels and within prefix groups at the last for the semantic-ID
   * scope, and the result does not depend on the thread count.
   */
  @Property(tries = 20)
  void scopeChoosesTheGroupsAndThreadsDoNotMatter(@ForAll @IntRange(min = 2, max = 200) int n,
      @ForAll @IntRange(min = 2, max = 12) int k, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix x = new FloatMatrix(n, 3);
    FloatMatrix c = new FloatMatrix(k, 3);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < 3; t++) {
        x.set(i, t, (float) rng.nextGaussian());
      }
    }
    for (int j = 0; j < k; j++) {
      for (int t = 0; t < 3; t++) {
        c.set(j, t, (float) rng.nextGaussian());
      }
    }
    int[] group = new int[n];
    for (int i = 0; i < n; i++) {
      group[i] = rng.nextInt(3);
    }
    BalancedAssigner a = new BalancedAssigner(0.0, BalancedAssigner.Scope.LAST_LEVEL_WITHIN_PREFIX);
    AssignmentContext upper = new AssignmentContext(0, 2, group, 3);
    AssignmentContext last = new AssignmentContext(1, 2, group, 3);
    assertArrayEquals(BalancedAssigner.assign(x, c, new int[n], 1, 0.0), a.assign(x, c, upper));
    assertArrayEquals(BalancedAssigner.assign(x, c, group, 3, 0.0), a.assign(x, c, last));
    int[] one = Parallel.withThreads(1, () -> a.assign(x, c, last));
    int[] four = Parallel.withThreads(4, () -> a.assign(x, c, last));
    assertArrayEquals(one, four);
    assertEquals("balanced(slack=0.0, scope=last_level_within_prefix)", a.describe());
  }

  /**
   * The adaptive scope at an upper level: a code takes at most max(fair share, laterCodes / (1 + slack)) rows of a
   * group, and a group no larger than that keeps its nearest codes.
   */
  @Property(tries = 30)
  void adaptiveUpperLevelsCapAtWhatLaterLevelsCanSeparate(@ForAll @IntRange(min = 20, max = 400) int n,
      @ForAll @IntRange(min = 2, max = 12) int k, @ForAll @IntRange(min = 1, max = 64) int later,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix x = new FloatMatrix(n, 2);
    FloatMatrix c = new FloatMatrix(k, 2);
    for (int i = 0; i < n; i++) {
      // most rows pile onto one spot, so capacities bind
      double spread = rng.nextDouble() < 0.7 ? 0.01 : 2;
      x.set(i, 0, (float) (spread * rng.nextGaussian()));
      x.set(i, 1, (float) (spread * rng.nextGaussian()));
    }
    for (int j = 0; j < k; j++) {
      c.set(j, 0, (float) rng.nextGaussian());
      c.set(j, 1, (float) rng.nextGaussian());
    }
    int groups = 1 + rng.nextInt(3);
    int[] group = new int[n];
    int[] size = new int[groups];
    for (int i = 0; i < n; i++) {
      group[i] = rng.nextInt(groups);
      size[group[i]]++;
    }
    double slack = 1.0;
    BalancedAssigner a = new BalancedAssigner(slack, BalancedAssigner.Scope.ADAPTIVE);
    int[] codes = a.assign(x, c, new AssignmentContext(0, 2, group, groups, later));
    int floor = (int) Math.floor(later / (1 + slack));
    Map<Long, Integer> used = new HashMap<>();
    for (int i = 0; i < n; i++) {
      used.merge((long) group[i] * k + codes[i], 1, Integer::sum);
    }
    for (Map.Entry<Long, Integer> e : used.entrySet()) {
      int g = (int) (e.getKey() / k);
      long cap = Math.max(floor, (long) Math.ceil(size[g] * (1 + slack) / k));
      assertTrue(e.getValue() <= cap, "group " + g + ": " + e.getValue() + " > " + cap);
    }
    int[] nearest = NearestAssigner.INSTANCE.assign(x, c, AssignmentContext.single(n));
    for (int i = 0; i < n; i++) {
      if (size[group[i]] <= Math.max(1, floor)) {
        assertEquals(nearest[i], codes[i], "row " + i + " of a group that fits keeps its nearest code");
      }
    }
  }

  /**
   * The heap merge visits (row, candidate) pairs in the order of one sort over all of them: the same codes as a
   * plain reference that sorts every row's 32 nearest codes by (distance, row, rank), with K above and below the
   * candidate count and capacities that bind hard (rows beyond the cached candidates, rows left over).
   */
  @Property(tries = 40)
  void mergeGivesTheCodesOfTheFullSort(@ForAll @IntRange(min = 1, max = 400) int n,
      @ForAll @IntRange(min = 1, max = 60) int k, @ForAll @DoubleRange(min = 0, max = 1) double slack,
      @ForAll @IntRange(min = 1, max = 40) int minCapacity, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(4);
    FloatMatrix x = new FloatMatrix(n, d);
    FloatMatrix c = new FloatMatrix(k, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        // one dense clump and exact duplicates: capacity binds and distances tie
        x.set(i, t, rng.nextDouble() < 0.6 ? (float) rng.nextInt(2) : (float) rng.nextGaussian());
      }
    }
    for (int j = 0; j < k; j++) {
      for (int t = 0; t < d; t++) {
        c.set(j, t, (float) rng.nextGaussian());
      }
    }
    int floor = rng.nextBoolean() ? 1 : minCapacity;
    int[] got = BalancedAssigner.assign(x, c, new int[n], 1, slack, floor);
    assertArrayEquals(referenceGreedy(x, c, slack, floor), got);
  }

  /** The greedy pass written as one sort over every (row, candidate) pair: what the merge must reproduce. */
  private static int[] referenceGreedy(FloatMatrix x, FloatMatrix c, double slack, int minCapacity) {
    int n = x.rows();
    int k = c.rows();
    int t = Math.min(32, k);
    int cap = Math.max(minCapacity, Math.max(1, (int) Math.ceil(n * (1 + slack) / k)));
    io.distok.quant.kernel.PackedRows packed = new io.distok.quant.kernel.PackedRows(c);
    io.distok.quant.kernel.DistanceKernel kernel = io.distok.quant.kernel.DistanceKernels.get();
    float[][] dist = new float[n][k];
    int[] cand = new int[n * t];
    long[] keys = new long[n * t];
    for (int i = 0; i < n; i++) {
      kernel.squaredDistances(x.data(), x.offset(i), packed, new float[k], dist[i]);
      int[] top = io.distok.util.TopK.smallest(dist[i], k, t);
      for (int r = 0; r < t; r++) {
        cand[i * t + r] = top[r];
        keys[i * t + r] = ((long) Float.floatToIntBits(dist[i][top[r]]) << 32) | (i * t + r);
      }
    }
    java.util.Arrays.sort(keys);
    int[] load = new int[k];
    int[] codes = new int[n];
    java.util.Arrays.fill(codes, -1);
    for (long key : keys) {
      int p = (int) key;
      int i = p / t;
      if (codes[i] < 0 && load[cand[p]] < cap) {
        load[cand[p]]++;
        codes[i] = cand[p];
      }
    }
    for (int i = 0; i < n; i++) {
      if (codes[i] < 0) {
        int best = -1;
        for (int j = 0; j < k; j++) {
          if (load[j] < cap && (best < 0 || dist[i][j] < dist[i][best])) {
            best = j;
          }
        }
        load[best]++;
        codes[i] = best;
      }
    }
    return codes;
  }
}
