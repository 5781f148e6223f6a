package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.Parallel;
import java.util.Arrays;

/**
 * Anchors by highest PageRank on the undirected view (damping 0.85, 30 iterations; ties by node id). O(30 (V + E))
 * plus O(V log V) for the ranking. Tested against JGraphT's own {@code PageRank}.
 */
public final class PageRankAnchors implements AnchorSelector {
  /** Damping factor. */
  public static final double DAMPING = 0.85;
  /** Power iterations. */
  public static final int ITERATIONS = 30;

  @Override
  public int[] select(CsrGraph g, int count, long seed) {
    return RankedNodes.top(pageRank(g, DAMPING, ITERATIONS), count, new boolean[g.nodeCount()]);
  }

  /**
   * PageRank on the undirected view (every edge counted in both directions), dangling mass spread uniformly;
   * parallel over nodes in a pull formulation, deterministic. O(iterations (V + E)).
   */
  public static double[] pageRank(CsrGraph g, double damping, int iterations) {
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
