package io.distok.quant;

import io.distok.testdata.SyntheticData;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Query scorers give the distances and inner products to the decoded vectors, from the codes alone; jqwik
 * prints the seed of every run.
 */
class QueryScorerPropertiesTest {

  private static Quantizer train(int family, FloatMatrix x, int k, int m, boolean normalize, long seed) {
    KMeansParams km = KMeansParams.of(k).withNiter(4);
    return switch (family) {
      case 0 -> VectorQuantizer.trainer(km).train(x, seed, ProgressListener.NONE);
      case 1 -> ProductQuantizer.trainer(m, km).train(x, seed, ProgressListener.NONE);
      default -> {
        int[] ks = new int[m];
        java.util.Arrays.fill(ks, k);
        yield ResidualQuantizer.trainer(new ResidualQuantizerParams(ks, km, 1, normalize, 0))
            .train(x, seed, ProgressListener.NONE);
      }
    };
  }

  /** Every family's scorer equals the squared distance and inner product to the decoded vector. */
  @Property(tries = 40)
  void scoresEqualThoseOfTheDecodedVectors(@ForAll @IntRange(min = 0, max = 2) int family,
      @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 6) int perSub,
      @ForAll @IntRange(min = 2, max = 24) int k, @ForAll boolean normalize, @ForAll long seed) {
    int d = m * perSub;
    FloatMatrix x = SyntheticData.gaussianClusters(200, d, 5, 0.7, seed);
    Quantizer q = train(family, x, k, m, normalize && family == 2, seed);
    Codes codes = q.encode(x);
    FloatMatrix decoded = q.decode(codes);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int trial = 0; trial < 5; trial++) {
      float[] query = new float[d];
      for (int t = 0; t < d; t++) {
        query[t] = (float) (3 * rng.nextGaussian());
      }
      QueryScorer s = q.scorer(query);
      QueryScorer generic = QueryScorer.byDecoding(q, query);
      for (int i = 0; i < x.rows(); i++) {
        double dist = 0;
        double dot = 0;
        double scale = 0;
        for (int t = 0; t < d; t++) {
          double y = decoded.get(i, t);
          dist += (query[t] - y) * (query[t] - y);
          dot += query[t] * y;
          scale += query[t] * query[t] + y * y;
        }
        double tol = 1e-5 * (1 + scale);
        assertEquals(dist, s.squaredDistance(codes, i), tol, q.method() + " row " + i);
        assertEquals(dot, s.innerProduct(codes, i), tol, q.method() + " row " + i);
        assertEquals(dist, generic.squaredDistance(codes, i), tol, "generic, row " + i);
        assertEquals(dot, generic.innerProduct(codes, i), tol, "generic, row " + i);
      }
    }
  }

  /**
   * An additive scorer's two-level prefix distance equals the squared distance between the query and the sum of
   * the two codewords, computed directly, for every pair of codes.
   */
  @Property(tries = 20)
  void prefixDistancesEqualTheDistanceToTheSumOfTwoCodewords(@ForAll @IntRange(min = 2, max = 4) int levels,
      @ForAll @IntRange(min = 2, max = 16) int k, @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(200, 5, 4, 0.6, seed);
    ResidualQuantizer rq = (ResidualQuantizer) train(2, x, k, levels, false, seed);
    float[] query = x.rowCopy(new SplittableRandom(seed).nextInt(x.rows()));
    AdditiveCodeScorer s = (AdditiveCodeScorer) rq.scorer(query);
    FloatMatrix c0 = rq.codebooks().get(0);
    FloatMatrix c1 = rq.codebooks().get(1);
    for (int a = 0; a < c0.rows(); a++) {
      for (int b = 0; b < c1.rows(); b++) {
        double dist = 0;
        double scale = 0;
        for (int t = 0; t < x.cols(); t++) {
          double y = c0.get(a, t) + c1.get(b, t);
          dist += (query[t] - y) * (query[t] - y);
          scale += query[t] * query[t] + y * y;
        }
        assertEquals(dist, s.prefixSquaredDistance(a, b), 1e-5 * (1 + scale), "cell (" + a + ", " + b + ")");
      }
    }
  }

  /** nearestCodes gives the t codes of smallest contribution, smallest first, ties by code. */
  @Property(tries = 30)
  void nearestCodesAreTheSmallestContributions(@ForAll @IntRange(min = 1, max = 2) int family,
      @ForAll @IntRange(min = 2, max = 20) int k, @ForAll @IntRange(min = 0, max = 25) int t, @ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(150, 6, 4, 0.5, seed);
    LookupTableScorer s = (LookupTableScorer) train(family, x, k, 2, false, seed).scorer(x.rowCopy(0));
    for (int j = 0; j < 2; j++) {
      int pos = j;
      List<Integer> all = new ArrayList<>();
      for (int c = 0; c < s.size(j); c++) {
        all.add(c);
      }
      all.sort(Comparator.<Integer>comparingDouble(c -> s.contribution(pos, c)).thenComparing(c -> c));
      int[] expected = all.stream().limit(Math.min(t, s.size(j))).mapToInt(Integer::intValue).toArray();
      assertArrayEquals(expected, s.nearestCodes(j, t), "position " + j);
    }
  }

  @Test
  void pqNearestSubCodeIsTheEncodedCode() {
    FloatMatrix x = SyntheticData.gaussianClusters(300, 8, 6, 0.4, 3);
    ProductQuantizer pq = ProductQuantizer.trainer(4, KMeansParams.of(16).withNiter(5)).train(x, 3,
        ProgressListener.NONE);
    Codes codes = pq.encode(x);
    for (int i = 0; i < 20; i++) {
      LookupTableScorer s = pq.scorer(x.rowCopy(i));
      for (int j = 0; j < 4; j++) {
        assertEquals(codes.get(i, j), s.nearestCodes(j, 1)[0], "row " + i + " sub-space " + j);
      }
    }
  }

  @Test
  void badQueriesAreRefused() {
    FloatMatrix x = SyntheticData.gaussianClusters(50, 4, 2, 0.4, 1);
    Quantizer q = VectorQuantizer.trainer(KMeansParams.of(4)).train(x, 1, ProgressListener.NONE);
    var e = assertThrows(InvalidInputException.class, () -> q.scorer(new float[3]));
    assertTrue(e.getMessage().contains("query dimension 3 != 4"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> q.scorer(new float[] {0, Float.NaN, 0, 0}));
    assertTrue(e.getMessage().contains("not finite"), e.getMessage());
  }
}
