package io.distok.recsys;

import io.distok.quant.FloatMatrix;
import io.distok.quant.Parallel;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import java.util.Arrays;

/**
 * Size-constrained assignment of vectors to codes within groups: each code may take at most
 * {@code ceil(g (1 + slack) / K)} of a group's g items. With one group holding every item this is globally
 * balanced k-means assignment (no code dies and none swallows a dense region); with prefix groups (items
 * sharing their codes of the previous levels) smaller than K it gives the items of a group distinct codes,
 * which is what keeps full code tuples from colliding.
 *
 * <p>The assignment is greedy by distance: all (item, candidate code) pairs among each item's {@code T} nearest
 * codes are taken in ascending distance (ties by item then code), an item takes its pair's code when the code
 * has room; items left over then take their nearest code with room. Cost per level O(n K d) for distances plus
 * O(n T log(n T)) for the ordering; groups run in parallel and the result does not depend on the thread count.
 */
public final class BalancedAssignment {
  private static final int CANDIDATES = 32;

  private BalancedAssignment() {}

  /**
   * Assigns every row of {@code x} to a row of {@code centroids}.
   *
   * @param group prefix group of every row (values in {@code [0, groups)})
   * @return the code of every row
   */
  public static int[] assign(FloatMatrix x, FloatMatrix centroids, int[] group, int groups) {
    return assign(x, centroids, group, groups, 0);
  }

  /**
   * As {@link #assign(FloatMatrix, FloatMatrix, int[], int)}, with capacity {@code ceil(g (1 + slack) / K)}:
   * slack 0 is strict balance, larger values let dense regions keep more of their items.
   */
  public static int[] assign(FloatMatrix x, FloatMatrix centroids, int[] group, int groups, double slack) {
    int n = x.rows();
    int k = centroids.rows();
    int[] count = new int[groups + 1];
    for (int g : group) {
      count[g + 1]++;
    }
    for (int g = 0; g < groups; g++) {
      count[g + 1] += count[g];
    }
    int[] members = new int[n];
    int[] fill = Arrays.copyOf(count, groups);
    for (int i = 0; i < n; i++) {
      members[fill[group[i]]++] = i;
    }
    PackedRows packed = new PackedRows(centroids);
    DistanceKernel kernel = DistanceKernels.get();
    int[] codes = new int[n];
    Parallel.forEachChunk(groups, 1, (c, from, to) -> {
      for (int g = from; g < to; g++) {
        assignGroup(x, packed, kernel, members, count[g], count[g + 1], k, slack, codes);
      }
    });
    return codes;
  }

  private static void assignGroup(FloatMatrix x, PackedRows c, DistanceKernel kernel, int[] members, int from,
      int to, int k, double slack, int[] codes) {
    int g = to - from;
    if (g == 0) {
      return;
    }
    int cap = Math.max(1, (int) Math.ceil(g * (1 + slack) / k));
    int t = Math.min(CANDIDATES, k);
    float[] dots = new float[k];
    float[] dist = new float[k];
    Integer[] order = new Integer[k];
    int[] candCode = new int[g * t];
    long[] keys = new long[g * t];
    for (int m = 0; m < g; m++) {
      int i = members[from + m];
      kernel.squaredDistances(x.data(), x.offset(i), c, dots, dist);
      int[] top = smallest(dist, t, order);
      for (int r = 0; r < t; r++) {
        int p = m * t + r;
        candCode[p] = top[r];
        // non-negative float bits order like the floats; the low half keeps ties in (item, rank) order
        keys[p] = ((long) Float.floatToIntBits(dist[top[r]]) << 32) | p;
      }
    }
    Arrays.sort(keys);
    int[] load = new int[k];
    boolean[] done = new boolean[g];
    int assigned = 0;
    for (long key : keys) {
      int p = (int) key;
      int m = p / t;
      if (done[m]) {
        continue;
      }
      int code = candCode[p];
      if (load[code] < cap) {
        load[code]++;
        done[m] = true;
        codes[members[from + m]] = code;
        if (++assigned == g) {
          break;
        }
      }
    }
    for (int m = 0; m < g && assigned < g; m++) {
      if (done[m]) {
        continue;
      }
      int i = members[from + m];
      kernel.squaredDistances(x.data(), x.offset(i), c, dots, dist);
      int best = -1;
      for (int j = 0; j < k; j++) {
        if (load[j] < cap && (best < 0 || dist[j] < dist[best])) {
          best = j;
        }
      }
      load[best]++;
      codes[i] = best;
      done[m] = true;
      assigned++;
    }
  }

  /** Indices of the {@code t} smallest values, ascending (ties by index). */
  static int[] smallest(float[] v, int t, Integer[] scratch) {
    int k = v.length;
    if (t == k) {
      for (int j = 0; j < k; j++) {
        scratch[j] = j;
      }
      Arrays.sort(scratch, 0, k, (a, b) -> v[a] != v[b] ? Float.compare(v[a], v[b]) : Integer.compare(a, b));
      int[] out = new int[k];
      for (int j = 0; j < k; j++) {
        out[j] = scratch[j];
      }
      return out;
    }
    int[] top = new int[t];
    int size = 0;
    for (int j = 0; j < k; j++) {
      float val = v[j];
      if (size == t && !(val < v[top[t - 1]])) {
        continue;
      }
      int p = size < t ? size++ : t - 1;
      while (p > 0 && v[top[p - 1]] > val) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = j;
    }
    return top;
  }
}
