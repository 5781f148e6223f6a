package io.distok.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.lucene.search.ItemSearcher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenSearchExampleTest {
  @Test
  void runsEverySearchModeOnRealIndexes() throws Exception {
    Path dir = Path.of("target", "indexes", "example-" + System.nanoTime());
    StringWriter s = new StringWriter();
    List<ItemSearcher.Hit> nearest = TokenSearchExample.run(new PrintWriter(s, true), dir, 7);
    String out = s.toString();
    assertEquals("sku-00007", nearest.get(0).id(), "an item is its own nearest neighbour: " + out);
    assertTrue(out.contains("-- resolved (exact)"), out);
    assertTrue(out.contains("added [sku-new] with ID <a_"), out);
    assertTrue(out.contains("-- nodes like an unseen node"), out);
    // its own codes are the nearest codes to a vector (PQ encodes to the nearest codeword of every sub-space)
    assertTrue(out.lines().anyMatch(l -> l.startsWith("-- nearest PQ codes to the vector of sku-00007, price < 30: [")
        && l.contains("sku-00007")), out);
    assertTrue(Files.isDirectory(dir.resolve("items")) && Files.isDirectory(dir.resolve("nodes")));
  }
}
