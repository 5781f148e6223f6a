package io.distok.graph.source;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
   * A JGraphT graph as a {@link CsrGraph} together with its vertices, so that results can be looked up by vertex
   * (their own type) rather than by name: node {@code v} of {@link #graph} is {@code vertices.get(v)}.
   *
   * @param <V> the vertex type
   */
  public static final class VertexGraph<V> {
    private final CsrGraph graph;
    private final List<V> vertices;
    private final Map<V, Integer> index;

    private VertexGraph(CsrGraph graph, List<V> vertices) {
      this.graph = graph;
      this.vertices = List.copyOf(vertices);
      this.index = new HashMap<>();
      for (int v = 0; v < this.vertices.size(); v++) {
        index.put(this.vertices.get(v), v);
      }
    }

    /** The graph to tokenize. */
    public CsrGraph graph() {
      return graph;
    }

    /** The vertex of every node, by node index. */
    public List<V> vertices() {
      return vertices;
    }

    /**
     * The node index of {@code vertex}, for {@code NodeTokenization.tokens(int)} and the like. O(1).
     *
     * @throws IllegalArgumentException if the vertex is not in the graph
     */
    public int node(V vertex) {
      Integer v = index.get(vertex);
      if (v == null) {
        throw new IllegalArgumentException("vertex " + vertex + " is not in the graph");
      }
      return v;
    }
  }

  /** {@link #read(Graph, Function, Function)} naming each vertex by {@code String.valueOf}. */
  public static <V, E> VertexGraph<V> read(Graph<V, E> graph, Function<E, String> relation) {
    return read(graph, String::valueOf, relation);
  }

  /**
   * Converts {@code graph} and keeps its vertices (in JGraphT's vertex order) for look-ups by vertex. O(V + E).
   *
   * @throws InvalidInputException if two vertices get the same name or the graph is empty
   */
  public static <V, E> VertexGraph<V> read(Graph<V, E> graph, Function<V, String> nodeName,
      Function<E, String> relation) {
    CsrGraph g = toCsr(graph, nodeName, relation);
    List<V> vertices = new ArrayList<>(graph.vertexSet());
    // toCsr adds the vertices first, in this order, so node v is vertices.get(v)
    return new VertexGraph<>(g, vertices);
  }

  /**
   * The graph alone, nodes named by {@code nodeName} (see {@link #read} to keep the vertices). O(V + E).
   *
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
