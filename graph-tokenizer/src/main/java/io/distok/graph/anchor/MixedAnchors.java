package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import java.util.SplittableRandom;

/**
 * NodePiece's default mix: 40% by degree, 40% by PageRank, 20% random, in that order and without duplicates.
 * O(PageRank) + O(V log V).
 */
public final class MixedAnchors implements AnchorSelector {

  @Override
  public int[] select(CsrGraph g, int count, long seed) {
    int degreeShare = (int) Math.round(count * 0.4);
    int rankShare = (int) Math.round(count * 0.4);
    boolean[] taken = new boolean[g.nodeCount()];
    int[] a = RankedNodes.top(DegreeAnchors.scores(g), degreeShare, taken);
    int[] b = RankedNodes.top(PageRankAnchors.pageRank(g, PageRankAnchors.DAMPING, PageRankAnchors.ITERATIONS),
        rankShare, taken);
    int[] c = RankedNodes.randomExcluding(g.nodeCount(), count - a.length - b.length, taken,
        new SplittableRandom(seed));
    int[] out = new int[a.length + b.length + c.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    System.arraycopy(c, 0, out, a.length + b.length, c.length);
    return out;
  }
}
