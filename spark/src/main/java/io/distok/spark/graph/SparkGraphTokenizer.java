package io.distok.spark.graph;

import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceVocabulary;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.storage.StorageLevel;

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
    return tokenize(g, config, ProgressListener.NONE);
  }

  /**
   * As {@link #tokenize(SparkGraph, NodePieceConfig)}, reporting the stages: {@code anchors} (0 then 1), {@code
   * anchor BFS} (labels found of V k, after every hop), {@code relation context} (0 then 1).
   */
  public static SparkNodeTokenization tokenize(SparkGraph g, NodePieceConfig config, ProgressListener progress) {
    int count = config.anchors() == 0 ? AnchorStrategy.defaultCount(g.nodeCount()) : config.anchors();
    if (count > g.nodeCount()) {
      throw new InvalidInputException("anchor count " + count + " is larger than the node count " + g.nodeCount());
    }
    progress.progress("anchors", 0, 1);
    int[] anchors = SparkAnchors.select(g, config.strategy(), count, config.seed());
    progress.progress("anchors", 1, 1);
    JavaPairRDD<Integer, int[]> labels = SparkNearestAnchors.compute(g, anchors, config.k(), config.maxHops(),
        config.directed(), config.tieBreak(), config.seed(), progress);
    progress.progress("relation context", 0, 1);
    JavaPairRDD<Integer, int[]> counts = SparkRelationContext.tokenCounts(g).persist(StorageLevel.MEMORY_AND_DISK());
    int m = config.m() >= 0 ? config.m() : SparkRelationContext.automaticM(g, counts, config.autoPercentile());
    JavaPairRDD<Integer, int[]> relations = SparkRelationContext.compute(g, counts, m, config.selection(),
        config.seed());
    progress.progress("relation context", 1, 1);
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
