package io.distok.graph.neo4j;

import io.distok.source.neo4j.Neo4jConnection;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.prompt.NodeText;
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
    String l = labelPattern(label);
    String id = idExpression(idProperty);
    CsrGraph.Builder b = new CsrGraph.Builder();
    List<Object> keys = new ArrayList<>();
    try (Session session = session(batchSize)) {
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
   * Reads the prompt text of the nodes of {@code read}: the name from {@code nameProperty} and the given
   * properties as attributes, in that order (a node lacking a property simply has no such attribute). One
   * streamed query, O(nodes).
   *
   * @param nameProperty property holding the readable name, or null
   * @param properties properties to show as attributes (may be empty)
   */
  public NodeText readText(Neo4jGraph read, String label, String idProperty, String nameProperty,
      List<String> properties, int batchSize) {
    if (nameProperty == null && properties.isEmpty()) {
      return NodeText.NONE;
    }
    StringBuilder q = new StringBuilder("MATCH (n" + labelPattern(label) + ") RETURN "
        + idExpression(idProperty).formatted("n") + " AS id");
    if (nameProperty != null) {
      q.append(", n.").append(Neo4jConnection.quote(nameProperty, "name property")).append(" AS name");
    }
    for (int i = 0; i < properties.size(); i++) {
      q.append(", n.").append(Neo4jConnection.quote(properties.get(i), "property")).append(" AS p").append(i);
    }
    NodeText.Builder b = new NodeText.Builder();
    CsrGraph g = read.graph();
    try (Session session = session(batchSize)) {
      for (Iterator<Record> it = session.run(q.toString()); it.hasNext(); ) {
        Record rec = it.next();
        String key = rec.get("id").isNull() ? null : rec.get("id").asObject().toString();
        if (key == null || !g.hasNode(key)) {
          continue; // a node created after the graph was read
        }
        int v = g.node(key);
        if (nameProperty != null && !rec.get("name").isNull()) {
          b.name(v, rec.get("name").asObject().toString());
        }
        for (int i = 0; i < properties.size(); i++) {
          if (!rec.get("p" + i).isNull()) {
            b.attribute(v, properties.get(i), rec.get("p" + i).asObject().toString());
          }
        }
      }
    } catch (RuntimeException ex) {
      throw connection.translate(ex);
    }
    return b.build();
  }

  /** {@code :Label} for a node pattern, or nothing for all nodes. */
  private static String labelPattern(String label) {
    return label == null ? "" : ":" + Neo4jConnection.quote(label, "label");
  }

  /** The expression of a node's key with {@code %s} for the node variable: the id property, or the element id. */
  private static String idExpression(String idProperty) {
    return idProperty == null ? "elementId(%s)" : "%s." + Neo4jConnection.quote(idProperty, "id property");
  }

  /** A session on the configured database that fetches {@code batchSize} records at a time. */
  private Session session(int batchSize) {
    SessionConfig.Builder sc = SessionConfig.builder().withFetchSize(batchSize);
    if (connection.database() != null) {
      sc.withDatabase(connection.database());
    }
    return driver.session(sc.build());
  }

  /**
   * A graph read from Neo4j with the database key of each node.
   *
   * @param graph the graph; node {@code v} is named {@code keys.get(v).toString()}
   * @param keys the id property value (or element id) of node {@code v}, of the database's type
   */
  public record Neo4jGraph(CsrGraph graph, List<Object> keys) {}
}
