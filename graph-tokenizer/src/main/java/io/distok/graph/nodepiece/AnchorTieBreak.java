package io.distok.graph.nodepiece;

import java.util.Locale;

/**
 * Which anchors a node keeps when more anchors reach it at the same hop distance than it has room for. Either
 * way every node gets anchors at the k smallest distances it has (the multi-source BFS guarantees that for any
 * rule); the rule only decides among equidistant anchors.
 */
public enum AnchorTieBreak {
  /** The better-ranked anchors, for every node alike: neighbouring nodes then often keep the same anchors. */
  RANK,
  /**
   * An order of its own for every node (a seeded hash of node and anchor): neighbours choose differently among
   * equidistant anchors, so more nodes get a token set of their own. Deterministic for a given graph and seed.
   */
  NODE;

  /** The lower-case spelling used on command lines. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
