package io.distok.graph.neo4j;

import io.distok.source.neo4j.Neo4jHarness;

import io.distok.source.neo4j.Neo4jConnection;
import io.distok.source.neo4j.Neo4jNodeReader;
import io.distok.source.neo4j.Neo4jPropertyWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.source.NodeVectors;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.harness.Neo4j;

class Neo4jNodeIoTest {
  static Neo4j neo4j;
  static Neo4jConnection conn;
  static Driver driver;

  @BeforeAll
  static void start() throws Exception {
    neo4j = Neo4jHarness.start(false);
    conn = new Neo4jConnection(neo4j.boltURI().toString(), null, null, null);
    driver = conn.open();
    try (Session s = driver.session()) {
      s.run("UNWIND range(0, 249) AS i CREATE (:Item {id: i, name: 'item' + i, "
          + "embedding: [toFloat(i), 1.0, -0.5, toFloat(i % 7)]})").consume();
      s.run("CREATE (:NoVec {id: 1}), (:NoVec {id: 2, embedding: [1.0]})").consume();
      s.run("CREATE (:Typed {id: 'a', embedding: [1.0, 2.0]}), (:Typed {id: 'b', embedding: 'oops'})").consume();
      s.run("CREATE (:Mixed {id: 1, embedding: [1.0, 2.0]}), (:Mixed {id: 2, embedding: [1.0]})").consume();
      s.run("UNWIND range(0, 59) AS i CREATE (:Person {name: 'p' + i})").consume();
      s.run("MATCH (a:Person), (b:Person) WHERE a.name = 'p' + toString(toInteger(substring(b.name, 1)) / 2) "
          + "AND a <> b CREATE (a)-[:PARENT_OF]->(b)").consume();
      s.run("MATCH (a:Person {name: 'p1'}), (b:Person {name: 'p7'}) CREATE (a)-[:KNOWS]->(b), (a)-[:KNOWS]->(b)")
          .consume();
      s.run("UNWIND range(0, 39) AS i CREATE (:Num {id: i})").consume();
      s.run("CREATE (m:Film {id: 'f1', title: 'Heat', year: 1995}), (d:Film {id: 'p1', title: 'Michael Mann'}), "
          + "(a:Film {id: 'p2'}), (d)-[:DIRECTED]->(m), (a)-[:ACTED_IN]->(m)").consume();
      s.run("MATCH (a:Num), (b:Num) WHERE b.id = (a.id + 1) % 40 OR b.id = (a.id * 7) % 40 AND a <> b "
          + "CREATE (a)-[:NEXT]->(b)").consume();
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
  void readsVectorsInBatches() {
    List<long[]> progress = new ArrayList<>();
    NodeVectors v = new Neo4jNodeReader(conn, driver).readVectors("Item", "id", "embedding", 32,
        (stage, done, total) -> progress.add(new long[] {done, total}));
    assertEquals(250, v.ids().size());
    assertEquals("0", v.ids().get(0));
    assertEquals(249L, v.keys().get(249));
    assertArrayEquals(new float[] {17f, 1f, -0.5f, 3f}, v.vectors().rowCopy(17));
    assertEquals(8, progress.size(), "250 nodes in batches of 32");
    assertEquals(250, progress.get(progress.size() - 1)[1]);
    NodeVectors byElementId = new Neo4jNodeReader(conn, driver).readVectors("Item", null, "embedding", 100,
        ProgressListener.NONE);
    assertEquals(250, byElementId.ids().size());
  }

  @Test
  void badNodesAreNamed() {
    var reader = new Neo4jNodeReader(conn, driver);
    var e = assertThrows(InvalidInputException.class,
        () -> reader.readVectors("NoVec", "id", "embedding", 10, ProgressListener.NONE));
    assertTrue(e.getMessage().contains(":NoVec 1: has no 'embedding' property"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> reader.readVectors("Typed", "id", "embedding", 10, ProgressListener.NONE));
    assertTrue(e.getMessage().contains(":Typed b: 'embedding' is STRING"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> reader.readVectors("Mixed", "id", "embedding", 10, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("dimension 1 != 2"), e.getMessage());
    e = assertThrows(InvalidInputException.class,
        () -> reader.readVectors("Item", "id", "bad-name", 10, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("not a plain identifier"), e.getMessage());
  }

  @Test
  void writesBackInBatches() {
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (long i = 0; i < 250; i++) {
      keys.add(i);
      values.add("sid-" + i);
    }
    long n = new Neo4jPropertyWriter(conn, driver).write("Item", "id", "sid", keys, values, 64,
        ProgressListener.NONE);
    assertEquals(250, n);
    try (Session s = driver.session()) {
      assertEquals("sid-123", s.run("MATCH (n:Item {id: 123}) RETURN n.sid AS v").single().get("v").asString());
    }
  }

  @Test
  void failedWriteBackLeavesNothingBehind() {
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (long i = 0; i < 200; i++) {
      keys.add(i == 150 ? 99999L : i); // an unknown node in the third batch of 64
      values.add("x" + i);
    }
    try (Session s = driver.session()) {
      s.run("MATCH (n:Item {id: 3}) SET n.tag = 'before'").consume();
    }
    var e = assertThrows(InvalidInputException.class, () -> new Neo4jPropertyWriter(conn, driver).write("Item",
        "id", "tag", keys, values, 64, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("batch 3"), e.getMessage());
    assertTrue(e.getMessage().contains("99999"), e.getMessage());
    assertTrue(e.getMessage().contains("2 batch(es) committed before it were restored"), e.getMessage());
    try (Session s = driver.session()) {
      Map<String, Object> r = s.run("MATCH (n:Item) WHERE n.tag IS NOT NULL RETURN count(n) AS c, "
          + "collect(n.tag) AS tags").single().asMap();
      assertEquals(1L, r.get("c"));
      assertEquals(List.of("before"), r.get("tags"));
    }
  }

  @Test
  void readsAGraphAndWritesTokensBack() {
    Neo4jGraphReader.Neo4jGraph read = new Neo4jGraphReader(conn, driver).read("Person", "name", 16,
        ProgressListener.NONE);
    io.distok.graph.csr.CsrGraph g = read.graph();
    assertEquals(60, read.keys().size());
    assertEquals(60, g.nodeCount());
    assertEquals(59 + 2, g.edgeCount(), "a tree plus two parallel KNOWS edges");
    var t = io.distok.graph.nodepiece.NodePieceTokenizer.tokenize(g,
        io.distok.graph.nodepiece.NodePieceConfig.DEFAULT.withAnchors(6).withK(3).withM(2), ProgressListener.NONE);
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (int v = 0; v < g.nodeCount(); v++) {
      keys.add(g.nodeName(v));
      values.add(t.tokens(v));
    }
    assertEquals(60, new Neo4jPropertyWriter(conn, driver).write("Person", "name", "tokens", keys, values, 25,
        ProgressListener.NONE));
    try (Session s = driver.session()) {
      List<Object> stored = s.run("MATCH (p:Person {name: 'p7'}) RETURN p.tokens AS t").single().get("t")
          .asList();
      assertEquals(t.tokens("p7"), stored);
    }
  }

  /** Integer id properties stay integers end to end, so write-back finds the nodes (a string key would not). */
  @Test
  void integerIdsKeepTheirTypeForWriteBack() {
    Neo4jGraphReader.Neo4jGraph read = new Neo4jGraphReader(conn, driver).read("Num", "id", 7, ProgressListener.NONE);
    io.distok.graph.csr.CsrGraph g = read.graph();
    assertEquals(40, g.nodeCount());
    for (int v = 0; v < g.nodeCount(); v++) {
      assertEquals(Long.class, read.keys().get(v).getClass(), "key of node " + g.nodeName(v));
      assertEquals(g.nodeName(v), read.keys().get(v).toString());
    }
    var t = io.distok.graph.nodepiece.NodePieceTokenizer.tokenize(g,
        io.distok.graph.nodepiece.NodePieceConfig.DEFAULT.withAnchors(4).withK(2).withM(1), ProgressListener.NONE);
    assertEquals(40, new io.distok.graph.sink.Neo4jTokenSink(conn, driver, "Num", "id", "tokens", read.keys(), 9)
        .write(t, ProgressListener.NONE));
    try (Session s = driver.session()) {
      assertEquals(40L, s.run("MATCH (n:Num) WHERE n.tokens IS NOT NULL RETURN count(n) AS c").single().get("c")
          .asLong());
      assertEquals(t.tokens("13"), s.run("MATCH (n:Num {id: 13}) RETURN n.tokens AS t").single().get("t").asList());
    }
  }

  @Test
  void failingQueryIsAClearError() {
    Neo4jConnection missingDb = new Neo4jConnection(neo4j.boltURI().toString(), null, null, "nosuchdb");
    var e = assertThrows(InvalidInputException.class, () -> new Neo4jGraphReader(missingDb, driver).read(null, "name",
        100, ProgressListener.NONE));
    assertTrue(e.getMessage().startsWith("Neo4j at " + neo4j.boltURI()), e.getMessage());
    assertTrue(e.getMessage().contains("nosuchdb"), e.getMessage());
  }

  @Test
  void unreachableServerIsAClearError() {
    var e = assertThrows(io.distok.util.UnavailableServiceException.class,
        () -> new Neo4jConnection("bolt://127.0.0.1:1", "neo4j", "x", null).open());
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
  }

  /** Names and attributes for prompts come from node properties; a node without them is shown by its id. */
  @Test
  void promptTextFromNodeProperties() {
    Neo4jGraphReader reader = new Neo4jGraphReader(conn, driver);
    Neo4jGraphReader.Neo4jGraph read = reader.read("Film", "id", 2, ProgressListener.NONE);
    io.distok.graph.prompt.NodeText text = reader.readText(read, "Film", "id", "title", List.of("year"), 2);
    io.distok.graph.csr.CsrGraph g = read.graph();
    assertEquals("Heat", text.name(g.node("f1")));
    assertEquals(Map.of("year", "1995"), text.attributes(g.node("f1")));
    assertEquals(null, text.name(g.node("p2")));
    String prompt = new io.distok.graph.prompt.GraphPrompter(g, null, text,
        io.distok.graph.prompt.RelationLabels.readable(g)).prompt("f1", io.distok.graph.prompt.PromptEncoding.TRIPLES,
        new io.distok.graph.prompt.GraphPrompter.Options(1, 10, 0));
    assertTrue(prompt.contains("Heat [f1]: year: 1995\n"), prompt);
    assertTrue(prompt.contains("(Michael Mann, DIRECTED, Heat)"), prompt);
    assertTrue(prompt.contains("(p2, ACTED_IN, Heat)"), prompt);
  }
}
