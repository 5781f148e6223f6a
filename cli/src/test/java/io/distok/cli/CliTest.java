package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.quant.Quantizer;
import io.distok.testdata.SyntheticData;
import io.distok.quant.io.ModelStore;
import io.distok.quant.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  @TempDir
  Path dir;

  /** Exit code, standard output and standard error of one run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DistokCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private Path csv(String name, FloatMatrix m, boolean ids) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < m.rows(); i++) {
      if (ids) {
        sb.append("item").append(i).append(',');
      }
      for (int t = 0; t < m.cols(); t++) {
        sb.append(t == 0 ? "" : ",").append(m.get(i, t));
      }
      sb.append('\n');
    }
    Path f = dir.resolve(name);
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void fitEncodeEvalRoundTrip() throws IOException {
    FloatMatrix x = SyntheticData.gaussianClusters(600, 8, 12, 0.2, 3);
    Path in = csv("train.csv", x, true);
    Path model = dir.resolve("model");
    Run fit = run("quantize", "fit", "--method", "rq", "--K", "16", "--L", "2", "--input", in.toString(), "--out",
        model.toString(), "--threads", "2");
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("trained rq"), fit.out());
    Path codesFile = dir.resolve("codes.npy");
    Run enc = run("quantize", "encode", "--model", model.toString(), "--input", in.toString(), "--out",
        codesFile.toString());
    assertEquals(0, enc.code(), enc.err());
    Quantizer q = ModelStore.load(model);
    Codes codes = Npy.readCodes(codesFile);
    assertEquals(q.encode(x), codes);
    Path codesCsv = dir.resolve("codes.csv");
    assertEquals(0, run("quantize", "encode", "--model", model.toString(), "--input", in.toString(), "--out",
        codesCsv.toString()).code());
    List<String> lines = Files.readAllLines(codesCsv);
    assertEquals("id,c0,c1", lines.get(0));
    assertEquals("item5," + codes.get(5, 0) + "," + codes.get(5, 1), lines.get(6));
    Path json = dir.resolve("metrics.json");
    Run eval = run("quantize", "eval", "--model", model.toString(), "--input", in.toString(), "--json",
        json.toString());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("perplexity"), eval.out());
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(json));
    assertEquals("rq", doc.get("method"));
    assertEquals(600, ((Number) doc.get("rows")).intValue());
    assertTrue(((Number) doc.get("mse")).doubleValue() < ((Number) doc.get("variance")).doubleValue());
  }

  @Test
  void everyMethodFitsWithDefaults() throws IOException {
    Path in = dir.resolve("x.npy");
    Npy.write(in, SyntheticData.gaussianClusters(400, 16, 10, 0.3, 4));
    for (String method : new String[] {"vq", "rq", "pq"}) {
      Run r = run("quantize", "fit", "--method", method, "--input", in.toString(), "--out",
          dir.resolve(method).toString(), "--K", "8");
      assertEquals(0, r.code(), method + ": " + r.err());
      assertEquals(method, ModelStore.load(dir.resolve(method)).method());
    }
  }

  @Test
  void badInputIsOneClearLineAndNoOutput() throws IOException {
    Path in = dir.resolve("bad.csv");
    Files.writeString(in, "1,2,3\n4,5,6\n7,NaN,9\n");
    Path model = dir.resolve("model");
    Run r = run("quantize", "fit", "--method", "vq", "--K", "2", "--input", in.toString(), "--out",
        model.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("line 3, column 2: NaN"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    assertFalse(Files.exists(model));
  }

  @Test
  void encodingVectorsOfAnotherDimensionFails() throws IOException {
    Path train = dir.resolve("train.npy");
    Npy.write(train, SyntheticData.gaussianClusters(200, 4, 5, 0.3, 5));
    Path model = dir.resolve("model");
    assertEquals(0, run("quantize", "fit", "--method", "vq", "--K", "4", "--input", train.toString(), "--out",
        model.toString()).code());
    Path other = dir.resolve("other.npy");
    Npy.write(other, SyntheticData.gaussianClusters(10, 3, 2, 0.3, 5));
    Path out = dir.resolve("codes.npy");
    Run r = run("quantize", "encode", "--model", model.toString(), "--input", other.toString(), "--out",
        out.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("dimension 3 != 4"), r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void unknownMethodAndMissingModelAreClear() {
    Run r = run("quantize", "fit", "--method", "zz", "--input", "x.npy", "--out", dir.resolve("m").toString());
    assertEquals(DistokCommand.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("unknown quantizer method 'zz'; known: aq, bsq, fsq, lfq, pq, rq,"), r.err());
    assertTrue(r.err().contains("see 'distok quantize fit --help'"), r.err());
    r = run("quantize", "eval", "--model", dir.toString(), "--input", "x.npy");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("not a distok quantizer model"), r.err());
  }

  @Test
  void helpOnEveryCommand() {
    for (String[] cmd : new String[][] {{"--help"}, {"demo", "--help"}, {"quantize", "--help"},
        {"quantize", "fit", "--help"}, {"quantize", "encode", "--help"}, {"quantize", "eval", "--help"},
        {"bench", "--help"}, {"bench", "quantize", "--help"}, {"semantic-ids", "--help"}, {"bench", "semantic-ids", "--help"}, {"bench", "graph", "--help"}}) {
      Run r = run(cmd);
      assertEquals(0, r.code(), String.join(" ", cmd));
      assertTrue(r.out().contains("Usage:"), String.join(" ", cmd) + ": " + r.out());
    }
  }

  @Test
  void demoRunsOnGeneratedData() {
    Path index = dir.resolve("demo-index");
    Run r = run("demo", "--rows", "3000", "--dim", "16", "--items", "1500", "--nodes", "2000", "--index-dir",
        index.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("indexed 1500 items and 2000 nodes"), r.out());
    assertTrue(r.out().contains("resolved: longest valid prefix"), r.out());
    assertTrue(r.out().matches("(?s).*nearest to a vector near sku-000005[^\n]*\n   sku-000005 .*"),
        "the item the query vector came from is found first: " + r.out());
    assertTrue(Files.isDirectory(index.resolve("items")) && Files.isDirectory(index.resolve("nodes")));
    // a second run updates the same indexes (same model, same fingerprint)
    assertEquals(0, run("demo", "--rows", "3000", "--dim", "16", "--items", "1500", "--nodes", "2000",
        "--index-dir", index.toString()).code());
    assertTrue(r.out().contains("RQ 3x256 beam 1"), r.out());
    assertTrue(r.out().contains("sku-000000 -> <a_"), r.out());
    String name = io.distok.testdata.SyntheticGraphs.displayName("e42");
    assertTrue(r.out().contains("--- prompt for e42 (triples with names") && r.out().contains("\nGraph around "
        + name + " [e42] ") && r.out().contains("\n" + name + " [e42]: kind: "), r.out());
    assertTrue(r.out().contains("after policy 0.000%"), "every demo item gets its own ID: " + r.out());
  }

  @Test
  void benchRunsOnSmallGeneratedFiles() throws IOException {
    Path in = dir.resolve("x.npy");
    Npy.write(in, SyntheticData.gaussianClusters(1200, 16, 20, 0.3, 8));
    Path qjson = dir.resolve("q.json");
    Run q = run("bench", "quantize", "--data", in.toString(), "--rounds", "2", "--min-seconds", "0", "--K", "32",
        "--peak-millis", "0", "--json", qjson.toString());
    assertEquals(0, q.code(), q.err());
    assertTrue(q.out().contains("| RQ 3x32 beam 5 | faiss's settings: plain k-means 25 it, random seeding, trained "
        + "with beam 5"), q.out());
    // the reported VQ figures are the MSEs of the models the library trains with each row's parameters
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(qjson));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("methods");
    assertEquals(10, rows.size());
    FloatMatrix x = Npy.readFloats(in);
    // the RQ row with faiss's default training is the library's progressive-dimension RQ at those settings
    Map<String, Object> progressiveRow = rows.get(5);
    assertTrue(((String) progressiveRow.get("recipe")).startsWith("faiss's default: progressive-dim"),
        progressiveRow.toString());
    @SuppressWarnings("unchecked")
    List<Number> progressiveMses = (List<Number>) ((Map<String, Object>) progressiveRow.get("distok"))
        .get("mse_per_round");
    io.distok.quant.kmeans.KMeansParams progressive = new io.distok.quant.kmeans.KMeansParams(32, 10, 256, 0, false,
        10);
    for (int round = 0; round < 2; round++) {
      Quantizer rq = io.distok.quant.rq.ResidualQuantizer.trainer(new io.distok.quant.rq.ResidualQuantizerParams(
          new int[] {32, 32, 32}, progressive, 1, false, 0, 1)).train(x, 1234 + round,
          io.distok.util.ProgressListener.NONE);
      assertEquals(io.distok.quant.UsageMetrics.of(rq, x, rq.encode(x)).mse(), progressiveMses.get(round)
          .doubleValue(), 1e-12, "progressive RQ round " + round);
    }
    for (int r = 0; r < 2; r++) {
      Map<String, Object> vqRow = rows.get(r);
      assertEquals("VQ K=32", vqRow.get("method"));
      @SuppressWarnings("unchecked")
      Map<String, Object> distok = (Map<String, Object>) vqRow.get("distok");
      @SuppressWarnings("unchecked")
      List<Number> perRound = (List<Number>) distok.get("mse_per_round");
      double sum = 0;
      for (int round = 0; round < 2; round++) {
        // round r trains with seed 1234 + r; its MSE is the library's, with this row's parameters
        Quantizer vq = io.distok.quant.vq.VectorQuantizer.trainer(new io.distok.quant.kmeans.KMeansParams(32, 20,
            256, 0, r == 1)).train(x, 1234 + round, io.distok.util.ProgressListener.NONE);
        double mse = io.distok.quant.UsageMetrics.of(vq, x, vq.encode(x)).mse();
        assertEquals(mse, perRound.get(round).doubleValue(), 1e-12, "row " + r + " round " + round);
        sum += mse;
      }
      assertEquals(sum / 2, ((Number) distok.get("mse")).doubleValue(), 1e-12, "the mean over rounds");
      double min = ((Number) distok.get("train_min_s")).doubleValue();
      double max = ((Number) distok.get("train_max_s")).doubleValue();
      assertTrue(min > 0 && min <= max, distok.toString());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> kernel = (Map<String, Object>) doc.get("kernel");
    assertTrue(((Number) kernel.get("gflops")).doubleValue() > 0, kernel.toString());
    assertFalse(kernel.containsKey("measuredPeakGflops"), "--peak-millis 0 skips the peak");
    Path json = dir.resolve("sid.json");
    Run s = run("bench", "semantic-ids", "--data", in.toString(), "--repeat", "1", "--json", json.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("balanced, L2-normalised"), s.out());
    assertTrue(Files.readString(json).contains("rawCollisionRate"));
  }

  /** The all-families table at one bit budget: every family trains, and the printed ms are the JSON's seconds. */
  @Test
  void benchQuantizeBitsTablesEveryFamily() throws IOException {
    Path in = dir.resolve("bits.npy");
    Npy.write(in, SyntheticData.gaussianClusters(600, 8, 12, 0.3, 5));
    Path json = dir.resolve("bits.json");
    Run r = run("bench", "quantize", "--data", in.toString(), "--bits", "16", "--min-seconds", "0", "--json",
        json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("| train s | encode ms | encode x RQ |"), r.out());
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(json));
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) doc.get("families");
    List<String> families = new java.util.ArrayList<>();
    for (Map<String, Object> row : rows) {
      if (!row.containsKey("mse")) {
        continue; // a family that cannot spend these bits on this dimension says so in its note
      }
      families.add((String) row.get("family"));
      double mse = ((Number) row.get("mse")).doubleValue();
      double encode = ((Number) row.get("encode_s")).doubleValue();
      assertTrue(mse >= 0 && Double.isFinite(mse) && encode > 0, row.toString()); // VQ K = 4096 > 600 rows: 0
      String ms = String.format(java.util.Locale.ROOT, "| %.3f |", 1000 * encode);
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith("| " + row.get("codeBits") + " | " + row.get("family")
          + " |") && l.contains(ms)), "the " + row.get("family") + " line shows " + ms + ": " + r.out());
    }
    assertEquals(List.of("vq", "pq", "rq", "aq", "fsq", "lfq", "bsq"), families);
  }

  @Test
  void benchGraphOnAGeneratedGraph() {
    Run r = run("bench", "graph", "--generated", "3000", "--json", dir.resolve("g.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("generated"), r.out());
    Run missing = run("bench", "graph", "--kg-dir", dir.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, missing.code());
    assertTrue(missing.err().contains("../shared/data/kg"), missing.err());
  }

  @Test
  void benchSaysWhenDataIsAbsent() {
    Run r = run("bench", "quantize", "--data", dir.resolve("absent.npy").toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("../shared/data"), r.err());
  }

  @Test
  void benchCollapsePrintsTheTableAndRefusesUnknownSettings() throws IOException {
    Path data = dir.resolve("cube.npy");
    io.distok.quant.io.Npy.write(data, io.distok.testdata.SyntheticData.gaussianClusters(1500, 6, 1500, 0.05, 2));
    Path json = dir.resolve("collapse.json");
    Run r = run("bench", "collapse", "--data", data.toString(), "--K", "128", "--epochs", "8", "--settings",
        "kmeans,none,reset", "--throughput=false", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) JSON.std.mapFrom(Files.readString(json))
        .get("table");
    assertEquals(List.of("kmeans", "none", "reset"), rows.stream().map(m -> m.get("setting")).toList());
    double none = ((Number) rows.get(1).get("utilization")).doubleValue();
    double reset = ((Number) rows.get(2).get("utilization")).doubleValue();
    assertTrue(none < 0.6 && reset > 0.9, "none " + none + ", reset " + reset + "\n" + r.out());
    Run bad = run("bench", "collapse", "--data", data.toString(), "--settings", "magic");
    assertEquals(DistokCommand.EXIT_USAGE, bad.code());
    assertTrue(bad.err().contains("unknown setting 'magic'"), bad.err());
  }

  @Test
  void benchSemanticIdsOnAGeneratedCatalogue() throws IOException {
    Path json = dir.resolve("sid.json");
    Run r = run("bench", "semantic-ids", "--generated", "3000", "--recipes", "default", "--repeat", "1", "--json",
        json.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("plain, L2-normalised") && r.out().contains("balanced, L2-normalised"), r.out());
    assertFalse(r.out().contains("raw vectors"), "--recipes default runs the normalised recipes only");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) JSON.std.mapFrom(Files.readString(json))
        .get("recipes");
    assertEquals(3, rows.size());
    assertTrue(r.out().contains("rq-vae"), r.out());
    double cpu = ((Number) rows.get(1).get("fit_cpu_share")).doubleValue();
    assertTrue(cpu > 0 && cpu <= 1.05, "CPU share " + cpu);
    Run both = run("bench", "semantic-ids", "--generated", "10", "--data", "x.npy");
    assertEquals(DistokCommand.EXIT_USAGE, both.code());
    assertTrue(both.err().contains("exactly one of --data FILE and --generated N"), both.err());
  }
}
