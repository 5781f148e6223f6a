package io.distok.graph.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.ProgressListener;
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
}
