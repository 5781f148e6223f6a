package io.distok.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.recsys.SemanticIdReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class SemanticIdExampleTest {
  @Test
  void printsIdsAndReport() {
    StringWriter s = new StringWriter();
    SemanticIdReport r = SemanticIdExample.run(new PrintWriter(s, true), 2000, 7);
    String out = s.toString();
    assertTrue(java.util.regex.Pattern.compile("sku-000000 -> <a_\\d+><b_\\d+><c_\\d+><d_\\d+>").matcher(out).find(),
        out);
    assertTrue(out.contains("a new item with the embedding of sku-000000 -> <a_"), out);
    assertEquals(0.0, r.finalCollisionRate(), 0.0);
  }
}
