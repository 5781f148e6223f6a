package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import java.util.SplittableRandom;

/** Uniformly random anchors, a function of the seed. O(V). */
public final class RandomAnchors implements AnchorSelector {

  @Override
  public int[] select(CsrGraph g, int count, long seed) {
    return RankedNodes.randomExcluding(g.nodeCount(), count, new boolean[g.nodeCount()], new SplittableRandom(seed));
  }
}
