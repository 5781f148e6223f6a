package io.distok.quant.lfq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.quant.QueryScorer;
import io.distok.quant.Quantizer;
import io.distok.quant.SignCodes;
import io.distok.quant.UsageMetrics;
import io.distok.quant.bsq.BinarySphericalQuantizer;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.io.ModelStore;
import io.distok.quant.train.BitEntropy;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Randomized properties of LFQ, BSQ and their factorised entropies; jqwik prints the seed of every run. */
class SignCodeFamiliesPropertiesTest {

  private static FloatMatrix uniform(int n, int d, SplittableRandom rng) {
    FloatMatrix z = new FloatMatrix(n, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        z.set(i, t, (float) (rng.nextDouble() * 4 - 2 + 0.3 * t));
      }
    }
    return z;
  }

  @Property(tries = 40)
  void codesAreSignBitsAndDecodeToTheSideMeans(@ForAll long seed, @ForAll @IntRange(min = 1, max = 70) int bits,
      @ForAll @IntRange(min = 1, max = 62) int groupBits) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix z = uniform(200, bits, rng);
    LookupFreeQuantizer q = LookupFreeQuantizer.fit(z, groupBits, ProgressListener.NONE);
    Codes codes = q.encode(z);
    SignCodes signs = q.signCodes();
    assertEquals(bits, q.layout().totalBits(), "one bit per dimension");
    FloatMatrix back = q.decode(codes);
    for (int t = 0; t < bits; t++) {
      double pos = 0;
      double neg = 0;
      int np = 0;
      for (int i = 0; i < z.rows(); i++) {
        boolean set = signs.bit(codes, i, t);
        assertEquals(z.get(i, t) > 0, set, "bit = sign");
        assertEquals(set ? q.positive()[t] : q.negative()[t], back.get(i, t));
        if (set) {
          pos += z.get(i, t);
          np++;
        } else {
          neg += z.get(i, t);
        }
      }
      if (np > 0) {
        assertEquals(pos / np, q.positive()[t], 1e-4);
      }
      if (np < z.rows()) {
        assertEquals(neg / (z.rows() - np), q.negative()[t], 1e-4);
      }
    }
    float[] query = z.rowCopy(rng.nextInt(z.rows()));
    QueryScorer tables = q.scorer(query);
    for (int i = 0; i < 20; i++) {
      double dist = 0;
      double dot = 0;
      for (int t = 0; t < bits; t++) {
        double diff = query[t] - back.get(i, t);
        dist += diff * diff;
        dot += query[t] * back.get(i, t);
      }
      assertEquals(dist, tables.squaredDistance(codes, i), 1e-3, "distance from the per-bit tables");
      assertEquals(dot, tables.innerProduct(codes, i), 1e-3, "inner product from the per-bit tables");
    }
  }

  @Property(tries = 40)
  void bsqCodewordsLieOnTheSphereAndHammingGivesTheirInnerProduct(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 64) int bits) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix z = uniform(100, bits, rng);
    BinarySphericalQuantizer q = BinarySphericalQuantizer.fit(z, 16, ProgressListener.NONE);
    Codes codes = q.encode(z);
    FloatMatrix back = q.decode(codes);
    double r = q.radius();
    for (int i = 0; i < z.rows(); i++) {
      double norm = 0;
      for (int t = 0; t < bits; t++) {
        norm += (double) back.get(i, t) * back.get(i, t);
      }
      assertEquals(r * r, norm, 1e-4 * r * r, "on the sphere of radius r");
      int j = rng.nextInt(z.rows());
      double dot = 0;
      for (int t = 0; t < bits; t++) {
        dot += (double) back.get(i, t) * back.get(j, t);
      }
      assertEquals(r * r * (bits - 2.0 * q.hamming(codes, i, codes, j)) / bits, dot, 1e-4 * r * r);
    }
    // the fitted radius is the least-squares one: any other radius reconstructs worse
    double err = UsageMetrics.of(q, z, codes).mse();
    for (double f : new double[] {0.9, 1.1}) {
      BinarySphericalQuantizer other = new BinarySphericalQuantizer(bits, 16, (float) (r * f));
      assertTrue(UsageMetrics.of(other, z, codes).mse() >= err, "radius x" + f);
    }
  }

  /** Exact entropies over all 2^K codes (K at most 8) against the factorised ones. */
  @Property(tries = 30)
  void factorisedEntropiesMatchTheExactOnes(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int bits) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix z = uniform(40, bits, rng);
    double beta = 0.2 + rng.nextDouble() * 3;
    BitEntropy f = BitEntropy.of(z, beta);
    int codes = 1 << bits;
    double[] meanCode = new double[codes];
    double sample = 0;
    for (int i = 0; i < z.rows(); i++) {
      // softmax over codes c in {-1, 1}^K of beta <z, c>
      double[] logits = new double[codes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < codes; c++) {
        double l = 0;
        for (int t = 0; t < bits; t++) {
          l += beta * z.get(i, t) * (((c >> t) & 1) != 0 ? 1 : -1);
        }
        logits[c] = l;
        max = Math.max(max, l);
      }
      double sum = 0;
      for (int c = 0; c < codes; c++) {
        sum += Math.exp(logits[c] - max);
      }
      for (int c = 0; c < codes; c++) {
        double p = Math.exp(logits[c] - max) / sum;
        meanCode[c] += p / z.rows();
        if (p > 0) {
          sample -= p * Math.log(p) / z.rows();
        }
      }
    }
    double codebook = 0;
    for (double p : meanCode) {
      if (p > 0) {
        codebook -= p * Math.log(p);
      }
    }
    assertEquals(sample, f.sampleEntropy(), 1e-9 * bits, "per-sample entropy factorises exactly");
    assertTrue(f.codebookEntropy() >= codebook - 1e-9, "factorised codebook entropy bounds the exact one");
    assertTrue(f.codebookEntropy() <= bits * Math.log(2) + 1e-12);
  }

  @Test
  void extremeLogitsStayFinite() {
    FloatMatrix z = FloatMatrix.ofRows(new float[] {1e30f, -1e30f}, new float[] {-1e30f, 1e30f});
    BitEntropy e = BitEntropy.of(z, 10);
    assertEquals(0, e.sampleEntropy(), 1e-12, "confident codes");
    assertEquals(2 * Math.log(2), e.codebookEntropy(), 1e-12, "both bits used evenly");
  }

  @Test
  void familiesSaveLoadAndEncodeIdenticallyWhateverTheThreads() throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(2000, 25, 8, 0.5, 5);
    for (String method : new String[] {"lfq", "bsq"}) {
      QuantizerFamily family = QuantizerFamily.forName(method);
      // 64 bits of 25-dimensional vectors: the projection becomes an overcomplete frame
      Quantizer q = family.trainer(ParameterValues.of(family.parameters(), Map.of("bits", "64"))).train(x, 9,
          ProgressListener.NONE);
      assertEquals(64, q.layout().totalBits());
      assertEquals(4, q.layout().positions(), "16 bits per position by default");
      Path dir = Files.createTempDirectory(method);
      ModelStore.save(q, 9, dir.resolve("m"));
      Quantizer back = ModelStore.load(dir.resolve("m"));
      assertEquals(method, back.method());
      Codes one = Parallel.withThreads(1, () -> back.encode(x));
      assertEquals(one, Parallel.withThreads(2, () -> q.encode(x)));
      assertArrayEquals(q.decode(one).data(), back.decode(one).data());
      assertTrue(UsageMetrics.of(back, x, one).relativeMse() < 0.6, method + " reconstructs");
    }
  }

  @Test
  void badBitsAreNamed() {
    QuantizerFamily family = QuantizerFamily.forName("lfq");
    var e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("groupBits", "63"))));
    assertTrue(e.getMessage().contains("--group-bits must be in [1, 62]"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> family.trainer(ParameterValues.of(family.parameters(),
        Map.of("bits", "0"))));
    assertTrue(e.getMessage().contains("--bits must be >= 1"), e.getMessage());
  }
}
