package io.distok.lucene.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.lucene.search.ItemSearcher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;

/** A child JVM indexing in a loop is killed (SIGKILL) mid-run: the last commit stays whole and usable. */
class InterruptedIndexingTest {

  @Test
  void killingTheIndexerLeavesTheLastCommitIntact() throws Exception {
    Path dir = Path.of("target", "indexes", "killed-" + System.nanoTime()).toAbsolutePath();
    Files.createDirectories(dir.getParent());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        IndexingChild.class.getName(), dir.toString()).redirectErrorStream(true).start();
    int lastSeen = 0;
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith("committed ")) {
          lastSeen = Integer.parseInt(line.substring("committed ".length()));
          if (lastSeen >= 3 * IndexingChild.BATCH) {
            // in the middle of the next batch or its commit
            Thread.sleep(15);
            child.destroyForcibly();
            break;
          }
        }
      }
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    assertTrue(lastSeen >= 3 * IndexingChild.BATCH, "the child committed three batches:\n" + output);
    try (FSDirectory d = FSDirectory.open(dir); CheckIndex check = new CheckIndex(d)) {
      assertTrue(check.checkIndex().clean, "the index checks clean after the kill");
    }
    try (ItemSearcher s = ItemSearcher.open(dir, IndexingChild.model(), "child model")) {
      int n = s.size();
      assertEquals(0, n % IndexingChild.BATCH, "only whole commits are visible: " + n);
      assertTrue(n >= lastSeen, n + " < " + lastSeen + " committed before the kill");
    }
    // the killed writer's lock is gone with its process: a new writer opens and adds on top
    io.distok.recsys.SemanticIdModel model = IndexingChild.model();
    try (ItemIndexWriter w = ItemIndexWriter.open(dir, model, true, "child model")) {
      w.put(io.distok.recsys.ItemEmbeddings.numbered(io.distok.testdata.SyntheticData.gaussianClusters(5, 8, 2,
          0.3, 1)), Map.of(), "none");
      w.commit();
    }
    try (ItemSearcher s = ItemSearcher.open(dir, model, "child model")) {
      assertEquals(0, (s.size() - 5) % IndexingChild.BATCH);
      assertEquals(List.of("0"), s.underPrefix(model.tokens("0"), 5, null).stream().map(ItemSearcher.Hit::id)
          .toList());
    }
  }
}
