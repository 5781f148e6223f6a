package io.distok.graph.sink;

import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.source.neo4j.Neo4jConnection;
import io.distok.source.neo4j.Neo4jPropertyWriter;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import org.neo4j.driver.Driver;

/**
 * Each node's tokens written back to a Neo4j node property, matched by the node's database key (its id
 * property value, of the database's type, or its element id), in batched transactions that are undone on
 * failure ({@link Neo4jPropertyWriter}). O(V) rows.
 */
public final class Neo4jTokenSink implements NodeTokenSink {
  private final Neo4jConnection connection;
  private final Driver driver;
  private final String label;
  private final String idProperty;
  private final String property;
  private final List<?> keys;
  private final int batchSize;

  /**
   * A sink to {@code (:label).property}.
   *
   * @param idProperty the property the keys are values of, or null for element ids
   * @param keys the database key of node {@code v} at index v, as the graph was read
   */
  public Neo4jTokenSink(Neo4jConnection connection, Driver driver, String label, String idProperty, String property,
      List<?> keys, int batchSize) {
    this.connection = connection;
    this.driver = driver;
    this.label = label;
    this.idProperty = idProperty;
    this.property = property;
    this.keys = List.copyOf(keys);
    this.batchSize = batchSize;
  }

  @Override
  public long write(NodeTokenization t, ProgressListener progress) {
    int n = t.graph().nodeCount();
    if (keys.size() != n) {
      throw new IllegalArgumentException(keys.size() + " keys for a graph of " + n + " nodes");
    }
    List<Object> values = new ArrayList<>(n);
    for (int v = 0; v < n; v++) {
      values.add(t.tokens(v));
    }
    return new Neo4jPropertyWriter(connection, driver).write(label, idProperty, property, keys, values, batchSize,
        progress);
  }
}
