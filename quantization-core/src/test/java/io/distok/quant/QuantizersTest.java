package io.distok.quant;

import io.distok.testdata.SyntheticData;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import org.junit.jupiter.api.Test;

class QuantizersTest {
  static final FloatMatrix DATA = SyntheticData.gaussianClusters(3000, 16, 50, 0.4, 11);

  static double mse(Quantizer q, FloatMatrix x) {
    return UsageMetrics.of(q, x, q.encode(x)).mse();
  }

  @Test
  void vqEncodesToNearestCentroid() {
    VectorQuantizer vq = VectorQuantizer.trainer(KMeansParams.of(32)).train(DATA, 1, ProgressListener.NONE);
    Codes codes = vq.encode(DATA);
    assertEquals(1, codes.codesPerRow());
    FloatMatrix book = vq.codebooks().get(0);
    for (int i = 0; i < 50; i++) {
      int best = 0;
      double bestD = Double.MAX_VALUE;
      for (int j = 0; j < 32; j++) {
        double s = 0;
        for (int t = 0; t < 16; t++) {
          double diff = DATA.get(i, t) - book.get(j, t);
          s += diff * diff;
        }
        if (s < bestD) {
          bestD = s;
          best = j;
        }
      }
      assertEquals(best, codes.get(i, 0), "row " + i);
    }
    FloatMatrix dec = vq.decode(codes);
    assertArrayEquals(book.rowCopy(codes.get(7, 0)), dec.rowCopy(7));
  }

  @Test
  void rqErrorFallsWithEveryLevelAndBeamHelps() {
    double prev = Double.MAX_VALUE;
    for (int levels = 1; levels <= 3; levels++) {
      ResidualQuantizer rq = ResidualQuantizer.trainer(ResidualQuantizerParams.of(levels, 16))
          .train(DATA, 3, ProgressListener.NONE);
      double e = mse(rq, DATA);
      assertTrue(e < prev, levels + " levels: " + e + " >= " + prev);
      prev = e;
    }
    ResidualQuantizer rq = ResidualQuantizer.trainer(ResidualQuantizerParams.of(3, 16))
        .train(DATA, 3, ProgressListener.NONE);
    double greedy = mse(rq, DATA);
    double beam = mse(rq.withBeam(8), DATA);
    assertTrue(beam < greedy, "beam " + beam + " vs greedy " + greedy);
  }

  @Test
  void rqRefinementLowersTheError() {
    ResidualQuantizerParams p = ResidualQuantizerParams.of(3, 16);
    ResidualQuantizer plain = ResidualQuantizer.trainer(p.withRefineRounds(0)).train(DATA, 3, ProgressListener.NONE);
    ResidualQuantizer refined = ResidualQuantizer.trainer(p.withRefineRounds(3)).train(DATA, 3,
        ProgressListener.NONE);
    assertTrue(mse(refined, DATA) < mse(plain, DATA), mse(refined, DATA) + " vs " + mse(plain, DATA));
    assertEquals(3, refined.parameters().get("refineRounds"));
  }

