package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;

/** Anchors by highest total degree (ties by node id). O(V log V). */
public final class DegreeAnchors implements AnchorSelector {

  @Override
  public int[] select(CsrGraph g, int count, long seed) {
    return RankedNodes.top(scores(g), count, new boolean[g.nodeCount()]);
  }

  /** Total degree of every node. O(V). */
  static double[] scores(CsrGraph g) {
    double[] score = new double[g.nodeCount()];
    for (int v = 0; v < score.length; v++) {
      score[v] = g.degree(v);
    }
    return score;
  }
}
