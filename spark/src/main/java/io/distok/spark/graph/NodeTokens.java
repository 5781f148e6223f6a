package io.distok.spark.graph;

import io.distok.graph.nodepiece.NodePieceVocabulary;
import io.distok.graph.nodepiece.NodeTokenization;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of one node as the Spark job computes them.
 *
 * @param id the node id (first appearance in the input, as the single-machine reader numbers nodes)
 * @param name the node's name
 * @param anchorRanks its nearest anchors' ranks, nearest first (at most k)
 * @param distances their hop distances
 * @param relations its relation tokens (at most m; {@code r} outgoing, {@code R + r} incoming)
 */
public record NodeTokens(int id, String name, int[] anchorRanks, int[] distances, int[] relations)
    implements Serializable {

  /** The token strings: k anchor slots then m relation slots, as {@link NodeTokenization#tokens(int)}. */
  public List<String> tokens(NodePieceVocabulary vocabulary, int k, int m) {
    List<String> out = new ArrayList<>(k + m);
    for (int t : NodeTokenization.tokenIds(vocabulary, k, m, anchorRanks, relations)) {
      out.add(vocabulary.token(t));
    }
    return out;
  }
}
