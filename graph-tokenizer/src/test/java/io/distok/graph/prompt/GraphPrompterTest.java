package io.distok.graph.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.ProgressListener;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphPrompterTest {
  static CsrGraph kg() {
    CsrGraph.Builder b = new CsrGraph.Builder();
    b.addEdge("alice", "works_at", "acme").addEdge("bob", "works_at", "acme").addEdge("alice", "knows", "bob")
        .addEdge("acme", "located_in", "paris").addEdge("paris", "capital_of", "france")
        .addEdge("carol", "lives_in", "paris");
    return b.build();
  }

  @Test
  void triplesFocalFirstWithExplicitDirection() {
    GraphPrompter p = new GraphPrompter(kg(), null);
    String text = p.prompt("alice", PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 50, 0));
    String[] lines = text.split("\n");
    assertTrue(lines[0].contains("around alice"), text);
    assertTrue(lines[0].contains("directed from head to tail"), text);
    assertTrue(lines[1].startsWith("(alice, "), "edges touching the focal node come first: " + text);
    assertTrue(text.contains("(alice, works_at, acme)"), text);
    assertTrue(!text.contains("paris"), "radius 1 stops before paris: " + text);
    assertEquals(text, p.prompt("alice", PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 50, 0)));
  }

  @Test
  void budgetTrimsTheLeastRelevantEdgesFirst() {
    GraphPrompter p = new GraphPrompter(kg(), null);
    String full = p.prompt("acme", PromptEncoding.TRIPLES, new GraphPrompter.Options(3, 50, 0));
    assertTrue(full.length() > 200, "the full prompt must not fit for this test: " + full.length());
    GraphPrompter.Options fiftyTokens = GraphPrompter.Options.withTokenBudget(3, 50, 50);
    String cut = p.prompt("acme", PromptEncoding.TRIPLES, fiftyTokens);
    assertTrue(cut.length() <= 200, "50 approximate tokens are 200 characters: " + cut.length() + ": " + cut);
    assertTrue(cut.endsWith(" less relevant edges omitted for length)\n"), cut);
    assertTrue(cut.contains("(acme, located_in, paris)"), "a focal edge survives: " + cut);
    assertTrue(full.contains("(paris, capital_of, france)"));
    assertTrue(!cut.contains("capital_of"), "the farthest edge goes first: " + cut);
    int kept = cut.split("\n").length - 2;
    int dropped = Integer.parseInt(cut.substring(cut.lastIndexOf('(') + 1, cut.indexOf(" less relevant")));
    assertEquals(full.split("\n").length - 1, kept + dropped, "the note counts exactly the edges left out");
    String longer = p.prompt("acme", PromptEncoding.TRIPLES, new GraphPrompter.Options(3, 50, cut.length() + 30));
    assertTrue(longer.length() >= cut.length(), "a larger budget keeps at least as much");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> p.prompt("acme", PromptEncoding.TRIPLES, new GraphPrompter.Options(3, 50, 100)));
    assertTrue(e.getMessage().contains("too small"), e.getMessage());
  }

  @Test
  void incidentAndTokenEncodings() {
    CsrGraph g = kg();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(2).withK(2).withM(2),
        ProgressListener.NONE);
    GraphPrompter p = new GraphPrompter(g, t);
    String inc = p.prompt("bob", PromptEncoding.INCIDENT, new GraphPrompter.Options(1, 50, 0));
    assertTrue(inc.split("\n")[1].equals("bob:"), "focal node first: " + inc);
    assertTrue(inc.contains("\n  -[works_at]-> acme\n"), inc);
    assertTrue(inc.contains("\n  <-[knows]- alice\n"), inc);
    String tok = p.prompt("bob", PromptEncoding.TOKENS, new GraphPrompter.Options(1, 50, 0));
    assertTrue(tok.split("\n")[1].startsWith("bob: <anchor_"), tok);
  }

  static NodeText names(CsrGraph g) {
    return new NodeText.Builder().name(g.node("alice"), "Alice Smith").description(g.node("alice"), "engineer")
        .attribute(g.node("alice"), "born", "1990").name(g.node("acme"), "Acme Corp").name(g.node("bob"), "Bob")
        .build();
  }

  @Test
  void namesAttributesAndIdsForGrounding() {
    CsrGraph g = kg();
    GraphPrompter p = new GraphPrompter(g, null, names(g), RelationLabels.readable(g));
    String text = p.prompt("alice", PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 50, 0));
    assertTrue(text.startsWith("Graph around Alice Smith [alice] (3 nodes within 1 hop)."), text);
    assertTrue(text.contains("\nNodes:\nAlice Smith [alice]: engineer; born: 1990\n"), text);
    assertTrue(text.contains("\nAcme Corp [acme]\n"), "every named node is listed with its id: " + text);
    assertTrue(text.contains("\n(Alice Smith, works_at, Acme Corp)\n"), "edges use the short names: " + text);
    String inc = p.prompt("alice", PromptEncoding.INCIDENT, new GraphPrompter.Options(1, 50, 0));
    assertTrue(inc.contains("\nAlice Smith [alice] (engineer; born: 1990):\n  -[works_at]-> Acme Corp\n"), inc);
    assertEquals("Alice Smith [alice]", p.display("alice"));
    assertEquals("paris", p.display("paris"));
    // two nodes of one name keep their ids in edges too
    NodeText same = new NodeText.Builder().name(g.node("alice"), "Sam").name(g.node("bob"), "Sam").build();
    String twins = new GraphPrompter(g, null, same, RelationLabels.readable(g)).prompt("alice",
        PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 50, 0));
    assertTrue(twins.contains("(Sam [alice], knows, Sam [bob])"), twins);
  }

  @Test
  void jsonEncodingIsOneParsableObject() throws Exception {
    CsrGraph g = kg();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(2).withK(2).withM(2),
        ProgressListener.NONE);
    GraphPrompter p = new GraphPrompter(g, t, names(g), RelationLabels.readable(g));
    String full = p.prompt("acme", PromptEncoding.JSON, new GraphPrompter.Options(2, 50, 0));
    Map<String, Object> doc = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(full);
    assertEquals("acme", doc.get("focal"));
    List<?> edges = (List<?>) doc.get("edges");
    assertEquals(0, doc.get("omitted_edges"));
    assertEquals(6, edges.size(), "every edge lies within 2 hops of acme: " + full);
    Map<?, ?> first = (Map<?, ?>) ((List<?>) doc.get("nodes")).get(0);
    assertEquals("acme", first.get("id"));
    assertEquals("Acme Corp", first.get("name"));
    assertEquals(t.tokens("acme"), first.get("tokens"));
    String cut = p.prompt("acme", PromptEncoding.JSON, new GraphPrompter.Options(2, 50, full.length() - 40));
    Map<String, Object> cutDoc = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(cut);
    assertEquals(6, ((List<?>) cutDoc.get("edges")).size() + ((Number) cutDoc.get("omitted_edges")).intValue());
    assertTrue(((Number) cutDoc.get("omitted_edges")).intValue() > 0, cut);
  }

  /**
   * PPR prefers the neighbour tied to the focal node by many paths over a leaf that sorts first by name;
   * breadth-first order keeps the leaf.
   */
  @Test
  void personalizedPageRankKeepsTheBestConnectedNeighbours() {
    CsrGraph.Builder b = new CsrGraph.Builder();
    b.addEdge("f", "r", "a_leaf").addEdge("f", "r", "hub");
    for (int i = 0; i < 6; i++) {
      b.addEdge("f", "r", "m" + i).addEdge("m" + i, "r", "hub").addEdge("hub", "s", "m" + i);
    }
    CsrGraph g = b.build();
    GraphPrompter p = new GraphPrompter(g, null);
    GraphPrompter.Options threeNodes = new GraphPrompter.Options(1, 3, 0);
    String ppr = p.prompt("f", PromptEncoding.TRIPLES, threeNodes);
    assertTrue(ppr.contains("(f, r, hub)"), ppr);
    assertTrue(!ppr.contains("a_leaf"), "the leaf has the lowest score: " + ppr);
    String hops = p.prompt("f", PromptEncoding.TRIPLES, threeNodes.withRanking(GraphPrompter.Ranking.HOPS));
    assertTrue(hops.contains("a_leaf"), "breadth-first by name reaches the leaf first: " + hops);
    GraphPrompter.Prompt r = p.render("f", PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 50, 0));
    assertEquals(r.unitsTotal(), r.unitsKept());
    assertEquals(g.degree(g.node("f")), r.focalEdgesKept());
    assertEquals(g.degree(g.node("f")), r.focalEdgesTotal());
  }

  @Test
  void readableRelationLabelsStayDistinct() {
    assertEquals("film_release_region", RelationLabels.readable(
        "/film/film/release_date_s./film/film_regional_release_date/film_release_region"));
    assertEquals("hypernym", RelationLabels.readable("_hypernym"));
    assertEquals("works_at", RelationLabels.readable("works_at"));
    assertEquals("///", RelationLabels.readable("///"));
    CsrGraph g = new CsrGraph.Builder().addEdge("a", "/x/medal/olympics", "b").addEdge("a", "/y/team/olympics", "c")
        .addEdge("a", "/z/nationality", "d").build();
    RelationLabels l = RelationLabels.readable(g);
    java.util.Set<String> labels = new java.util.TreeSet<>();
    for (int r = 0; r < g.relationCount(); r++) {
      labels.add(l.label(r));
    }
    assertEquals(java.util.Set.of("medal/olympics", "team/olympics", "nationality"), labels);
  }

  @Test
  void mappingFilesAreReadWithClearErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    CsrGraph g = kg();
    java.nio.file.Path names = dir.resolve("names.tsv");
    java.nio.file.Files.writeString(names, "# id name description\nalice\tAlice\tan engineer\r\nbob\tBob\n"
        + "zed\tNot in this graph\n");
    NodeText t = NodeText.readFile(names, g);
    assertEquals("Alice", t.name(g.node("alice")));
    assertEquals("an engineer", t.description(g.node("alice")));
    assertEquals(2, t.namedNodes());
    java.nio.file.Files.writeString(names, "alice\tAlice\nalice\tAgain\n");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> NodeText.readFile(names, g));
    assertTrue(e.getMessage().contains(names + ", line 2") && e.getMessage().contains("named before"),
        e.getMessage());
    java.nio.file.Files.writeString(names, "alice\n");
    e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> NodeText.readFile(names, g));
    assertTrue(e.getMessage().contains("line 1: expected id<TAB>name"), e.getMessage());
    java.nio.file.Path rel = dir.resolve("relations.tsv");
    java.nio.file.Files.writeString(rel, "works_at\tis employed by\n");
    assertEquals("is employed by", RelationLabels.readFile(rel, g).label(g.relationNames().indexOf("works_at")));
    java.nio.file.Files.writeString(rel, "works_at\n");
    e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> RelationLabels.readFile(rel, g));
    assertTrue(e.getMessage().contains(rel + ", line 1"), e.getMessage());
  }

  @Test
  void templateFillsAndKeepsTheWholeWithinBudget() {
    CsrGraph g = kg();
    GraphPrompter p = new GraphPrompter(g, null, names(g), RelationLabels.readable(g));
    PromptTemplate tpl = new PromptTemplate("Task: {question}\nNode: {node}\n{graph}Answer:", "What does {node} do?");
    GraphPrompter.Prompt full = tpl.apply(p, "alice", PromptEncoding.TRIPLES, new GraphPrompter.Options(2, 50, 0));
    assertTrue(full.text().startsWith("Task: What does Alice Smith [alice] do?\nNode: Alice Smith [alice]\n"
        + "Graph around"), full.text());
    assertTrue(full.text().endsWith(")\nAnswer:"), full.text());
    int budget = full.text().length() - 30;
    GraphPrompter.Prompt cut = tpl.apply(p, "alice", PromptEncoding.TRIPLES, new GraphPrompter.Options(2, 50,
        budget));
    assertTrue(cut.text().length() <= budget && cut.count() == cut.text().length(), cut.text());
    assertTrue(cut.text().endsWith("omitted for length)\nAnswer:"), cut.text());
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> new PromptTemplate("no graph here", ""));
    assertTrue(e.getMessage().contains("{graph}"), e.getMessage());
  }

  /** Batch files are the same whatever the thread count, carry labels, and name a bad node list's line. */
  @Test
  void batchIsDeterministicAndLabelled(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    CsrGraph.Builder b = new CsrGraph.Builder();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    for (int e = 0; e < 3000; e++) {
      b.addEdge("n" + rng.nextInt(1500), "r" + rng.nextInt(4), "n" + rng.nextInt(1500));
    }
    CsrGraph g = b.build();
    List<String> all = new java.util.ArrayList<>();
    for (int v = 0; v < g.nodeCount(); v++) {
      all.add(g.nodeName(v));
    }
    java.nio.file.Path labels = dir.resolve("labels.tsv");
    java.nio.file.Files.writeString(labels, "n1\tclass_a\nn2\t-1\n");
    Map<String, String> labelMap = PromptBatch.readLabels(labels);
    GraphPrompter p = new GraphPrompter(g, null);
    GraphPrompter.Options o = new GraphPrompter.Options(2, 20, 600);
    java.nio.file.Path one = dir.resolve("one.jsonl");
    java.nio.file.Path two = dir.resolve("two.jsonl");
    PromptBatch.Summary s1 = io.distok.util.Parallel.withThreads(1, () -> write(p, all, labelMap, o, one));
    PromptBatch.Summary s2 = io.distok.util.Parallel.withThreads(2, () -> write(p, all, labelMap, o, two));
    assertEquals(java.nio.file.Files.readString(one), java.nio.file.Files.readString(two));
    assertEquals(s1, s2);
    assertEquals(g.nodeCount(), s1.prompts());
    assertTrue(s1.maxCount() <= 600, "max " + s1.maxCount());
    List<String> lines = java.nio.file.Files.readAllLines(one);
    assertEquals(g.nodeCount(), lines.size());
    for (String line : lines) {
      Map<String, Object> rec = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(line);
      assertEquals(((String) rec.get("prompt")).length(), ((Number) rec.get("count")).intValue());
      assertEquals(rec.get("node").equals("n1") ? "class_a" : null, rec.get("label"), line);
    }
    java.nio.file.Path list = dir.resolve("nodes.txt");
    java.nio.file.Files.writeString(list, "n1\n\nnobody\n");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> PromptBatch.readNodes(list, g));
    assertTrue(e.getMessage().contains(list + ", line 3: node 'nobody'"), e.getMessage());
  }

  private static PromptBatch.Summary write(GraphPrompter p, List<String> nodes, Map<String, String> labels,
      GraphPrompter.Options o, java.nio.file.Path out) {
    try {
      return PromptBatch.write(p, PromptTemplate.GRAPH_ONLY, nodes, labels, PromptEncoding.TRIPLES, o, out,
          ProgressListener.NONE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void openAiEncodingCountsRealTokens() {
    TokenCounter c = TiktokenCounter.forName("cl100k_base").orElseThrow();
    assertEquals(2, c.count("hello world"), "cl100k_base encodes 'hello world' as [15339, 1917]");
    assertEquals("cl100k_base tokens", c.unit());
    assertTrue(TiktokenCounter.forName("no_such_encoding").isEmpty());
    assertTrue(c.count("<|endoftext|>") > 1, "special-token text is counted as ordinary text");
  }

  /** A HuggingFace tokenizer.json written here (a word-level model) counts one token per known word. */
  @Test
  void huggingFaceTokenizerJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path json = dir.resolve("tokenizer.json");
    java.nio.file.Files.writeString(json, """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [
          {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
           "normalized": false, "special": true}],
         "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
         "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, "graph": 1, "around": 2, "alice": 3},
                   "unk_token": "[UNK]"}}
        """);
    try (HuggingFaceTokenCounter c = HuggingFaceTokenCounter.load(dir)) {
      assertEquals(3, c.count("graph around alice"));
      assertEquals(5, c.count("graph around bob , alice"), "unknown words and punctuation count too");
      CsrGraph g = kg();
      GraphPrompter.Prompt r = new GraphPrompter(g, null).render("alice", PromptEncoding.TRIPLES,
          new GraphPrompter.Options(2, 50, 40, c, GraphPrompter.Ranking.PPR));
      assertTrue(r.count() <= 40 && r.count() == c.count(r.text()), r.count() + ": " + r.text());
    }
    java.nio.file.Files.writeString(json, "{not json");
    var e = org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> HuggingFaceTokenCounter.load(json));
    assertTrue(e.getMessage().startsWith(json + ": not a tokenizer"), e.getMessage());
  }
}
