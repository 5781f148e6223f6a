package io.distok.graph.nodepiece;

/**
 * The nearest anchors of every node: node {@code v} has {@link #count(int)} labels, label {@code j} being anchor
 * rank {@link #anchor(int, int)} at hop distance {@link #distance(int, int)}, ordered by (distance, rank).
 * Memory O(k V).
 */
public final class AnchorLabels {
  private final int k;
  private final int[] count;
  private final int[] anchor;
  private final short[] distance;

  AnchorLabels(int k, int[] count, int[] anchor, short[] distance) {
    this.k = k;
    this.count = count;
    this.anchor = anchor;
    this.distance = distance;
  }

  /** Labels per node at most. */
  public int k() {
    return k;
  }

  public int nodeCount() {
    return count.length;
  }

  public int count(int v) {
    return count[v];
  }

  public int anchor(int v, int j) {
    return anchor[v * k + j];
  }

  public int distance(int v, int j) {
    return distance[v * k + j];
  }
}
