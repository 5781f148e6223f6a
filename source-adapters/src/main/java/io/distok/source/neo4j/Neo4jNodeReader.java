package io.distok.source.neo4j;

import io.distok.source.NodeVectors;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.Value;

/**
 * Streams node vectors out of Neo4j: one read transaction per batch, keyset-paginated on the id (a property or
 * the element id), so no single query holds the whole label and memory stays O(batch) on the server.
 */
public final class Neo4jNodeReader {
  private final Neo4jConnection connection;
  private final Driver driver;

  public Neo4jNodeReader(Neo4jConnection connection, Driver driver) {
    this.connection = connection;
    this.driver = driver;
  }

  /**
   * Reads the vector property of every node with {@code label}.
   *
   * @param idProperty property holding the node id, or null to use {@code elementId(n)}
   * @throws InvalidInputException naming the node when a vector is missing, not a list of numbers, or of another
   *     dimension; or when nodes lack the id property
   */
  public NodeVectors readVectors(String label, String idProperty, String vectorProperty, int batchSize,
      ProgressListener progress) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    String l = Neo4jConnection.quote(label, "label");
    String v = Neo4jConnection.quote(vectorProperty, "embedding property");
    String idExpr = idProperty == null ? "elementId(n)" : "n." + Neo4jConnection.quote(idProperty, "id property");
    List<String> ids = new ArrayList<>();
    List<Object> keys = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    try (Session session = driver.session(connection.sessionConfig())) {
      long total = session.executeRead(tx -> tx.run("MATCH (n:" + l + ") RETURN count(n) AS c").single().get("c")
          .asLong());
      if (idProperty != null) {
        long missing = session.executeRead(tx -> tx.run("MATCH (n:" + l + ") WHERE " + idExpr
            + " IS NULL RETURN count(n) AS c").single().get("c").asLong());
        if (missing > 0) {
          throw new InvalidInputException("Neo4j: " + missing + " :" + label + " nodes have no '" + idProperty
              + "' property");
        }
      }
      String query = "MATCH (n:" + l + ") WHERE $after IS NULL OR " + idExpr + " > $after RETURN " + idExpr
          + " AS id, n." + v + " AS vec ORDER BY id LIMIT $batch";
      Object after = null;
      int d = -1;
      while (true) {
        Object cursor = after;
        List<Record> batch = session.executeRead(tx -> tx.run(query, Map.of("after", cursor == null
            ? org.neo4j.driver.Values.NULL : org.neo4j.driver.Values.value(cursor), "batch", batchSize)).list());
        for (Record r : batch) {
          Value idValue = r.get("id");
          String id = idValue.asObject().toString();
          float[] x = toVector(r.get("vec"), id, label, vectorProperty);
          if (d < 0) {
            d = x.length;
          } else if (x.length != d) {
            throw new InvalidInputException("Neo4j node :" + label + " " + id + ": '" + vectorProperty
                + "' has dimension " + x.length + " != " + d);
          }
          ids.add(id);
          keys.add(idValue.asObject());
          rows.add(x);
        }
        progress.progress("reading :" + label + " nodes", ids.size(), total);
        if (batch.size() < batchSize) {
          break;
        }
        after = batch.get(batch.size() - 1).get("id").asObject();
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw connection.translate(e);
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException("Neo4j: no nodes with label :" + label);
    }
    return new NodeVectors(ids, keys, FloatMatrix.ofRows(rows.toArray(new float[0][])));
  }

  private static float[] toVector(Value value, String id, String label, String property) {
    String where = "Neo4j node :" + label + " " + id + ": ";
    if (value == null || value.isNull()) {
      throw new InvalidInputException(where + "has no '" + property + "' property");
    }
    Object o = value.asObject();
    if (o instanceof float[] f) {
      return f.clone();
    }
    if (o instanceof double[] dd) {
      float[] f = new float[dd.length];
      for (int i = 0; i < dd.length; i++) {
        f[i] = (float) dd[i];
      }
      return f;
    }
    if (!(o instanceof List<?> list)) {
      throw new InvalidInputException(where + "'" + property + "' is " + value.type().name()
          + ", expected a list of numbers");
    }
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw new InvalidInputException(where + "'" + property + "' holds " + (list.get(i) == null ? "null"
            : list.get(i).getClass().getSimpleName()) + " at index " + i + ", expected numbers");
      }
      f[i] = n.floatValue();
      if (!Float.isFinite(f[i])) {
        throw new InvalidInputException(where + "'" + property + "' holds " + f[i] + " at index " + i);
      }
    }
    if (f.length == 0) {
      throw new InvalidInputException(where + "'" + property + "' is an empty list");
    }
    return f;
  }
}
