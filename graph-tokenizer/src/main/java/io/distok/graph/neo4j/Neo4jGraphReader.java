package io.distok.graph.neo4j;

import io.distok.source.neo4j.Neo4jConnection;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;

/**
 * Reads a Neo4j graph into a {@link CsrGraph}: nodes (optionally of one label) and the relationships between
 * them, relationship type = relation. Each of the two queries is streamed by the driver in fetches of
 * {@code batchSize} records with back-pressure, so neither side ever holds the whole result; the CSR itself
 * is O(V + E).
 */
public final class Neo4jGraphReader {
  private final Neo4jConnection connection;
  private final Driver driver;

  public Neo4jGraphReader(Neo4jConnection connection, Driver driver) {
    this.connection = connection;
    this.driver = driver;
  }

  /**
   * Reads the graph and the key of every node as the database holds it (an integer id property stays a
   * {@link Long}), so that tokens can be written back to the same nodes.
   *
   * @param label only nodes with this label (and relationships between them), or null for all
   * @param idProperty property naming nodes, or null for element ids; nodes lacking it are an error
   */
  public Neo4jGraph read(String label, String idProperty, int batchSize, ProgressListener progress) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    String l = label == null ? "" : ":" + Neo4jConnection.quote(label, "label");
    String id = idProperty == null ? "elementId(%s)" : "%s." + Neo4jConnection.quote(idProperty, "id property");
    SessionConfig.Builder sc = SessionConfig.builder().withFetchSize(batchSize);
    if (connection.database() != null) {
      sc.withDatabase(connection.database());
    }
    CsrGraph.Builder b = new CsrGraph.Builder();
    List<Object> keys = new ArrayList<>();
    try (Session session = driver.session(sc.build())) {
      long nodes = 0;
      Result r = session.run("MATCH (n" + l + ") RETURN " + id.formatted("n") + " AS id");
      for (Iterator<Record> it = r; it.hasNext(); ) {
        Record rec = it.next();
        if (rec.get("id").isNull()) {
          throw new InvalidInputException("Neo4j: a node" + (label == null ? "" : " :" + label) + " has no '"
              + idProperty + "' property");
        }
        Object key = rec.get("id").asObject();
        String name = key.toString();
        int before = b.nodeCount();
        if (b.addNode(name) != before) {
          throw new InvalidInputException("Neo4j: two nodes share the id '" + name + "'");
        }
        keys.add(key);
        if (++nodes % batchSize == 0) {
          progress.progress("reading nodes", nodes, -1);
        }
      }
      long rels = 0;
      Result e = session.run("MATCH (a" + l + ")-[r]->(b" + l + ") RETURN " + id.formatted("a") + " AS h, type(r) AS t, "
          + id.formatted("b") + " AS tl");
      for (Iterator<Record> it = e; it.hasNext(); ) {
        Record rec = it.next();
        b.addEdge(rec.get("h").asObject().toString(), rec.get("t").asString(), rec.get("tl").asObject().toString());
        if (++rels % batchSize == 0) {
          progress.progress("reading relationships", rels, -1);
        }
      }
    } catch (InvalidInputException ex) {
      throw ex;
    } catch (RuntimeException ex) {
      throw connection.translate(ex);
    }
    if (b.nodeCount() == 0) {
      throw new InvalidInputException("Neo4j: no nodes" + (label == null ? "" : " with label :" + label));
    }
    return new Neo4jGraph(b.build(), List.copyOf(keys));
  }

  /**
   * A graph read from Neo4j with the database key of each node.
   *
   * @param graph the graph; node {@code v} is named {@code keys.get(v).toString()}
   * @param keys the id property value (or element id) of node {@code v}, of the database's type
   */
  public record Neo4jGraph(CsrGraph graph, List<Object> keys) {}
}
