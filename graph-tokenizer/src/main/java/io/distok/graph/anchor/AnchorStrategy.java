package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import java.util.Locale;

/**
 * The anchor strategies by name, as configurations and command lines give them; each names one {@link
 * AnchorSelector} algorithm class and returns nodes in rank order (rank 0 = most preferred).
 */
public enum AnchorStrategy {
  /** Highest total degree first (ties by node id). O(V log V). */
  DEGREE(new DegreeAnchors()),
  /** Highest PageRank first (undirected, damping 0.85, 30 iterations; ties by node id). O(30 (V + E)). */
  PAGERANK(new PageRankAnchors()),
  /** Uniformly random, seeded. O(V). */
  RANDOM(new RandomAnchors()),
  /** 40% degree, 40% PageRank, 20% random, in that order, without duplicates (NodePiece's default mix). */
  MIXED(new MixedAnchors());

  private final AnchorSelector selector;

  AnchorStrategy(AnchorSelector selector) {
    this.selector = selector;
  }

  /** The selector algorithm behind this name. */
  public AnchorSelector selector() {
    return selector;
  }

  /** The lower-case spelling used on command lines and in reports. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The default anchor count: sqrt(V) bounded to [32, 20000], and never more than V. */
  public static int defaultCount(int nodes) {
    return Math.min(nodes, Math.max(32, Math.min(20_000, (int) Math.round(Math.sqrt(nodes)))));
  }

  /**
   * Chooses {@code count} anchors.
   *
   * @throws InvalidInputException if {@code count} is not in {@code [1, V]}
   */
  public int[] select(CsrGraph g, int count, long seed) {
    if (count < 1 || count > g.nodeCount()) {
      throw new InvalidInputException("anchor count " + count + " must be between 1 and the node count "
          + g.nodeCount());
    }
    return selector.select(g, count, seed);
  }
}
