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
}
