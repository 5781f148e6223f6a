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
    assertTrue(out.contains("\ne42: " + String.join(" ", t.tokens("e42")) + "\n"), "the tokens prompt carries them: "
        + out);
    assertTrue(out.contains("--- prompt, triples encoding"), out);
    assertTrue(out.contains("--- prompt, incident encoding"), out);
    assertTrue(out.contains("--- prompt, tokens encoding"), out);
    assertTrue(out.contains("(e42, r"), out);
  }
}
