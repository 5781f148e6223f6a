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

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return DEFAULT.toBuilder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  public NodePieceConfig withAnchors(int value) {
    return toBuilder().anchors(value).build();
  }

  public NodePieceConfig withK(int value) {
    return toBuilder().k(value).build();
  }

  public NodePieceConfig withM(int value) {
    return toBuilder().m(value).build();
  }

  public NodePieceConfig withStrategy(AnchorStrategy value) {
    return toBuilder().strategy(value).build();
  }

  public NodePieceConfig withDirected(boolean value) {
    return toBuilder().directed(value).build();
  }

  public NodePieceConfig withSelection(RelationContext.Selection value) {
    return toBuilder().selection(value).build();
  }

  public NodePieceConfig withMaxHops(int value) {
    return toBuilder().maxHops(value).build();
  }

  public NodePieceConfig withSeed(long value) {
    return toBuilder().seed(value).build();
  }

  public NodePieceConfig withTieBreak(AnchorTieBreak value) {
    return toBuilder().tieBreak(value).build();
  }

  /** Builds a configuration field by field; {@link #build()} checks it. */
  public static final class Builder {
    private int anchors;
    private AnchorStrategy strategy;
    private int k;
    private int m;
    private double autoPercentile;
    private RelationContext.Selection selection;
    private int maxHops;
    private boolean directed;
    private long seed;
    private AnchorTieBreak tieBreak;

    private Builder(NodePieceConfig c) {
      anchors = c.anchors;
      strategy = c.strategy;
      k = c.k;
      m = c.m;
      autoPercentile = c.autoPercentile;
      selection = c.selection;
      maxHops = c.maxHops;
      directed = c.directed;
      seed = c.seed;
      tieBreak = c.tieBreak;
    }

    public Builder anchors(int value) {
      anchors = value;
      return this;
    }

    public Builder strategy(AnchorStrategy value) {
      strategy = value;
      return this;
    }

    public Builder k(int value) {
      k = value;
      return this;
    }

    public Builder m(int value) {
      m = value;
      return this;
    }

    public Builder autoPercentile(double value) {
      autoPercentile = value;
      return this;
    }

    public Builder selection(RelationContext.Selection value) {
      selection = value;
      return this;
    }

    public Builder maxHops(int value) {
      maxHops = value;
      return this;
    }

    public Builder directed(boolean value) {
      directed = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder tieBreak(AnchorTieBreak value) {
      tieBreak = value;
      return this;
    }

    /**
     * The configuration.
     *
     * @throws IllegalArgumentException if a field is out of range
     */
    public NodePieceConfig build() {
      return new NodePieceConfig(anchors, strategy, k, m, autoPercentile, selection, maxHops, directed, seed,
          tieBreak);
    }
  }
}
