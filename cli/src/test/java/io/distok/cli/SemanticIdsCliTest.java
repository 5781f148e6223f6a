package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.FloatMatrix;
import io.distok.testdata.SyntheticData;
import io.distok.quant.io.Npy;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemanticIdsCliTest {
  @TempDir
  Path dir;

  static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  private Path items(String name, int n, int from, long seed) throws IOException {
    FloatMatrix x = SyntheticData.gaussianClusters(n, 8, 10, 0.3, seed);
    StringBuilder sb = new StringBuilder("item,f0,f1,f2,f3,f4,f5,f6,f7\n");
    for (int i = 0; i < n; i++) {
      sb.append("i").append(from + i);
      for (int t = 0; t < 8; t++) {
        sb.append(',').append(x.get(i, t));
      }
      sb.append('\n');
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void fitReportAssignExport() throws IOException {
    Path in = items("items.csv", 500, 0, 1);
    Path model = dir.resolve("sid");
    CliTest.Run fit = run("semantic-ids", "fit", "--input", in.toString(), "--out", model.toString(),
        "--codebook-sizes", "8,8,8", "--niter", "5");
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("i0 -> <a_"), fit.out());
    Path json = dir.resolve("report.json");
    CliTest.Run rep = run("semantic-ids", "report", "--model", model.toString(), "--json", json.toString());
    assertEquals(0, rep.code(), rep.err());
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(json));
    assertTrue(doc.get("rawCollisionRate") instanceof Number, doc.toString());
    assertEquals(0.0, ((Number) doc.get("finalCollisionRate")).doubleValue(), 0.0);
    CliTest.Run recomputed = run("semantic-ids", "report", "--model", model.toString(), "--input", in.toString());
    assertEquals(0, recomputed.code(), recomputed.err());
    SemanticIdModel before = SemanticIdStore.load(model);
    Path more = items("more.csv", 20, 500, 2);
    Path idsOut = dir.resolve("new-ids.tsv");
    CliTest.Run assign = run("semantic-ids", "assign", "--model", model.toString(), "--input", more.toString(),
        "--ids-out", idsOut.toString());
    assertEquals(0, assign.code(), assign.err());
    assertTrue(assign.out().contains("20 new"), assign.out());
    SemanticIdModel after = SemanticIdStore.load(model);
    assertEquals(520, after.size());
    for (String id : before.items()) {
      assertEquals(before.tokens(id), after.tokens(id));
    }
    List<String> idLines = Files.readAllLines(idsOut);
    assertEquals(21, idLines.size(), "a header and one line per new item");
    assertEquals("item\ttokens", idLines.get(0));
    assertTrue(assign.out().contains("updated the model in place"), assign.out());
    CliTest.Run report = run("semantic-ids", "report", "--model", model.toString());
    assertTrue(report.out().startsWith("items 520,"), "the report describes the model as it is now: " + report.out());
    Path export = dir.resolve("export");
    assertEquals(0, run("semantic-ids", "export", "--model", model.toString(), "--out", export.toString()).code());
    assertEquals(8 + 8 + 8 + 256, Files.readAllLines(export.resolve("vocabulary.txt")).size());
    assertEquals(521, Files.readAllLines(export.resolve("item2id.tsv")).size());
  }

  @Test
  void defaultsAreTheDefaultRecipe() throws IOException {
    Path npy = dir.resolve("x.npy");
    Npy.write(npy, SyntheticData.gaussianClusters(300, 4, 6, 0.3, 3));
    Path model = dir.resolve("sid");
    CliTest.Run fit = run("semantic-ids", "fit", "--input", npy.toString(), "--out", model.toString());
    assertEquals(0, fit.code(), fit.err());
    SemanticIdModel m = SemanticIdStore.load(model);
    assertEquals(List.of(256, 256, 256), java.util.Arrays.stream(m.config().codebookSizes()).boxed().toList());
    assertTrue(m.config().balanced() && m.config().normalize());
    assertEquals(4, m.codes("0").length);
    assertTrue(fit.out().contains("levels chosen from the catalogue size (K^L >= 64 items, K at most the item "
        + "count): 3 levels, codebook sizes 256,256,256"), fit.out());
    assertTrue(Files.readString(model.resolve("report.json")).contains("\"levelChoice\""), "the choice is reported");
  }

  @Test
  void badInputsFailCleanly() throws IOException {
    Path dup = dir.resolve("dup.csv");
    Files.writeString(dup, "a,1,2\nb,3,4\na,5,6\n");
    Path model = dir.resolve("sid");
    CliTest.Run r = run("semantic-ids", "fit", "--input", dup.toString(), "--out", model.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("duplicate item id 'a'"), r.err());
    assertFalse(Files.exists(model));
    Path mixed = dir.resolve("mixed.csv");
    Files.writeString(mixed, "a,1,2\nb,3\n");
    r = run("semantic-ids", "fit", "--input", mixed.toString(), "--out", model.toString());
    assertTrue(r.err().contains("line 2: dimension 1 != 2"), r.err());
    r = run("semantic-ids", "fit", "--neo4j-uri", "bolt://127.0.0.1:1", "--neo4j-password", "x", "--out",
        model.toString());
    assertEquals(DistokCommand.EXIT_UNAVAILABLE, r.code());
    assertTrue(r.err().contains("unreachable"), r.err());
    assertFalse(Files.exists(model));
    r = run("semantic-ids", "fit", "--out", model.toString());
    assertTrue(r.err().contains("exactly one item source"), r.err());
  }

  @Test
  void helpOnEverySemanticIdCommand() {
    for (String sub : new String[] {"fit", "assign", "report", "export"}) {
      CliTest.Run r = run("semantic-ids", sub, "--help");
      assertEquals(0, r.code(), sub);
      assertTrue(r.out().contains("Usage:"), sub);
    }
  }
}
