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
    return items(dir, name, n, from, seed);
  }

  /** A CSV of n generated 8-d items named i{from}, i{from+1}, ... with a header, written into {@code dir}. */
  static Path items(Path dir, String name, int n, int from, long seed) throws IOException {
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

  /** The RQ-VAE recipe through the CLI: fitted, saved with its encoder, reloaded, new items assigned stably. */
  @Test
  void rqVaeRecipeFitsAssignsAndReloads() throws IOException {
    Path in = items("items.csv", 400, 0, 4);
    Path model = dir.resolve("sid-vae");
    CliTest.Run fit = run("semantic-ids", "fit", "--recipe", "rq-vae", "--input", in.toString(), "--out",
        model.toString(), "--codebook-sizes", "8,8", "--hidden", "16", "--epochs", "5", "--train-batch-size", "64");
    assertEquals(0, fit.code(), fit.err());
    SemanticIdModel m = SemanticIdStore.load(model);
    assertEquals("rq-vae", m.config().recipe());
    assertTrue(m.encoder() != null && m.config().rqVae().hidden() == 16 && m.config().rqVae().epochs() == 5);
    Path more = items("more.csv", 10, 400, 5);
    Path first = dir.resolve("first.tsv");
    Path copy = dir.resolve("sid-copy");
    CliTest.Run cp = run("semantic-ids", "assign", "--model", model.toString(), "--input", more.toString(),
        "--ids-out", first.toString(), "--out", copy.toString());
    assertEquals(0, cp.code(), cp.err());
    Path second = dir.resolve("second.tsv");
    CliTest.Run again = run("semantic-ids", "assign", "--model", model.toString(), "--input", more.toString(),
        "--ids-out", second.toString(), "--out", dir.resolve("sid-copy2").toString());
    assertEquals(0, again.code(), again.err());
    assertEquals(Files.readAllLines(first), Files.readAllLines(second), "new items get the same IDs every time");
    Path export = dir.resolve("vae-export");
    CliTest.Run ex = run("semantic-ids", "export", "--model", model.toString(), "--out", export.toString());
    assertEquals(0, ex.code(), ex.err());
    assertEquals(8 + 8 + 256, Files.readAllLines(export.resolve("vocabulary.txt")).size());
    assertEquals(401, Files.readAllLines(export.resolve("item2id.tsv")).size());
    CliTest.Run rep = run("semantic-ids", "report", "--model", model.toString(), "--input", in.toString());
    assertEquals(0, rep.code(), rep.err());
    CliTest.Run bad = run("semantic-ids", "fit", "--recipe", "vae", "--input", in.toString(), "--out",
        dir.resolve("x").toString());
    assertEquals(DistokCommand.EXIT_USAGE, bad.code());
    assertTrue(bad.err().contains("rq-kmeans or rq-vae"), bad.err());
    CliTest.Run help = run("semantic-ids", "fit", "--help");
    assertTrue(help.out().contains("--recipe") && help.out().contains("--learning-rate"), help.out());
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

  /**
   * An .npy file is assigned in blocks as it is read; the ids written are the model's, the fitted rows keep
   * their IDs, and ids from --ids name the rows.
   */
  @Test
  void assignStreamsNpyFilesInBlocks() throws IOException {
    Path fitted = dir.resolve("fit.npy");
    FloatMatrix all = SyntheticData.gaussianClusters(1200, 6, 12, 0.3, 4);
    Npy.write(fitted, all.selectRows(java.util.stream.IntStream.range(0, 800).toArray()));
    Path model = dir.resolve("sid");
    assertEquals(0, run("semantic-ids", "fit", "--input", fitted.toString(), "--out", model.toString(),
        "--codebook-sizes", "16,16,16", "--niter", "5").code());
    SemanticIdModel before = SemanticIdStore.load(model);
    Path whole = dir.resolve("all.npy");
    Npy.write(whole, all);
    Path idsOut = dir.resolve("all-ids.tsv");
    Path grown = dir.resolve("grown");
    CliTest.Run assign = run("semantic-ids", "assign", "--model", model.toString(), "--input", whole.toString(),
        "--ids-out", idsOut.toString(), "--out", grown.toString());
    assertEquals(0, assign.code(), assign.err());
    assertTrue(assign.out().contains("1200 items streamed from " + whole + " in blocks of 65536, 400 new"),
        assign.out());
    List<String> lines = Files.readAllLines(idsOut);
    assertEquals(1201, lines.size(), "a header and one line per row, in row order");
    SemanticIdModel after = SemanticIdStore.load(grown);
    SemanticIdModel expected = before.assign(io.distok.recsys.ItemEmbeddings.numberedFrom(800,
        all.selectRows(java.util.stream.IntStream.range(800, 1200).toArray()))).model();
    for (int i = 0; i < 1200; i++) {
      String id = Integer.toString(i);
      assertEquals(id + "\t" + after.tokens(id), lines.get(i + 1));
      assertEquals(expected.tokens(id), after.tokens(id), "row " + i);
      if (i < 800) {
        assertEquals(before.tokens(id), after.tokens(id), "fitted rows keep their IDs");
      }
    }
    assertEquals(800, SemanticIdStore.load(model).size(), "--out leaves the input model alone");
    Path names = dir.resolve("names.txt");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1199; i++) {
      sb.append("sku").append(i).append('\n');
    }
    Files.writeString(names, sb);
    CliTest.Run short1 = run("semantic-ids", "assign", "--model", model.toString(), "--input", whole.toString(),
        "--ids", names.toString(), "--out", dir.resolve("named").toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, short1.code());
    assertTrue(short1.err().contains("has more rows than the 1199 ids given"), short1.err());
    assertFalse(Files.exists(dir.resolve("named")), "no half-written model");
  }

  /** bench generate writes, block by block, exactly the rows of the in-memory generator. */
  @Test
  void benchGenerateWritesTheGeneratedCatalogue() throws IOException {
    Path f = dir.resolve("gen.npy");
    // more rows than one block of the writer (16384 rows of 64), and a row count no block size divides
    CliTest.Run gen = run("bench", "generate", "--items", "40001", "--clusters", "50", "--out", f.toString());
    assertEquals(0, gen.code(), gen.err());
    FloatMatrix expected = SyntheticData.gaussianClusters(40001, 64, 50, 0.3, 3);
    assertTrue(java.util.Arrays.equals(expected.data(), Npy.readFloats(f).data()));
    assertEquals(DistokCommand.EXIT_USAGE, run("bench", "generate", "--items", "0", "--out", f.toString()).code());
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
