package io.distok.source.neo4j;

import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Writes one property onto many nodes in batched write transactions, all or nothing: each batch runs in its
 * own transaction (so a batch that fails is rolled back by Neo4j), and when a batch fails the batches already
 * committed are restored to their previous values before the error is reported. Cost O(n) rows, n / batch
 * transactions.
 */
public final class Neo4jPropertyWriter {
  private final Neo4jConnection connection;
  private final Driver driver;

  public Neo4jPropertyWriter(Neo4jConnection connection, Driver driver) {
    this.connection = connection;
    this.driver = driver;
  }

  /**
   * Sets {@code property} of the node with id {@code keys.get(i)} to {@code values.get(i)}.
   *
   * @param idProperty the id property, or null when keys are element ids
   * @return the number of nodes written
   * @throws InvalidInputException when a key matches no node (the write is then undone) or Neo4j fails
   */
  public long write(String label, String idProperty, String property, List<?> keys, List<?> values, int batchSize,
      ProgressListener progress) {
    if (keys.size() != values.size()) {
      throw new IllegalArgumentException(keys.size() + " keys for " + values.size() + " values");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    String l = Neo4jConnection.quote(label, "label");
    String p = Neo4jConnection.quote(property, "property");
    String match = idProperty == null ? "MATCH (n:" + l + ") WHERE elementId(n) = row.id"
        : "MATCH (n:" + l + " {" + Neo4jConnection.quote(idProperty, "id property") + ": row.id})";
    String write = "UNWIND $rows AS row " + match + " WITH n, row, n." + p + " AS old SET n." + p
        + " = row.value RETURN row.id AS id, old";
    String restore = "UNWIND $rows AS row " + match + " SET n." + p + " = row.value";
    List<List<Map<String, Object>>> undo = new ArrayList<>();
    long written = 0;
    try (Session session = driver.session(connection.sessionConfig())) {
      for (int from = 0; from < keys.size(); from += batchSize) {
        int to = Math.min(keys.size(), from + batchSize);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
          Map<String, Object> row = new HashMap<>();
          row.put("id", keys.get(i));
          row.put("value", values.get(i));
          rows.add(row);
        }
        int batchNo = undo.size() + 1;
        try {
          List<Map<String, Object>> old = session.executeWrite(tx -> {
            List<Record> res = tx.run(write, Map.of("rows", rows)).list();
            if (res.size() != rows.size()) {
              Set<Object> found = new HashSet<>();
              for (Record r : res) {
                found.add(r.get("id").asObject());
              }
              List<Object> missing = new ArrayList<>();
              for (Map<String, Object> row : rows) {
                if (!found.contains(row.get("id"))) {
                  missing.add(row.get("id"));
                }
              }
              // throwing inside the transaction function rolls the batch back
              throw new InvalidInputException("no :" + label + " node with " + (idProperty == null ? "element id"
                  : idProperty) + " " + (missing.size() > 5 ? missing.subList(0, 5) + " and " + (missing.size() - 5)
                  + " more" : missing) + (res.size() > rows.size() ? " (ids are not unique)" : ""));
            }
            List<Map<String, Object>> prev = new ArrayList<>();
            for (Record r : res) {
              Map<String, Object> m = new HashMap<>();
              m.put("id", r.get("id").asObject());
              m.put("value", r.get("old").asObject());
              prev.add(m);
            }
            return prev;
          });
          undo.add(old);
          written += rows.size();
          progress.progress("writing " + property, written, keys.size());
        } catch (RuntimeException e) {
          RuntimeException reason = e instanceof InvalidInputException ? e : connection.translate(e);
          String restored = restore(session, restore, undo);
          throw new InvalidInputException("Neo4j write-back of '" + property + "' failed in batch " + batchNo
              + ": " + reason.getMessage() + "; that batch was rolled back" + restored, e);
        }
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw connection.translate(e);
    }
    return written;
  }

  private static String restore(Session session, String restore, List<List<Map<String, Object>>> undo) {
    if (undo.isEmpty()) {
      return "";
    }
    try {
      for (int b = undo.size() - 1; b >= 0; b--) {
        List<Map<String, Object>> rows = undo.get(b);
        session.executeWriteWithoutResult(tx -> tx.run(restore, Map.of("rows", rows)).consume());
      }
      return " and the " + undo.size() + " batch(es) committed before it were restored";
    } catch (RuntimeException e) {
      return "; restoring the " + undo.size() + " batch(es) committed before it FAILED too (" + e.getMessage()
          + "): those nodes hold new values";
    }
  }
}
