package io.distok.recsys;

import io.distok.source.neo4j.Neo4jConnection;
import io.distok.source.neo4j.Neo4jPropertyWriter;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import org.neo4j.driver.Driver;

/** Writes semantic IDs back onto the item nodes they came from. */
public final class SemanticIdWriteBack {
  private SemanticIdWriteBack() {}

  /**
   * Sets {@code property} of each item node to the item's ID as tokens, in batched transactions; all or nothing
   * (see {@link Neo4jPropertyWriter}).
   *
   * @param items item ids, in the order of {@code keys}
   * @param keys the nodes' ids as Neo4j stores them (from {@link io.distok.source.NodeVectors#keys()})
   * @param idProperty the id property, or null for element ids
   * @return nodes written
   */
  public static long toNeo4j(SemanticIdModel model, List<String> items, List<Object> keys, Neo4jConnection conn,
      Driver driver, String label, String idProperty, String property, int batchSize, ProgressListener progress) {
    List<Object> values = new ArrayList<>(items.size());
    for (String item : items) {
      values.add(model.tokens(item));
    }
    return new Neo4jPropertyWriter(conn, driver).write(label, idProperty, property, keys, values, batchSize,
        progress);
  }
}
