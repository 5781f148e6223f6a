package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/** The anchor selection algorithms behind {@link AnchorStrategy}. */
final class AnchorSelection {
  private AnchorSelection() {}

  static int[] byDegree(CsrGraph g, int count) {
    double[] score = new double[g.nodeCount()];
    for (int v = 0; v < score.length; v++) {
      score[v] = g.degree(v);
    }
    return top(score, count, new boolean[score.length]);
  }

  static int[] byPageRank(CsrGraph g, int count) {
    return top(pageRank(g, 0.85, 30), count, new boolean[g.nodeCount()]);
  }

  static int[] random(CsrGraph g, int count, long seed) {
    return randomExcluding(g.nodeCount(), count, new boolean[g.nodeCount()], new SplittableRandom(seed));
  }

  static int[] mixed(CsrGraph g, int count, long seed) {
    int degreeShare = (int) Math.round(count * 0.4);
    int rankShare = (int) Math.round(count * 0.4);
    boolean[] taken = new boolean[g.nodeCount()];
    double[] degree = new double[g.nodeCount()];
    for (int v = 0; v < degree.length; v++) {
      degree[v] = g.degree(v);
    }
    int[] a = top(degree, degreeShare, taken);
    int[] b = top(pageRank(g, 0.85, 30), rankShare, taken);
    int[] c = randomExcluding(g.nodeCount(), count - a.length - b.length, taken, new SplittableRandom(seed));
    int[] out = new int[a.length + b.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    return out;
  }

  /** The {@code count} best-scoring nodes not yet taken (ties by node id), marking them taken. */
  private static int[] top(double[] score, int count, boolean[] taken) {
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

  private static int[] randomExcluding(int nodes, int count, boolean[] taken, SplittableRandom rng) {
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

  /**
   * PageRank on the undirected view (every edge counted in both directions), dangling mass spread uniformly;
   * parallel over nodes in a pull formulation, deterministic. O(iterations (V + E)).
   */
  static double[] pageRank(CsrGraph g, double damping, int iterations) {
    int n = g.nodeCount();
    double[] rank = new double[n];
    double[] next = new double[n];
    double[] share = new double[n];
    Arrays.fill(rank, 1.0 / n);
    for (int it = 0; it < iterations; it++) {
      double dangling = 0;
      for (int v = 0; v < n; v++) {
        int deg = g.degree(v);
        if (deg == 0) {
          dangling += rank[v];
          share[v] = 0;
        } else {
          share[v] = rank[v] / deg;
        }
      }
      double base = (1 - damping) / n + damping * dangling / n;
      double[] src = share;
      double[] dst = next;
      Parallel.forEachChunk(n, 4096, (c, from, to) -> {
        for (int v = from; v < to; v++) {
          double s = 0;
          for (int e = g.outStart(v); e < g.outEnd(v); e++) {
            s += src[g.outTarget(e)];
          }
          for (int e = g.inStart(v); e < g.inEnd(v); e++) {
            s += src[g.inSource(e)];
          }
          dst[v] = base + damping * s;
        }
      });
      double[] t = rank;
      rank = next;
      next = t;
    }
    return rank;
  }
}
