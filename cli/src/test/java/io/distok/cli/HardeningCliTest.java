package io.distok.cli;

import static io.distok.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.testdata.SyntheticData;
import io.distok.quant.io.Npy;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line never destroys an input, says how it read a file, and exits with distinct codes. */
class HardeningCliTest {
  @TempDir
  Path dir;

  private Path model() throws IOException {
    Path in = dir.resolve("train.npy");
    Npy.write(in, SyntheticData.gaussianClusters(300, 4, 5, 0.3, 5));
    Path model = dir.resolve("model");
    assertEquals(0, run("quantize", "fit", "--method", "VQ", "--K", "4", "--input", in.toString(), "--out",
        model.toString()).code(), "enum values are case-insensitive");
    return model;
  }

  /** 60 items with 2-d embeddings, ids in the first column. */
  private Path smallCatalogue() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      sb.append("sku").append(i).append(',').append(i % 7).append(',').append(i % 3).append('\n');
    }
    return Files.writeString(dir.resolve("items.csv"), sb);
  }

  private void assertRefusedAndUnchanged(Path input, CliTest.Run r) throws IOException {
    assertEquals(DistokCommand.EXIT_USAGE, r.code(), r.err());
    assertTrue(r.err().contains("refusing to overwrite an input") || r.err().contains("holds the input"), r.err());
  }

  @Test
  void outputsThatAreInputsAreRefusedAndTheInputSurvives() throws IOException {
    Path model = model();
    Path x = dir.resolve("x.npy");
    Npy.write(x, SyntheticData.gaussianClusters(20, 4, 2, 0.3, 1));
    byte[] before = Files.readAllBytes(x);
    assertRefusedAndUnchanged(x, run("quantize", "encode", "--model", model.toString(), "--input", x.toString(),
        "--out", x.toString()));
    assertRefusedAndUnchanged(x, run("quantize", "encode", "--model", model.toString(), "--input", x.toString(),
        "--out", dir.resolve(".").resolve("x.npy").toString()));
    Path link = Files.createSymbolicLink(dir.resolve("codes.npy"), x);
    assertRefusedAndUnchanged(x, run("quantize", "encode", "--model", model.toString(), "--input", x.toString(),
        "--out", link.toString()));
    assertArrayEquals(before, Files.readAllBytes(x));

    Path kg = dir.resolve("kg.tsv");
    Files.writeString(kg, "a\tr\tb\nb\tr\tc\nc\ts\ta\n");
    byte[] kgBefore = Files.readAllBytes(kg);
    CliTest.Run g = run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "2", "--k", "2", "--out",
        dir.resolve("kg.tsv").toString());
    assertRefusedAndUnchanged(kg, g);
    assertTrue(g.err().contains(kg.toString()), g.err());
    assertArrayEquals(kgBefore, Files.readAllBytes(kg));

    Path items = smallCatalogue();
    Path sid = dir.resolve("sid");
    assertEquals(0, run("semantic-ids", "fit", "--input", items.toString(), "--out", sid.toString(),
        "--codebook-sizes", "4,4").code());
    Path more = dir.resolve("new.csv");
    Files.writeString(more, "new1,9,9\nnew2,8,1\n");
    byte[] moreBefore = Files.readAllBytes(more);
    assertRefusedAndUnchanged(more, run("semantic-ids", "assign", "--model", sid.toString(), "--input",
        more.toString(), "--ids-out", more.toString()));
    assertArrayEquals(moreBefore, Files.readAllBytes(more));
    // a model folder that holds its own input would be deleted by the atomic replace
    Path inside = Files.createDirectories(dir.resolve("m2")).resolve("items.csv");
    Files.copy(items, inside);
    assertRefusedAndUnchanged(inside, run("semantic-ids", "fit", "--input", inside.toString(), "--out",
        dir.resolve("m2").toString(), "--codebook-sizes", "4,4"));
    assertTrue(Files.exists(inside));
  }

  @Test
  void numericIdColumnsAreIdsAndTheInterpretationIsPrinted() throws IOException {
    Path items = dir.resolve("items.csv");
    StringBuilder sb = new StringBuilder("id,f0,f1,f2\n");
    FloatMatrix x = SyntheticData.gaussianClusters(80, 3, 4, 0.3, 2);
    for (int i = 0; i < 80; i++) {
      sb.append(i + 1).append(',').append(x.get(i, 0)).append(',').append(x.get(i, 1)).append(',')
          .append(x.get(i, 2)).append('\n');
    }
    Files.writeString(items, sb);
    Path sid = dir.resolve("sid");
    CliTest.Run r = run("semantic-ids", "fit", "--input", items.toString(), "--out", sid.toString(),
        "--codebook-sizes", "4,4");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("distok: reading items.csv: header line (detected); ids from column 1 'id'; 3 value "
        + "columns, 80 rows"), r.err());
    SemanticIdModel m = SemanticIdStore.load(sid);
    assertTrue(m.contains("1") && m.contains("80"), "numeric ids are item ids");
    assertEquals(3, m.quantizer().dimension(), "the id is not a feature");
    Path raw = dir.resolve("raw");
    CliTest.Run n = run("semantic-ids", "fit", "--input", items.toString(), "--out", raw.toString(),
        "--codebook-sizes", "4,4", "--no-id-column");
    assertEquals(0, n.code(), n.err());
    assertTrue(n.err().contains("no id column; 4 value columns"), n.err());
    assertEquals(4, SemanticIdStore.load(raw).quantizer().dimension());
    CliTest.Run both = run("semantic-ids", "fit", "--input", items.toString(), "--out", raw.toString(),
        "--no-id-column", "--id-column", "id");
    assertEquals(DistokCommand.EXIT_USAGE, both.code());
  }

  @Test
  void graphTokenizeNeedsAKnownOutput() throws IOException {
    Path kg = dir.resolve("kg.tsv");
    Files.writeString(kg, "a\tr\tb\nb\tr\tc\nc\ts\ta\n");
    CliTest.Run none = run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "2", "--k", "2");
    assertEquals(DistokCommand.EXIT_USAGE, none.code());
    assertTrue(none.err().contains("--diagnostics-only"), none.err());
    CliTest.Run parquet = run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "2", "--k", "2", "--out",
        dir.resolve("t.parquet").toString());
    assertEquals(DistokCommand.EXIT_USAGE, parquet.code());
    assertTrue(parquet.err().contains("must end in .jsonl or .tsv"), parquet.err());
    assertFalse(Files.exists(dir.resolve("t.parquet")));
    CliTest.Run diag = run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "2", "--k", "2",
        "--diagnostics-only");
    assertEquals(0, diag.code(), diag.err());
    assertTrue(diag.out().contains("unique token sets"), diag.out());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of("kg.tsv"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void exitCodesTellUsageDataIoAndServiceApart() throws IOException {
    Path model = model();
    Path x = dir.resolve("x.npy");
    Npy.write(x, SyntheticData.gaussianClusters(20, 4, 2, 0.3, 1));
    assertEquals(DistokCommand.EXIT_USAGE, run("quantize", "encode", "--model", model.toString(), "--input",
        x.toString(), "--out", dir.resolve("c.npy").toString(), "--threads", "0").code());
    assertEquals(DistokCommand.EXIT_USAGE, run("quantize", "fit", "--bogus").code());
    Path kg = Files.writeString(dir.resolve("kg.tsv"), "a\tr\tb\nb\tr\tc\n");
    for (String[] bad : new String[][] {{"--max-hops", "-1"}, {"--m-percentile", "120"}, {"--batch-size", "0"}}) {
      CliTest.Run r = run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "2", "--k", "1",
          "--diagnostics-only", bad[0], bad[1]);
      assertEquals(DistokCommand.EXIT_USAGE, r.code(), bad[0] + ": " + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
    Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2\n3\n");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, run("quantize", "encode", "--model", model.toString(), "--input",
        bad.toString(), "--out", dir.resolve("c.npy").toString()).code());
    CliTest.Run io = run("quantize", "encode", "--model", model.toString(), "--input", x.toString(), "--out",
        "/proc/distok-test-codes.npy");
    assertEquals(DistokCommand.EXIT_IO, io.code(), io.err());
    assertTrue(io.err().startsWith("distok: error: /proc/distok-test-codes.npy: cannot write"), io.err());
    assertFalse(io.err().contains(".tmp") || io.err().contains("Exception"), io.err());
    CliTest.Run down = run("semantic-ids", "fit", "--neo4j-uri", "bolt://127.0.0.1:1", "--neo4j-password", "x",
        "--out", dir.resolve("s").toString());
    assertEquals(DistokCommand.EXIT_UNAVAILABLE, down.code());
  }

  @Test
  void assignWithAnotherDimensionAndBadBudgetsNameTheProblem() throws IOException {
    Path items = smallCatalogue();
    Path sid = dir.resolve("sid");
    assertEquals(0, run("semantic-ids", "fit", "--input", items.toString(), "--out", sid.toString(),
        "--codebook-sizes", "4,4").code());
    Path wide = Files.writeString(dir.resolve("wide.csv"), "n1,1,2,3\n");
    CliTest.Run a = run("semantic-ids", "assign", "--model", sid.toString(), "--input", wide.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, a.code());
    assertTrue(a.err().contains(wide + ": embeddings of dimension 3, but the model " + sid + " was fitted on "
        + "dimension 2"), a.err());
    Path kg = Files.writeString(dir.resolve("kg.tsv"), "a\tr\tb\nb\tr\tc\n");
    CliTest.Run neg = run("graph", "prompt", "--triples", kg.toString(), "--node", "a", "--budget-chars", "-5");
    assertEquals(DistokCommand.EXIT_USAGE, neg.code());
    assertTrue(neg.err().contains("a budget must be >= 0"), neg.err());
    CliTest.Run tiny = run("graph", "prompt", "--triples", kg.toString(), "--node", "a", "--budget-chars", "20");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, tiny.code());
    assertTrue(tiny.err().contains("too small"), tiny.err());
    CliTest.Run fits = run("graph", "prompt", "--triples", kg.toString(), "--node", "a", "--budget-chars", "150",
        "--radius", "2");
    assertEquals(0, fits.code(), fits.err());
    assertTrue(fits.out().length() <= 150, fits.out().length() + ": " + fits.out());
  }

  /** The baseline line names the faiss build and the BLAS library, from either comparison script's keys. */
  @Test
  void faissBaselineIsDescribed() {
    java.util.Map<String, Object> ours = java.util.Map.of("faiss_version", "1.15.0", "faiss_compile_options",
        "OPTIMIZE AVX512 ", "blas", List.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so"), "omp_threads", 2);
    assertEquals("faiss 1.15.0 (OPTIMIZE AVX512), BLAS libopenblasp-r0.3.21.so, 2 OpenMP threads",
        FaissOptions.describe(ours));
    java.util.Map<String, Object> shared = java.util.Map.of("tool", "faiss 1.7.3", "compile_options",
        "OPTIMIZE GENERIC", "blas", List.of("/x/libopenblas.so.0"));
    assertEquals("faiss 1.7.3 (OPTIMIZE GENERIC), BLAS libopenblas.so.0", FaissOptions.describe(shared));
  }

  @Test
  void helpIsCleanAndListsEnumCandidates() {
    CliTest.Run g = run("graph", "tokenize", "--help");
    assertEquals(0, g.code());
    assertEquals("", g.err(), "no picocli warnings");
    assertTrue(g.out().contains("degree, pagerank, random, mixed"), g.out());
    assertTrue(g.out().contains("40% degree"), g.out());
    CliTest.Run q = run("quantize", "fit", "--help");
    assertTrue(q.out().contains("pq, rq,") && q.out().contains("kmeans++, random"), q.out());
    assertTrue(q.out().contains("Options of --method rq (") && q.out().contains("--L, --levels=<int>"), q.out());
    CliTest.Run s = run("semantic-ids", "fit", "--help");
    assertTrue(s.out().contains("suffix, reassign, none") && s.out().contains("angle, plain"), s.out());
  }

  @Test
  void outputsAreUserFacingText() throws IOException {
    Path in = dir.resolve("train.npy");
    Npy.write(in, SyntheticData.gaussianClusters(300, 4, 5, 0.3, 5));
    CliTest.Run fit = run("quantize", "fit", "--method", "rq", "--K", "4", "--L", "2", "--input", in.toString(),
        "--out", dir.resolve("m").toString());
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("trained rq (L=2, K=4,4, beam=1") && fit.out().contains("niter=")
        && fit.out().contains("progressiveDimSteps="), fit.out());
    assertFalse(fit.out().contains("{") || fit.out().contains("}"), fit.out());
  }

  /** Run under umask 022 in its own JVM: the model folder is rwxr-xr-x and its files rw-r--r--. */
  @Test
  void outputsFollowTheUmask() throws Exception {
    Path in = dir.resolve("train.npy");
    Npy.write(in, SyntheticData.gaussianClusters(200, 4, 5, 0.3, 5));
    Path model = dir.resolve("model");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String cmd = "umask 022; exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
        + DistokCommand.class.getName() + " quantize fit --method vq --K 4 --input '" + in + "' --out '" + model + "'";
    Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(model)));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(model.resolve(
        "model.json"))));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(model.resolve(
        "codebook-0.npy"))));
  }

  @Test
  void progressBarShowsRateAndTimeLeftAndClearsItsLine() {
    String line = TerminalProgress.render("k-means", 250, 1000, 2_000_000_000L);
    assertTrue(line.startsWith("k-means"), line);
    assertTrue(line.contains(" 25.0% 250/1,000 125/s 6 s left"), line);
    assertTrue(line.contains("[" + "#".repeat(4) + " ".repeat(12) + "]"), line);
    assertEquals(79, line.length());
    String unknown = TerminalProgress.render("reading nodes", 12_345, -1, 1_000_000_000L);
    assertTrue(unknown.contains("12,345 done 12.3k/s") && !unknown.contains("%"), unknown);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] now = {0};
    TerminalProgress bar = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
        () -> now[0]);
    bar.progress("stage", 1, 4);
    now[0] += 200_000_000L;
    bar.progress("stage", 2, 4);
    bar.progress("stage", 4, 4);
    String drawn = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(drawn.contains("\rstage"), drawn);
    assertTrue(drawn.endsWith("\r" + " ".repeat(79) + "\r"), "a completed stage erases its line");
    bytes.reset();
    new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, () -> 0L).progress("x", 1, 2);
    assertEquals(0, bytes.size(), "nothing is drawn off a terminal");
    assertEquals("k-means", line.substring(0, 7).toLowerCase(Locale.ROOT));
  }
}
