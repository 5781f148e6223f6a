package io.distok.spark.graph;

import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceVocabulary;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.util.InvalidInputException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;

/**
 * The anchor-relation (NodePiece-style) tokenizer on Spark: the same tokens as the single-machine {@link
 * NodePieceTokenizer} for the same input and configuration, whatever the partitioning. Anchors are chosen on the
 * driver from distributed scores ({@link SparkAnchors}), the nearest anchors come from the distributed k-label
 * BFS ({@link SparkNearestAnchors}) and the relational context from one aggregate ({@link SparkRelationContext}).
 *
 * <p>Cost O(V log V + k (V + E)) work over the cluster (plus 30 PageRank iterations for the pagerank and mixed
 * strategies), O(V) on the driver for anchor selection, one shuffle per BFS hop.
 */
public final class SparkGraphTokenizer {
  private SparkGraphTokenizer() {}

  /**
   * Tokenizes every node of {@code g}.
   *
   * @throws InvalidInputException for parameters that do not fit the graph
   */
  public static SparkNodeTokenization tokenize(SparkGraph g, NodePieceConfig config) {
    int count = config.anchors() == 0 ? AnchorStrategy.defaultCount(g.nodeCount()) : config.anchors();
    if (count > g.nodeCount()) {
      throw new InvalidInputException("anchor count " + count + " is larger than the node count " + g.nodeCount());
    }
    int[] anchors = SparkAnchors.select(g, config.strategy(), count, config.seed());
    JavaPairRDD<Integer, int[]> labels = SparkNearestAnchors.compute(g, anchors, config.k(), config.maxHops(),
        config.directed(), config.tieBreak(), config.seed());
    int m = config.m() >= 0 ? config.m() : SparkRelationContext.automaticM(g, config.autoPercentile());
    JavaPairRDD<Integer, int[]> relations = SparkRelationContext.compute(g, m, config.selection(), config.seed());
    NodePieceVocabulary vocabulary = new NodePieceVocabulary(g.names(anchors), g.relationNames());
    JavaRDD<NodeTokens> nodes = g.nodeNames()
        .leftOuterJoin(labels, g.partitions())
        .leftOuterJoin(relations, g.partitions())
        .map(x -> node(x._1(), x._2()._1()._1(), x._2()._1()._2(), x._2()._2()));
    return new SparkNodeTokenization(g, config, vocabulary, anchors, m, nodes);
  }

  private static NodeTokens node(int id, String name, Optional<int[]> labels, Optional<int[]> relations) {
    int[] pairs = labels.isPresent() ? labels.get() : new int[0];
    int[] ranks = new int[pairs.length / 2];
    int[] dist = new int[ranks.length];
    for (int j = 0; j < ranks.length; j++) {
      ranks[j] = pairs[2 * j];
      dist[j] = pairs[2 * j + 1];
    }
    return new NodeTokens(id, name, ranks, dist, relations.isPresent() ? relations.get() : new int[0]);
  }
}
