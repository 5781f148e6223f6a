package io.distok.graph.nodepiece;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * Tokenizes every node of a graph: anchors chosen by the configured strategy, each node's k nearest anchors by
 * {@link NearestAnchors}, its m relation tokens by {@link RelationContext}. Cost O(V log V + k (V + E)) time,
 * O(V + E + k V) memory.
 */
public final class NodePieceTokenizer {
  private NodePieceTokenizer() {}

  /**
   * Tokenizes {@code g} without progress reports.
   *
   * @throws InvalidInputException for an empty graph or parameters that do not fit it
   */
  public static NodeTokenization tokenize(CsrGraph g, NodePieceConfig config) {
    return tokenize(g, config, ProgressListener.NONE);
  }

  /** As {@link #tokenize(CsrGraph, NodePieceConfig)}, reporting progress. */
  public static NodeTokenization tokenize(CsrGraph g, NodePieceConfig config, ProgressListener progress) {
    if (g.nodeCount() == 0) {
      throw new InvalidInputException("empty graph: nothing to tokenize");
    }
    int count = config.anchors() == 0 ? io.distok.graph.anchor.AnchorStrategy.defaultCount(g.nodeCount())
        : config.anchors();
    if (count > g.nodeCount()) {
      throw new InvalidInputException("anchor count " + count + " is larger than the node count " + g.nodeCount());
    }
    int[] anchors = config.strategy().select(g, count, config.seed());
    AnchorLabels labels = NearestAnchors.compute(g, anchors, config.k(), config.maxHops(), config.directed(),
        config.tieBreak(), config.seed(), progress);
    int m = config.m() >= 0 ? config.m() : RelationContext.automaticM(g, config.autoPercentile());
    int[] relations = RelationContext.compute(g, m, config.selection(), config.seed());
    List<String> anchorNames = new ArrayList<>(anchors.length);
    for (int a : anchors) {
      anchorNames.add(g.nodeName(a));
    }
    NodePieceVocabulary vocab = new NodePieceVocabulary(anchorNames, g.relationNames());
    return new NodeTokenization(g, config, vocab, anchors, labels, m, relations);
  }
}
