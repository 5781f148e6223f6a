package io.distok.lucene.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.lucene.index.CodesIndexWriter;
import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Search over an index of plain quantizer codes on real on-disk indexes under target/indexes: a PQ model (look-up
 * tables, code-term candidates) and a BSQ model (no tables, flat scan), each checked against a brute-force ranking
 * of every item by the model's own scorer. Queries are drawn from jqwik's printed seed.
 */
class CodesSearchTest {
  static final int N = 1200;
  static final int D = 16;
  static final FloatMatrix X = SyntheticData.gaussianClusters(N, D, 20, 0.4, 3);
  static final List<String> IDS = IntStream.range(0, N).mapToObj(i -> "row-" + i).toList();
  static final Quantizer PQ = ProductQuantizer.trainer(4, KMeansParams.of(16)).train(X, 7, ProgressListener.NONE);
  static final Quantizer BSQ = train("bsq", Map.of("bits", "16"));
  static final Map<String, Map<String, Object>> FIELDS = new LinkedHashMap<>();

  static {
    for (int i = 0; i < N; i++) {
      FIELDS.put(IDS.get(i), Map.of("price", (double) (i % 40)));
    }
  }

  private static Quantizer train(String method, Map<String, String> settings) {
    QuantizerFamily family = QuantizerFamily.forName(method);
    return family.trainer(ParameterValues.of(family.parameters(), settings)).train(X, 5, ProgressListener.NONE);
  }

  static Path index(String name, Quantizer model, boolean vectors) throws IOException {
    Path dir = ItemSearchTest.freshDir(name);
    try (CodesIndexWriter w = CodesIndexWriter.open(dir, model, vectors, "test model")) {
      w.put(IDS, model.encode(X), vectors ? X : null, FIELDS, "codes", ProgressListener.NONE);
      w.commit();
    }
    return dir;
  }

  private static final Path PQ_INDEX;
  private static final Path BSQ_INDEX;

