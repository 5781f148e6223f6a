package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.spark.DistokSpark;
import io.distok.testdata.SyntheticGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `distok spark ...` gives the single-machine commands' tokens and IDs, and refuses bad input in words. */
class SparkCliTest {
  @TempDir
  Path dir;

  /** The rows of a Parquet output, read by a session of the test's own (each command stops its own). */
  private static List<Row> parquet(Path p) {
    SparkSession s = DistokSpark.session("local[1]", "distok-cli-test", Map.of());
    try {
      return s.read().parquet(p.toString()).collectAsList();
    } finally {
      s.stop();
    }
  }

  @Test
  void graphTokenizeMatchesGraphTokenize() throws IOException {
    StringBuilder sb = new StringBuilder("# generated\n");
    SyntheticGraphs.generate(500, 2000, 5, 9, (h, r, t) -> sb.append('e').append(h).append("\tr").append(r)
        .append("\te").append(t).append('\n'));
    Path kg = Files.writeString(dir.resolve("kg.tsv"), sb);
    Path single = dir.resolve("tokens.jsonl");
    CliTest.Run one = CliTest.run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "30", "--k", "5",
        "--out", single.toString());
    assertEquals(0, one.code(), one.err());
    Path out = dir.resolve("spark-tokens");
    CliTest.Run spark = CliTest.run("spark", "graph-tokenize", "--master", "local[2]", "--partitions", "3",
        "--triples", kg.toString(), "--anchors", "30", "--k", "5", "--out", out.toString());
    assertEquals(0, spark.code(), spark.err());
    assertTrue(spark.out().contains("tokenized (30 anchors, k 5"), spark.out());
    Map<String, List<Object>> expected = new HashMap<>();
    for (String line : Files.readAllLines(single)) {
      Map<String, Object> m = JSON.std.mapFrom(line);
      expected.put((String) m.get("node"), List.copyOf((List<?>) m.get("tokens")));
    }
    List<Row> rows = parquet(out.resolve("tokens"));
    assertEquals(expected.size(), rows.size());
    for (Row r : rows) {
      assertEquals(expected.get(r.getString(0)), List.copyOf(r.getList(r.fieldIndex("tokens"))), r.getString(0));
    }
    CliTest.Run neither = CliTest.run("spark", "graph-tokenize", "--out", out.toString());
    assertEquals(DistokCommand.EXIT_USAGE, neither.code());
    assertTrue(neither.err().contains("give the graph as one of --triples FILE or --edges FILE"), neither.err());
  }

  @Test
  void semanticIdsMatchTheSampledFitAndBadInputIsNamed() throws IOException {
    Path in = SemanticIdsCliTest.items(dir, "items.csv", 600, 0, 3);
    Path model = dir.resolve("model");
    CliTest.Run one = CliTest.run("semantic-ids", "fit", "--input", in.toString(), "--out", model.toString(),
        "--codebook-sizes", "8,8,4", "--fit-sample", "250");
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("fitted on a sample of 250 items, the other 350 assigned"), one.out());
    Path out = dir.resolve("spark-ids");
    CliTest.Run spark = CliTest.run("spark", "semantic-ids", "--master", "local[2]", "--input", in.toString(),
        "--out", out.toString(), "--codebook-sizes", "8,8,4", "--fit-sample", "250");
    assertEquals(0, spark.code(), spark.err());
    SemanticIdModel m = SemanticIdStore.load(model);
    List<Row> rows = parquet(out.resolve("ids"));
    assertEquals(600, rows.size());
    for (Row r : rows) {
      assertEquals(m.tokens(r.getString(0)), r.getString(3), r.getString(0));
    }
    assertEquals(250, SemanticIdStore.load(out.resolve("model")).size());

    Files.writeString(dir.resolve("ragged.csv"), "item,a,b\nx,1,2\ny,1\n");
    CliTest.Run bad = CliTest.run("spark", "semantic-ids", "--input", dir.resolve("ragged.csv").toString(), "--out",
        dir.resolve("never").toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, bad.code(), bad.err());
    assertTrue(bad.err().startsWith("distok: error: ") && bad.err().contains("ragged.csv"), bad.err());
    assertTrue(Files.notExists(dir.resolve("never")));
    CliTest.Run missing = CliTest.run("spark", "semantic-ids", "--input", dir.resolve("nope.parquet").toString(),
        "--out", dir.resolve("never").toString());
    assertEquals(DistokCommand.EXIT_IO, missing.code(), missing.err());
    assertTrue(missing.err().contains("nope.parquet: no such file or folder"), missing.err());
  }
}
