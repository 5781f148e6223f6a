package io.distok.graph.source;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import java.util.function.Function;
import org.jgrapht.Graph;

/**
 * Converts a JGraphT graph to a {@link CsrGraph}: directed multigraphs with parallel edges and self-loops are
 * kept as they are; an undirected graph's edges are stored in their source -> target orientation (traverse
 * undirected, the default, to ignore it). O(V + E).
 */
public final class JGraphTSource {
  private JGraphTSource() {}

  /**
   * @param nodeName a unique name per vertex
   * @param relation the relation label of an edge
   */
  public static <V, E> CsrGraph toCsr(Graph<V, E> graph, Function<V, String> nodeName, Function<E, String> relation) {
    CsrGraph.Builder b = new CsrGraph.Builder();
    for (V v : graph.vertexSet()) {
      String name = nodeName.apply(v);
      int before = b.nodeCount();
      if (b.addNode(name) != before) {
        throw new InvalidInputException("two vertices share the name '" + name + "'");
      }
    }
    for (E e : graph.edgeSet()) {
      b.addEdge(nodeName.apply(graph.getEdgeSource(e)), relation.apply(e), nodeName.apply(graph.getEdgeTarget(e)));
    }
    if (b.nodeCount() == 0) {
      throw new InvalidInputException("empty graph");
    }
    return b.build();
  }
}
