package io.distok.source.jgrapht;

import io.distok.source.NodeVectors;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jgrapht.Graph;

/** Reads the vectors carried by the vertices of a JGraphT graph (for example item nodes with embeddings). */
public final class JGraphTVectors {
  private JGraphTVectors() {}

  /**
   * The vectors of the vertices accepted by {@code filter}, in the graph's vertex iteration order. O(V d).
   *
   * @param id the vertex's id as a string
   * @param vector the vertex's vector, or null when it has none (an error naming the vertex)
   */
  public static <V> NodeVectors read(Graph<V, ?> graph, Predicate<V> filter, Function<V, String> id,
      Function<V, float[]> vector) {
    List<String> ids = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    int d = -1;
    for (V v : graph.vertexSet()) {
      if (!filter.test(v)) {
        continue;
      }
      String name = id.apply(v);
      float[] x = vector.apply(v);
      if (x == null) {
        throw new InvalidInputException("vertex '" + name + "' has no vector");
      }
      if (d < 0) {
        d = x.length;
      } else if (x.length != d) {
        throw new InvalidInputException("vertex '" + name + "': vector dimension " + x.length + " != " + d);
      }
      ids.add(name);
      keys.add(v);
      rows.add(x);
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException("the graph has no matching vertices with vectors");
    }
    return new NodeVectors(ids, keys, FloatMatrix.ofRows(rows.toArray(new float[0][])));
  }
}
