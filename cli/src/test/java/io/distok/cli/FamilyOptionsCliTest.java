package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.testdata.SyntheticData;
import io.distok.quant.io.ModelStore;
import io.distok.quant.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quantize commands take their methods and options from the families on the class path: the test-only
 * {@code toy-sign} family (from the core's test jar, unknown to the CLI's code) fits, encodes and evaluates, gets
 * its own help section, and options of other families are refused for it.
 */
class FamilyOptionsCliTest {
  @TempDir
  Path dir;

  @Test
  void aFamilyTheCliNeverHeardOfFitsEncodesAndEvaluates() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(200, 7, 4, 0.3, 5);
    Path in = dir.resolve("x.npy");
    Npy.write(in, x);
    Path model = dir.resolve("m");
    CliTest.Run fit = CliTest.run("quantize", "fit", "--method", "toy-sign", "--group-bits", "3", "--input",
        in.toString(), "--out", model.toString());
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("trained toy-sign (groupBits=3)"), fit.out());
    assertEquals("toy-sign", ModelStore.load(model).method());
    Path codes = dir.resolve("codes.npy");
    CliTest.Run enc = CliTest.run("quantize", "encode", "--model", model.toString(), "--input", in.toString(),
        "--out", codes.toString());
    assertEquals(0, enc.code(), enc.err());
    assertTrue(Files.size(codes) > 0);
    CliTest.Run eval = CliTest.run("quantize", "eval", "--model", model.toString(), "--input", in.toString());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains("toy-sign (groupBits=3)") && eval.out().contains("MSE"), eval.out());
  }

  @Test
  void helpHasASectionPerFamilyAndForeignOptionsAreRefused() throws Exception {
    CliTest.Run help = CliTest.run("quantize", "fit", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("Options of --method toy-sign (test-only sign codes"), help.out());
    assertTrue(help.out().contains("--group-bits=<int>"), help.out());
    assertTrue(help.out().contains("Options of --method pq (") && help.out().contains("--M=<int>"), help.out());
    FloatMatrix x = SyntheticData.gaussianClusters(50, 4, 2, 0.3, 5);
    Path in = dir.resolve("x.npy");
    Npy.write(in, x);
    CliTest.Run r = CliTest.run("quantize", "fit", "--method", "toy-sign", "--M", "2", "--input", in.toString(),
        "--out", dir.resolve("m").toString());
    assertEquals(DistokCommand.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("--M does not apply to --method toy-sign; it applies to aq, pq"), r.err());
    r = CliTest.run("quantize", "fit", "--method", "vq", "--K", "x", "--input", in.toString(), "--out",
        dir.resolve("m").toString());
    assertEquals(DistokCommand.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("--K: 'x' is not an integer"), r.err());
    assertEquals(0, CliTest.run("quantize", "fit", "--method", "vq", "--K", "4", "--input", in.toString(), "--out",
        dir.resolve("vq").toString()).code());
    r = CliTest.run("quantize", "encode", "--model", dir.resolve("vq").toString(), "--input", in.toString(),
        "--beam", "3", "--out", dir.resolve("c.npy").toString());
    assertEquals(DistokCommand.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("--beam does not apply to") && r.err().contains("(a vq model); it applies to rq"),
        r.err());
    assertTrue(!Files.exists(dir.resolve("c.npy")));
  }

  @Test
  void transformsAreFittedSavedAndAppliedWithAnyFamily() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(300, 8, 4, 0.3, 6);
    Path in = dir.resolve("x.npy");
    Npy.write(in, x);
    Path model = dir.resolve("m");
    CliTest.Run fit = CliTest.run("quantize", "fit", "--method", "pq", "--M", "2", "--K", "8", "--transform",
        "l2,pca:4", "--input", in.toString(), "--out", model.toString());
    assertEquals(0, fit.code(), fit.err());
    assertTrue(fit.out().contains("transforms=l2,pca:4"), fit.out());
    var loaded = ModelStore.load(model);
    assertTrue(loaded instanceof io.distok.quant.transform.TransformedQuantizer t && t.inner().dimension() == 4);
    CliTest.Run enc = CliTest.run("quantize", "encode", "--model", model.toString(), "--input", in.toString(),
        "--out", dir.resolve("c.npy").toString());
    assertEquals(0, enc.code(), enc.err());
    CliTest.Run bad = CliTest.run("quantize", "fit", "--method", "vq", "--transform", "pca", "--input",
        in.toString(), "--out", dir.resolve("m2").toString());
    assertEquals(DistokCommand.EXIT_USAGE, bad.code());
    assertTrue(bad.err().contains("pca needs its output dimension"), bad.err());
    assertTrue(!Files.exists(dir.resolve("m2")));
  }

  /** The families of issue 13 at 32 bits each, through fit, encode (with an encode-time option) and eval. */
  @Test
  void theImplicitAndAdditiveFamiliesSpendTheBitsTheyAreGiven() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(600, 20, 8, 0.4, 3);
    Path in = dir.resolve("x.npy");
    Npy.write(in, x);
    for (String method : new String[] {"aq", "fsq", "lfq", "bsq"}) {
      Path model = dir.resolve("m-" + method);
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("quantize", "fit", "--method", method,
          "--bits", "32", "--input", in.toString(), "--out", model.toString()));
      if (method.equals("aq")) {
        args.addAll(java.util.List.of("--train-iters", "3"));
      }
      CliTest.Run fit = CliTest.run(args.toArray(String[]::new));
      assertEquals(0, fit.code(), fit.err());
      assertTrue(fit.out().contains("trained " + method), fit.out());
      assertTrue(ModelStore.load(model).layout().totalBits() <= 32, method + " spends at most 32 bits");
      Path codes = dir.resolve("codes-" + method + ".npy");
      java.util.List<String> enc = new java.util.ArrayList<>(java.util.List.of("quantize", "encode", "--model",
          model.toString(), "--input", in.toString(), "--out", codes.toString()));
      if (method.equals("aq")) {
        enc.addAll(java.util.List.of("--encode-ils-iters", "2"));
      }
      CliTest.Run e = CliTest.run(enc.toArray(String[]::new));
      assertEquals(0, e.code(), e.err());
      CliTest.Run eval = CliTest.run("quantize", "eval", "--model", model.toString(), "--input", in.toString());
      assertEquals(0, eval.code(), eval.err());
      assertTrue(eval.out().contains("MSE"), eval.out());
    }
    CliTest.Run help = CliTest.run("quantize", "fit", "--help");
    for (String paperName : new String[] {"encode_ils_iters", "icm_iters", "nperts", "lambd", "--fsq-levels",
        "--projection", "--bound", "K, sign bits", "L, sign bits"}) {
      assertTrue(help.out().contains(paperName), paperName + " in help: " + help.out());
    }
    CliTest.Run bad = CliTest.run("quantize", "fit", "--method", "fsq", "--fsq-levels", "8,1", "--input",
        in.toString(), "--out", dir.resolve("bad").toString());
    assertEquals(DistokCommand.EXIT_USAGE, bad.code());
    assertTrue(bad.err().contains("--fsq-levels: each level count must be in [2, 65536], got 1"), bad.err());
    assertTrue(!Files.exists(dir.resolve("bad")), "nothing written");
  }
}
