package io.distok.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.nodepiece.NodeTokenization;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class GraphPromptExampleTest {
  @Test
  void printsTokensAndPromptsInEveryEncoding() {
    StringWriter s = new StringWriter();
    NodeTokenization t = GraphPromptExample.run(new PrintWriter(s, true), 1500, 3);
    String out = s.toString();
    assertEquals(1500, t.graph().nodeCount());
    assertTrue(out.contains("e42 -> " + String.join(" ", t.tokens("e42"))), "e42's own tokens " + t.tokens("e42")
        + " are printed: " + out);
    String name = io.distok.testdata.SyntheticGraphs.displayName("e42");
    assertTrue(out.contains("\n" + name + " [e42]: " + String.join(" ", t.tokens("e42")) + "\n"),
        "the tokens prompt carries them, with the vertex's name: " + out);
    assertTrue(out.contains("--- prompt, triples encoding"), out);
    assertTrue(out.contains("--- prompt, incident encoding"), out);
    assertTrue(out.contains("--- prompt, tokens encoding"), out);
    assertTrue(out.contains("--- prompt, json encoding"), out);
    assertTrue(out.contains("\n" + name + " [e42]: a " + io.distok.testdata.SyntheticGraphs.kind("e42") + "\n"),
        "the node list gives name, id and the description from the vertex function: " + out);
  }
}
