package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link DistokCommand#main} in a separate JVM, as the launcher does: output and exit codes. */
class MainProcessTest {
  @TempDir
  Path dir;

  private record Result(int code, String out, String err) {}

  private Result run(String... args) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java.toString()));
    if (io.distok.quant.kernel.DistanceKernels.vectorApiAvailable()) {
      cmd.addAll(List.of("--add-modules", "jdk.incubator.vector")); // as the launcher starts it
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DistokCommand.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
  }

  /**
   * Each quantize command in a JVM of its own: the order in which a command first touches the kernel classes
   * differs (eval loads a model, whose codebooks are packed before any kernel is chosen), and a JVM-wide class
   * initialisation bug shows only in a fresh process.
   */
  @Test
  void quantizeCommandsEachRunInAFreshJvm() throws Exception {
    Path in = dir.resolve("x.npy");
    io.distok.quant.io.Npy.write(in, io.distok.testdata.SyntheticData.gaussianClusters(600, 8, 6, 0.2, 3));
    Path model = dir.resolve("model");
    Result fit = run("quantize", "fit", "--method", "rq", "--K", "16", "--L", "2", "--input", in.toString(), "--out",
        model.toString());
    assertEquals(0, fit.code(), fit.err());
    Result eval = run("quantize", "eval", "--model", model.toString(), "--input", in.toString());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("MSE"), eval.out());
    Path codes = dir.resolve("codes.npy");
    Result encode = run("quantize", "encode", "--model", model.toString(), "--input", in.toString(), "--out",
        codes.toString());
    assertEquals(0, encode.code(), encode.err());
    assertTrue(Files.size(codes) > 600 * 2 * 4, "codes file");
  }

  @Test
  void everythingPrintedReachesStdoutAndErrorsExitWithTwo() throws Exception {
    Path kg = dir.resolve("kg.tsv");
    Files.writeString(kg, "a\tr\tb\nb\tr\tc\n");
    Result ok = run("graph", "prompt", "--triples", kg.toString(), "--node", "b");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("(a, r, b)") && ok.out().contains("(b, r, c)"), ok.out());
    Result bad = run("graph", "prompt", "--triples", kg.toString(), "--node", "zz");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, bad.code());
    assertTrue(bad.err().contains("distok: error: unknown node id 'zz'"), bad.err());
  }
}