  @Test
  void rqDecodeIsTheSumOfCodewords() {
    ResidualQuantizer rq = ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {8, 4, 2},
        KMeansParams.of(8), 2, false)).train(DATA, 3, ProgressListener.NONE);
    assertEquals(4, rq.layout().size(1));
    Codes c = rq.encode(DATA);
    FloatMatrix dec = rq.decode(c);
    for (int t = 0; t < 16; t++) {
      float expect = rq.codebooks().get(0).get(c.get(9, 0), t) + rq.codebooks().get(1).get(c.get(9, 1), t)
          + rq.codebooks().get(2).get(c.get(9, 2), t);
      assertEquals(expect, dec.get(9, t), 1e-5f);
    }
  }

  @Test
  void rqWithNormalizedResidualsReconstructs() {
    ResidualQuantizer rq = ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {32, 32},
        KMeansParams.of(32), 1, true)).train(DATA, 3, ProgressListener.NONE);
    UsageMetrics m = UsageMetrics.of(rq, DATA, rq.encode(DATA));
    assertTrue(m.relativeMse() < 0.5, "relative MSE " + m.relativeMse());
    assertThrows(IllegalArgumentException.class,
        () -> new ResidualQuantizerParams(new int[] {4}, KMeansParams.of(4), 3, true));
  }

  @Test
  void beamEncodingIsDeterministicAcrossThreads() {
    ResidualQuantizer rq = ResidualQuantizer.trainer(ResidualQuantizerParams.of(3, 16).withBeam(4))
        .train(DATA, 3, ProgressListener.NONE);
    Codes one = Parallel.withThreads(1, () -> rq.encode(DATA));
    Codes three = Parallel.withThreads(3, () -> rq.encode(DATA));
    assertEquals(one, three);
  }

  @Test
  void pqAdcMatchesDistanceToReconstruction() {
    ProductQuantizer pq = ProductQuantizer.trainer(4, KMeansParams.of(16)).train(DATA, 5, ProgressListener.NONE);
    Codes codes = pq.encode(DATA);
    FloatMatrix dec = pq.decode(codes);
    float[] q = DATA.rowCopy(0);
    float[] table = pq.adcTable(q);
    for (int i = 0; i < 100; i++) {
      double exact = 0;
      for (int t = 0; t < 16; t++) {
        double diff = q[t] - dec.get(i, t);
        exact += diff * diff;
      }
      assertEquals(exact, pq.adcDistance(table, codes, i), 1e-3 * (1 + exact));
    }
    int[] top = pq.search(q, codes, 10);
    assertEquals(10, top.length);
    for (int i = 1; i < top.length; i++) {
      assertTrue(pq.adcDistance(table, codes, top[i - 1]) <= pq.adcDistance(table, codes, top[i]));
    }
  }

  @Test
  void pqRejectsIndivisibleDimension() {
    var e = assertThrows(InvalidInputException.class,
        () -> ProductQuantizer.trainer(5, KMeansParams.of(4)).train(DATA, 1, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("16 is not divisible by M=5"), e.getMessage());
  }

  @Test
  void wrongDimensionAndNanAreClearErrors() {
    VectorQuantizer vq = VectorQuantizer.trainer(KMeansParams.of(4)).train(DATA, 1, ProgressListener.NONE);
    var e = assertThrows(InvalidInputException.class, () -> vq.encode(new FloatMatrix(3, 15)));
    assertTrue(e.getMessage().contains("dimension 15 != 16"), e.getMessage());
    FloatMatrix bad = DATA.copy();
    bad.set(17, 3, Float.NaN);
    e = assertThrows(InvalidInputException.class,
        () -> VectorQuantizer.trainer(KMeansParams.of(4)).train(bad, 1, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("NaN in row 17, column 3"), e.getMessage());
    Codes c = Codes.wrap(new int[] {4}, 1, 1);
    e = assertThrows(InvalidInputException.class, () -> vq.decode(c));
    assertTrue(e.getMessage().contains("outside [0, 4)"), e.getMessage());
  }

  @Test
  void metricsCountUsageAndSharedTuples() {
    FloatMatrix x = FloatMatrix.ofRows(new float[] {0}, new float[] {0}, new float[] {10}, new float[] {20});
    VectorQuantizer vq = new VectorQuantizer(FloatMatrix.ofRows(new float[] {0}, new float[] {10},
        new float[] {20}, new float[] {30}), KMeansParams.of(4));
    UsageMetrics m = UsageMetrics.of(vq, x, vq.encode(x));
    CodebookUsage u = m.codebooks().get(0);
    assertEquals(3, u.used());
    assertEquals(1, u.deadCodes());
    assertEquals(0.75, u.utilization(), 1e-12);
    // distribution (1/2, 1/4, 1/4): entropy 1.5 bits
    assertEquals(Math.pow(2, 1.5), u.perplexity(), 1e-9);
    assertEquals(0.5, m.sharedTupleRate(), 1e-12);
    assertEquals(3, m.distinctTuples());
    assertEquals(0.0, m.mse(), 1e-12);
    assertTrue(m.toTable().contains("75.0%"), m.toTable());
  }
}
