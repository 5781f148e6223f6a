package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.source.neo4j.Neo4jConnection;
import io.distok.source.neo4j.Neo4jHarness;
import io.distok.source.neo4j.Neo4jNodeReader;
import io.distok.source.NodeVectors;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.testdata.SyntheticData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.harness.Neo4j;

/** Semantic IDs read from and written back to a real Neo4j server. */
class SemanticIdNeo4jTest {
  static Neo4j neo4j;
  static Neo4jConnection conn;
  static Driver driver;
  static final SemanticIdConfig CONFIG = SemanticIdConfig.DEFAULT.withCodebookSizes(8, 8, 8).withNiter(8);

  @BeforeAll
  static void start() throws Exception {
    neo4j = Neo4jHarness.start(false);
    conn = new Neo4jConnection(neo4j.boltURI().toString(), null, null, null);
    driver = conn.open();
    FloatMatrix x = SyntheticData.gaussianClusters(601, 6, 12, 0.3, 9);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 601; i++) {
      List<Double> emb = new ArrayList<>();
      for (float f : x.rowCopy(i)) {
        emb.add((double) f);
      }
      rows.add(Map.of("sku", "p" + i, "emb", emb, "label", i < 600 ? "Product" : "NewProduct"));
    }
    try (Session s = driver.session()) {
      s.run("UNWIND $rows AS r CALL (r) { WITH r WHERE r.label = 'Product' CREATE (:Product {sku: r.sku, "
          + "embedding: r.emb}) } CALL (r) { WITH r WHERE r.label = 'NewProduct' CREATE (:NewProduct {sku: r.sku, "
          + "embedding: r.emb}) }", Map.of("rows", rows)).consume();
    }
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.close();
    }
    if (neo4j != null) {
      neo4j.close();
    }
  }

  @Test
  void fitFromNeo4jAndWriteIdsBack() {
    NodeVectors nodes = new Neo4jNodeReader(conn, driver).readVectors("Product", "sku", "embedding", 100,
        ProgressListener.NONE);
    SemanticIdModel model = SemanticIdTrainer.fit(ItemEmbeddings.of(nodes), CONFIG, ProgressListener.NONE);
    assertEquals(600, model.size());
    long n = SemanticIdWriteBack.toNeo4j(model, nodes.ids(), nodes.keys(), conn, driver, "Product", "sku",
        "semantic_id", 128, ProgressListener.NONE);
    assertEquals(600, n);
    try (Session s = driver.session()) {
      String stored = s.run("MATCH (p:Product {sku: 'p42'}) RETURN p.semantic_id AS v").single().get("v").asString();
      assertEquals(model.tokens("p42"), stored);
      long distinct = s.run("MATCH (p:Product) RETURN count(DISTINCT p.semantic_id) AS c").single().get("c")
          .asLong();
      assertEquals(600, distinct, "every product has its own ID");
    }
    // a new product: frozen codebooks, existing IDs untouched
    NodeVectors fresh = new Neo4jNodeReader(conn, driver).readVectors("NewProduct", "sku", "embedding", 100,
        ProgressListener.NONE);
    SemanticIdModel.Assignment a = model.assign(ItemEmbeddings.of(fresh));
    assertEquals(List.of("p600"), a.added());
    assertArrayEquals(model.codes("p42"), a.model().codes("p42"));
  }

  @Test
  void failedWriteBackLeavesNoIds() {
    NodeVectors nodes = new Neo4jNodeReader(conn, driver).readVectors("Product", "sku", "embedding", 100,
        ProgressListener.NONE);
    SemanticIdModel model = SemanticIdTrainer.fit(ItemEmbeddings.of(nodes), CONFIG, ProgressListener.NONE);
    List<Object> keys = new ArrayList<>(nodes.keys());
    keys.set(450, "no-such-sku");
    var e = assertThrows(InvalidInputException.class, () -> SemanticIdWriteBack.toNeo4j(model, nodes.ids(), keys,
        conn, driver, "Product", "sku", "sid_failed", 100, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("no-such-sku"), e.getMessage());
    try (Session s = driver.session()) {
      assertEquals(0L, s.run("MATCH (p:Product) WHERE p.sid_failed IS NOT NULL RETURN count(p) AS c").single()
          .get("c").asLong());
    }
  }
}