  static {
    try {
      PQ_INDEX = index("codes-pq", PQ, false);
      BSQ_INDEX = index("codes-bsq", BSQ, false);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The k ids nearest to q by the model's scorer over every item (optionally only rows with price below a cap). */
  static List<String> bruteForce(Quantizer model, float[] q, int k, double maxPrice) {
    QueryScorer scorer = model.scorer(q);
    Codes codes = model.encode(X);
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      if (i % 40 < maxPrice) {
        rows.add(i);
      }
    }
    // nearest first, ties in row order (the index holds the rows in that order)
    rows.sort((a, b) -> {
      int c = Float.compare(scorer.squaredDistance(codes, a), scorer.squaredDistance(codes, b));
      return c != 0 ? c : Integer.compare(a, b);
    });
    return rows.subList(0, k).stream().map(IDS::get).toList();
  }

  static float[] query(SplittableRandom rng) {
    float[] q = X.rowCopy(rng.nextInt(N));
    for (int t = 0; t < D; t++) {
      q[t] += (float) (rng.nextGaussian() * 0.2);
    }
    return q;
  }

  static List<String> ids(List<CodesSearcher.Hit> hits) {
    return hits.stream().map(CodesSearcher.Hit::id).toList();
  }

  /**
   * With every code of every position expanded and every item a candidate, code-term search is exact: the brute
   * force by the PQ scorer, distances included.
   */
  @Property(tries = 15)
  void everyCodeExpandedIsExact(@ForAll long seed) throws IOException {
    float[] q = query(new SplittableRandom(seed));
    try (CodesSearcher s = CodesSearcher.open(PQ_INDEX, PQ, "test model")) {
      List<CodesSearcher.Hit> hits = s.nearest(q, 10, 16, N, null);
      assertEquals(bruteForce(PQ, q, 10, Double.MAX_VALUE), ids(hits));
      for (int i = 1; i < hits.size(); i++) {
        assertTrue(hits.get(i - 1).distance() <= hits.get(i).distance(), "nearest first");
      }
    }
  }

  /** A few near codes and a few hundred candidates find most of the exact top 10 (measured: all of it here). */
  @Test
  void fewCodesAndCandidatesRecallMostOfTheTop() throws IOException {
    SplittableRandom rng = new SplittableRandom(17);
    int found = 0;
    int queries = 40;
    try (CodesSearcher s = CodesSearcher.open(PQ_INDEX, PQ, "test model")) {
      for (int r = 0; r < queries; r++) {
        float[] q = query(rng);
        Set<String> truth = new HashSet<>(bruteForce(PQ, q, 10, Double.MAX_VALUE));
        for (String id : ids(s.nearest(q, 10, 4, 200, null))) {
          found += truth.contains(id) ? 1 : 0;
        }
      }
    }
    double recall = found / (10.0 * queries);
    assertTrue(recall >= 0.9, "recall@10 " + recall);
  }

  /** Without look-up tables (BSQ) the search scans every item matching the filter: exact by the scorer. */
  @Property(tries = 10)
  void flatScanIsExactUnderAFilter(@ForAll long seed) throws IOException {
    float[] q = query(new SplittableRandom(seed));
    try (CodesSearcher s = CodesSearcher.open(BSQ_INDEX, BSQ, "test model")) {
      var constraint = QueryConstraints.of(s.schema(), null, List.of("price<10"));
      assertEquals(bruteForce(BSQ, q, 10, 10), ids(s.nearest(q, 10, 1, 10, constraint)));
    }
  }

  /** Stored vectors rescore exactly; deleted items leave no trace; another model or a bad query is refused. */
  @Test
  void vectorsDeletesAndRefusals() throws IOException {
    Path dir = index("codes-vectors", PQ, true);
    float[] q = X.rowCopy(5);
    try (CodesSearcher s = CodesSearcher.open(dir, PQ, "test model")) {
      CodesSearcher.Hit top = s.nearest(q, 1, 8, 100, null).get(0);
      assertEquals("row-5", top.id(), "the query's own vector is at distance 0");
      assertEquals(0.0, top.distance());
    }
    try (CodesIndexWriter w = CodesIndexWriter.open(dir, PQ, false, "test model")) {
      assertTrue(w.storesVectors(), "the index keeps its choice");
      w.delete(List.of("row-5"));
      w.commit();
    }
    try (CodesSearcher s = CodesSearcher.open(dir, PQ, "test model")) {
      assertEquals(N - 1, s.size());
      assertFalse(ids(s.nearest(q, 10, 16, N, null)).contains("row-5"));
      var e = assertThrows(InvalidInputException.class, () -> s.nearest(new float[D + 1], 1, 8, 10, null));
      assertTrue(e.getMessage().contains("dimension"), e.getMessage());
    }
    var other = assertThrows(InvalidInputException.class, () -> CodesSearcher.open(dir, BSQ, "bsq model"));
    assertTrue(other.getMessage().contains("built with model"), other.getMessage());
    var kind = assertThrows(InvalidInputException.class, () -> ItemSearcher.open(dir, ItemSearchTest.model, "m"));
    assertTrue(kind.getMessage().contains("an index of codes"), kind.getMessage());
  }

  /** Codes outside the model's range, a count mismatch or a repeated id are refused before anything is written. */
  @Test
  void badCodesAreRefusedAndNothingIsWritten() throws IOException {
    Path dir = ItemSearchTest.freshDir("codes-bad");
    Codes codes = PQ.encode(X.selectRows(new int[] {0, 1, 2}));
    codes.set(2, 1, 16);
    try (CodesIndexWriter w = CodesIndexWriter.open(dir, PQ, false, "test model")) {
      var e = assertThrows(InvalidInputException.class, () -> w.put(IDS.subList(0, 3), codes, null, Map.of(),
          "codes.tsv", ProgressListener.NONE));
      assertTrue(e.getMessage().startsWith("codes.tsv: code 16 in row 2, position 1"), e.getMessage());
      Codes two = PQ.encode(X.selectRows(new int[] {0, 1}));
      var twice = assertThrows(InvalidInputException.class, () -> w.put(List.of("a", "a"), two, null, Map.of(),
          "codes.tsv", ProgressListener.NONE));
      assertTrue(twice.getMessage().contains("'a' appears twice"), twice.getMessage());
      w.commit();
    }
    try (CodesSearcher s = CodesSearcher.open(dir, PQ, "test model")) {
      assertEquals(0, s.size());
    }
  }
}
