package io.distok.graph.nodepiece;

import io.distok.graph.anchor.AnchorStrategy;

/**
 * Parameters of anchor-relation tokenization, named as in NodePiece.
 *
 * @param anchors anchor count; 0 = {@link AnchorStrategy#defaultCount}
 * @param strategy anchor selection
 * @param k nearest anchors per node
 * @param m relation tokens per node; -1 = automatic ({@code autoPercentile} of distinct relations per node)
 * @param autoPercentile percentile used when m is automatic
 * @param selection how relations are chosen
 * @param maxHops BFS hop limit
 * @param directed follow edge directions in the BFS
 * @param seed random seed (random anchors, sampled relations, node tie-break order)
 * @param tieBreak which of several equidistant anchors a node keeps
 */
public record NodePieceConfig(int anchors, AnchorStrategy strategy, int k, int m, double autoPercentile,
    RelationContext.Selection selection, int maxHops, boolean directed, long seed, AnchorTieBreak tieBreak) {

  /** 20 anchors per node, automatic m, mixed anchors, undirected, up to 50 hops. */
  public static final NodePieceConfig DEFAULT = new NodePieceConfig(0, AnchorStrategy.MIXED, 20, -1, 50,
      RelationContext.Selection.FREQUENT, 50, false, 42, AnchorTieBreak.NODE);

  public NodePieceConfig {
    java.util.Objects.requireNonNull(tieBreak, "tieBreak");
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1 (anchors per node), got " + k);
    }
    if (m < -1) {
      throw new IllegalArgumentException("m must be >= 0, or -1 for automatic, got " + m);
    }
    if (anchors < 0) {
      throw new IllegalArgumentException("anchor count must be >= 0 (0 = default rule), got " + anchors);
    }
    if (maxHops < 0 || maxHops > Short.MAX_VALUE) {
      throw new IllegalArgumentException("max hops must be in [0, 32767], got " + maxHops);
    }
    if (!(autoPercentile >= 0 && autoPercentile <= 100)) {
      throw new IllegalArgumentException("the automatic-m percentile must be in [0, 100], got " + autoPercentile);
    }
  }

  public NodePieceConfig withAnchors(int a) {
    return new NodePieceConfig(a, strategy, k, m, autoPercentile, selection, maxHops, directed, seed, tieBreak);
  }

  public NodePieceConfig withK(int kk) {
    return new NodePieceConfig(anchors, strategy, kk, m, autoPercentile, selection, maxHops, directed, seed, tieBreak);
  }

  public NodePieceConfig withM(int mm) {
    return new NodePieceConfig(anchors, strategy, k, mm, autoPercentile, selection, maxHops, directed, seed, tieBreak);
  }

  public NodePieceConfig withStrategy(AnchorStrategy s) {
    return new NodePieceConfig(anchors, s, k, m, autoPercentile, selection, maxHops, directed, seed, tieBreak);
  }

  public NodePieceConfig withDirected(boolean d) {
    return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, selection, maxHops, d, seed, tieBreak);
  }

  public NodePieceConfig withSelection(RelationContext.Selection s) {
    return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, s, maxHops, directed, seed, tieBreak);
  }

  public NodePieceConfig withMaxHops(int h) {
    return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, selection, h, directed, seed, tieBreak);
  }

  public NodePieceConfig withSeed(long s) {
    return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, selection, maxHops, directed, s, tieBreak);
  }

  public NodePieceConfig withTieBreak(AnchorTieBreak t) {
    return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, selection, maxHops, directed, seed, t);
  }
}
