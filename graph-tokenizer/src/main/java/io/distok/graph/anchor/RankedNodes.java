package io.distok.graph.anchor;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picking ranked or random nodes that are not taken yet: the shared step of the anchor selectors, and of
 * selectors that compute the scores elsewhere (the Spark jobs), so that both pick the same nodes.
 */
public final class RankedNodes {
  private RankedNodes() {}

  /** The {@code count} best-scoring nodes not yet taken (ties by node id), marking them taken. O(V log V). */
  public static int[] top(double[] score, int count, boolean[] taken) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> score[x] != score[y] ? Double.compare(score[y], score[x]) : Integer.compare(x, y));
    int[] out = new int[count];
    int n = 0;
    for (int i = 0; i < order.length && n < count; i++) {
      if (!taken[order[i]]) {
        taken[order[i]] = true;
        out[n++] = order[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** {@code count} random nodes not yet taken, marking them taken: a partial Fisher-Yates shuffle. O(V). */
  public static int[] randomExcluding(int nodes, int count, boolean[] taken, SplittableRandom rng) {
    int free = 0;
    for (boolean t : taken) {
      free += t ? 0 : 1;
    }
    int[] pool = new int[free];
    int p = 0;
    for (int v = 0; v < nodes; v++) {
      if (!taken[v]) {
        pool[p++] = v;
      }
    }
    int want = Math.min(count, free);
    for (int i = 0; i < want; i++) {
      int j = i + rng.nextInt(free - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      taken[pool[i]] = true;
    }
    return Arrays.copyOf(pool, want);
  }
}
