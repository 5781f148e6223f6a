package io.distok.quant.aq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.quant.QueryScorer;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.io.ModelStore;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Randomized properties of AQ (LSQ): search, codebook solve, training, save/load; jqwik prints the seeds. */
class AdditiveQuantizerPropertiesTest {

  private static List<FloatMatrix> randomBooks(int m, int k, int d, SplittableRandom rng) {
    List<FloatMatrix> books = new ArrayList<>();
    for (int a = 0; a < m; a++) {
      FloatMatrix b = new FloatMatrix(k, d);
      for (int i = 0; i < k * d; i++) {
        b.data()[i] = (float) (rng.nextDouble() * 2 - 1) / (a + 1);
      }
      books.add(b);
    }
    return books;
  }

  private static double error(FloatMatrix x, int row, List<FloatMatrix> books, int[] code) {
    double e = 0;
    for (int t = 0; t < x.cols(); t++) {
      double s = 0;
      for (int a = 0; a < books.size(); a++) {
        s += books.get(a).get(code[a], t);
      }
      e += (x.get(row, t) - s) * (x.get(row, t) - s);
    }
    return e;
  }

  /**
   * The filtered beam keeps exactly the candidates a plain beam keeps: at each position every (beam, code)
   * extension scored in double from the same float terms, sorted by score, then beam, then code, the first B kept.
   * Codebooks with repeated codewords give tied scores.
   */
  @Property(tries = 40)
  void beamEqualsTheUnfilteredDefinition(@ForAll long seed, @ForAll @IntRange(min = 2, max = 5) int m,
      @ForAll @IntRange(min = 2, max = 12) int beam) {
    SplittableRandom rng = new SplittableRandom(seed);
    int k = 1 << (3 + rng.nextInt(4));
    int d = 1 + rng.nextInt(9);
    List<FloatMatrix> books = randomBooks(m, k, d, rng);
    for (FloatMatrix b : books) {
      for (int i = 0; i < k; i++) {
        if (rng.nextInt(4) == 0) { // a duplicate codeword: equal costs
          int src = rng.nextInt(k);
          System.arraycopy(b.data(), b.offset(src), b.data(), b.offset(i), d);
        }
      }
    }
    FloatMatrix x = new FloatMatrix(20, d);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) (rng.nextDouble() * 3 - 1.5) * (float) Math.pow(10, rng.nextInt(5) - 2);
    }
    LocalSearchEncoder enc = new LocalSearchEncoder(books);
    LocalSearchEncoder.Scratch s = enc.scratch(beam);
    for (int i = 0; i < x.rows(); i++) {
      enc.unary(x, i, s);
      int[] found = new int[m];
      enc.beam(s, found, 0, beam);
      assertArrayEquals(referenceBeam(enc, s, m, k, beam), found, "row " + i + ", K " + k + ", d " + d);
    }
  }

  /** Beam search by sorting every extension; the cost of code j at position a is built as the encoder builds it. */
  private static int[] referenceBeam(LocalSearchEncoder enc, LocalSearchEncoder.Scratch s, int m, int k, int beam) {
    List<int[]> codes = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    codes.add(new int[0]);
    scores.add(0.0);
    for (int a = 0; a < m; a++) {
      List<double[]> ext = new ArrayList<>(); // score, parent, code
      for (int b = 0; b < codes.size(); b++) {
        float[] cost = new float[k];
        System.arraycopy(s.unary, a * k, cost, 0, k);
        for (int p = 0; p < a; p++) {
          for (int j = 0; j < k; j++) {
            cost[j] += enc.pair(p, codes.get(b)[p], a, j);
          }
        }
        for (int j = 0; j < k; j++) {
          ext.add(new double[] {scores.get(b) + cost[j], b, j});
        }
      }
      ext.sort((u, v) -> u[0] != v[0] ? Double.compare(u[0], v[0])
          : u[1] != v[1] ? Double.compare(u[1], v[1]) : Double.compare(u[2], v[2]));
      List<int[]> nextCodes = new ArrayList<>();
      List<Double> nextScores = new ArrayList<>();
      for (int c = 0; c < Math.min(beam, ext.size()); c++) {
        int[] code = java.util.Arrays.copyOf(codes.get((int) ext.get(c)[1]), a + 1);
        code[a] = (int) ext.get(c)[2];
        nextCodes.add(code);
        nextScores.add(ext.get(c)[0]);
      }
      codes = nextCodes;
      scores = nextScores;
    }
    return codes.get(0);
  }

  /** The exhaustive minimum over all K^M tuples: beam search as wide as K^(M-1) finds it, ILS never ends above the start. */
  @Property(tries = 25)
  void searchObjectiveIsTheErrorAndAWideBeamIsExhaustive(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 3) int m) {
    SplittableRandom rng = new SplittableRandom(seed);
    int k = 4;
    int d = 5;
    List<FloatMatrix> books = randomBooks(m, k, d, rng);
    FloatMatrix x = new FloatMatrix(30, d);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) (rng.nextDouble() * 3 - 1.5);
    }
    LocalSearchEncoder enc = new LocalSearchEncoder(books);
    int full = (int) Math.pow(k, m);
    LocalSearchEncoder.Scratch s = enc.scratch(full);
    for (int i = 0; i < x.rows(); i++) {
      enc.unary(x, i, s);
      double norm = 0;
      for (int t = 0; t < d; t++) {
        norm += x.get(i, t) * x.get(i, t);
      }
      double best = Double.MAX_VALUE;
      int[] code = new int[m];
      for (int c = 0; c < full; c++) {
        int rest = c;
        for (int a = 0; a < m; a++) {
          code[a] = rest % k;
          rest /= k;
        }
        double e = error(x, i, books, code);
        assertEquals(e, norm + enc.objective(s, code, 0), 1e-4, "objective + ||x||^2 = squared error");
        best = Math.min(best, e);
      }
      int[] found = new int[m];
      enc.beam(s, found, 0, full);
      assertEquals(best, error(x, i, books, found), 1e-4, "exhaustive beam finds the minimum");
      int[] greedy = new int[m];
      enc.greedy(s, greedy, 0);
      // the search minimises its own objective (float terms): "never above its start" holds exactly in it, while
      // its gap to the exact double error of a code is rounding (about 1e-6 here, checked within 1e-4 below)
      double start = enc.objective(s, greedy, 0);
      double searched = enc.search(s, greedy, 0, 6, 3, 1, new SplittableRandom(seed + i));
      double end = norm + searched;
      assertEquals(end, error(x, i, books, greedy), 1e-4, "search reports the error of the code it leaves");
      assertTrue(searched <= start, "local search never ends above its start: " + searched + " > " + start);
      assertTrue(end >= best - 1e-4);
    }
  }

  /** The joint solve meets the normal equations (B^T B + lambda I) C = B^T X. */
  @Property(tries = 20)
  void jointCodebookUpdateSolvesTheNormalEquations(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int m = 3;
    int k = 4;
    int d = 3;
    int n = 60;
    FloatMatrix x = new FloatMatrix(n, d);
    int[] codes = new int[n * m];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        x.set(i, t, (float) rng.nextDouble());
      }
      for (int a = 0; a < m; a++) {
        codes[i * m + a] = rng.nextInt(k);
      }
    }
    double lambda = 0.01;
    List<FloatMatrix> c = new JointCodebookUpdate(x, codes, m, k, lambda).solve(randomBooks(m, k, d, rng), 200,
        1e-10).codebooks();
    // gradient of the objective at the solution: B^T (B C - X) + lambda C = 0
    for (int a = 0; a < m; a++) {
      for (int j = 0; j < k; j++) {
        for (int t = 0; t < d; t++) {
          double g = lambda * c.get(a).get(j, t);
          for (int i = 0; i < n; i++) {
            if (codes[i * m + a] == j) {
              double r = -x.get(i, t);
              for (int b = 0; b < m; b++) {
                r += c.get(b).get(codes[i * m + b], t);
              }
              g += r;
            }
          }
          assertEquals(0, g, 1e-4, "gradient at codebook " + a + " code " + j);
        }
      }
    }
  }

  @Test
  void trainingBeatsTheRqStartAndIsDeterministicWhateverTheThreads() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(1500, 16, 12, 0.6, 21);
    LsqTrainer trainer = new LsqTrainer(3, 4, 6, 4, 8, 4, 4, 2, 1e-2, 0.5, 0.1, 10, 0, false);
    AdditiveQuantizer one = Parallel.withThreads(1, () -> trainer.train(x, 5, ProgressListener.NONE));
    AdditiveQuantizer two = Parallel.withThreads(2, () -> trainer.train(x, 5, ProgressListener.NONE));
    Codes c1 = Parallel.withThreads(1, () -> one.encode(x));
    assertEquals(c1, Parallel.withThreads(2, () -> two.encode(x)), "same codes whatever the threads");
    assertArrayEquals(one.codebooks().get(0).data(), two.codebooks().get(0).data());
    ResidualQuantizer rq = ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {16, 16, 16},
        new KMeansParams(16, 10, 256, 0, true), 1, false)).train(x, 5);
    double rqErr = UsageMetrics.of(rq, x, rq.encode(x)).mse();
    double aqErr = UsageMetrics.of(one, x, c1).mse();
    assertTrue(aqErr < rqErr, "AQ " + aqErr + " below its RQ start " + rqErr);
    // faiss's start, random codes: also deterministic, and training improves on its own start
    LsqTrainer random = new LsqTrainer(3, 4, 6, 4, 8, 4, 4, 2, 1e-2, 0.5, 1.0, 10, 0, true);
    AdditiveQuantizer r1 = Parallel.withThreads(1, () -> random.train(x, 5, ProgressListener.NONE));
    AdditiveQuantizer r2 = Parallel.withThreads(2, () -> random.train(x, 5, ProgressListener.NONE));
    Codes rc = r1.encode(x);
    assertEquals(rc, r2.encode(x), "random start: same codes whatever the threads");
    assertEquals("random", r1.parameters().get("init"));
    assertEquals(null, r1.parameters().get("rq_levels"));
    // the RQ start's levels train as rq's automatic level training picks: progressively for rows whose variance
    // lies in a few directions, by k-means for isotropic ones
    FloatMatrix lowRank = new FloatMatrix(600, 30);
    FloatMatrix isotropic = new FloatMatrix(600, 30);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
    for (int i = 0; i < 600; i++) {
      double a = 3 * rng.nextGaussian();
      double b = 3 * rng.nextGaussian();
      for (int t = 0; t < 30; t++) {
        lowRank.set(i, t, (float) (a * Math.sin(t) + b * Math.cos(3 * t) + 0.01 * rng.nextGaussian()));
        isotropic.set(i, t, (float) rng.nextGaussian());
      }
    }
    LsqTrainer small = new LsqTrainer(2, 4, 1, 4, 2, 2, 2, 2, 1e-2, 0.5, 0.1, 5, 0, false);
    assertEquals("progressive-dim", small.train(lowRank, 1).parameters().get("rq_levels"));
    assertEquals("kmeans", small.train(isotropic, 1).parameters().get("rq_levels"));
    assertEquals(0.1, small.train(lowRank, 1).parameters().get("codebook_noise"), "a given noise is kept");
    // left to training, the noise is faiss's full perturbation after progressive levels or a random start
    LsqTrainer auto = new LsqTrainer(2, 4, 1, 4, 2, 2, 2, 2, 1e-2, 0.5, LsqTrainer.AUTO_NOISE, 5, 0, false);
    assertEquals(1.0, auto.train(lowRank, 1).parameters().get("codebook_noise"));
    assertEquals(LsqTrainer.DEFAULT_NOISE, auto.train(isotropic, 1).parameters().get("codebook_noise"));
    LsqTrainer autoRandom = new LsqTrainer(2, 4, 1, 4, 2, 2, 2, 2, 1e-2, 0.5, LsqTrainer.AUTO_NOISE, 5, 0, true);
    assertEquals(1.0, autoRandom.train(isotropic, 1).parameters().get("codebook_noise"));
    LsqTrainer noIterations = new LsqTrainer(3, 4, 0, 4, 8, 4, 4, 2, 1e-2, 0.5, 1.0, 10, 0, true);
    double startErr = UsageMetrics.of(noIterations.train(x, 5), x, noIterations.train(x, 5).encode(x)).mse();
    assertTrue(UsageMetrics.of(r1, x, rc).mse() < startErr, "iterations improve on the random start");
    // a row encoded alone gets the code it gets in a batch
    FloatMatrix row = x.selectRows(new int[] {17});
    assertArrayEquals(c1.row(17), one.encode(row).row(0));
    // query scoring from codes alone agrees with decoding
    float[] q = x.rowCopy(3);
    QueryScorer tables = one.scorer(q);
    QueryScorer decoding = QueryScorer.byDecoding(one, q);
    for (int i = 0; i < 50; i++) {
      assertEquals(decoding.squaredDistance(c1, i), tables.squaredDistance(c1, i), 1e-3);
    }
    Path dir = Files.createTempDirectory("aq");
    ModelStore.save(one, 5, dir.resolve("m"));
    Quantizer back = ModelStore.load(dir.resolve("m"));
    assertEquals("aq", back.method());
    assertEquals(c1, Parallel.withThreads(2, () -> back.encode(x)), "bit-identical codes after save/load");
    // the documented layout: a vector is the sum of one row of each codebook-J.npy
    FloatMatrix decoded = one.decode(c1);
    for (int i = 0; i < 20; i++) {
      for (int t = 0; t < x.cols(); t++) {
        double v = 0;
        for (int a = 0; a < 3; a++) {
          v += io.distok.quant.io.Npy.readFloats(dir.resolve("m").resolve("codebook-" + a + ".npy"))
              .get(c1.get(i, a), t);
        }
        assertEquals(v, decoded.get(i, t), 1e-5);
      }
    }
  }

  /** With a stored norm the codes carry one more position and the O(M) scorer stays close to the exact distance. */
  @Test
  void aStoredNormScoresFromCodesAlone() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(1200, 12, 10, 0.5, 8);
    AdditiveQuantizer q = new LsqTrainer(3, 4, 3, 2, 4, 2, 2, 1, 1e-2, 0.5, 0.1, 5, 8, false).train(x, 2);
    assertEquals(4, q.layout().positions(), "M codes plus the norm's");
    assertEquals(256, q.layout().size(3));
    Codes codes = q.encode(x);
    FloatMatrix decoded = q.decode(codes);
    double[] exact = q.squaredNorms(codes);
    double worst = 0;
    for (int i = 0; i < 50; i++) {
      float[] query = x.rowCopy(i + 100);
      QueryScorer s = q.scorer(query);
      for (int r = 0; r < 20; r++) {
        double d = 0;
        for (int t = 0; t < x.cols(); t++) {
          double diff = query[t] - decoded.get(r, t);
          d += diff * diff;
        }
        worst = Math.max(worst, Math.abs(d - s.squaredDistance(codes, r)) / (exact[r] + 1e-9));
      }
    }
    assertTrue(worst < 0.05, "stored 8-bit norm within 5% of the item's squared norm: " + worst);
    Path dir = Files.createTempDirectory("aq-norm");
    ModelStore.save(q, 2, dir.resolve("m"));
    Quantizer back = ModelStore.load(dir.resolve("m"));
    assertEquals(codes, back.encode(x), "norm codes survive save/load");
  }

  @Test
  void familyOptionsAndErrors() {
    QuantizerFamily family = QuantizerFamily.forName("aq");
    LsqTrainer t = (LsqTrainer) family.trainer(ParameterValues.of(family.parameters(), Map.of("bits", "32")));
    assertEquals(4, t.m(), "32 bits of 8-bit codes: M = 4");
    assertEquals(25, t.trainIters(), "faiss's train_iters");
    LsqTrainer two = (LsqTrainer) family.trainer(ParameterValues.of(family.parameters(), Map.of("bits", "16")));
    assertEquals(2, two.nperts(), "16 bits: M = 2 perturbs both codes, not faiss's 4");
    assertEquals(2, LsqTrainer.defaults(2, 8).nperts());
    assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("bits", "16", "nperts", "3"))), "an explicit nperts above M is refused");
    var e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("bits", "30"))));
    assertTrue(e.getMessage().contains("not a multiple of --nbits 8"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("M", "4", "bits", "32"))));
    assertTrue(e.getMessage().contains("give one"), e.getMessage());
    FloatMatrix small = SyntheticData.gaussianClusters(100, 4, 2, 0.5, 1);
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of())).train(small, 1, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("needs at least 256 training vectors"), e.getMessage());
  }
}
