package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;

/**
 * Chooses anchor nodes of a graph, as a JGraphT algorithm object: given a graph, a count and a seed, the
 * anchors in rank order (rank 0 the most preferred). Implementations are stateless and deterministic for a
 * seed.
 */
public interface AnchorSelector {

  /**
   * Up to {@code count} distinct anchors in rank order ({@code count} exactly when the graph has that many
   * nodes).
   *
   * @param seed drives any randomness
   */
  int[] select(CsrGraph g, int count, long seed);
}
