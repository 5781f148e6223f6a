package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The typed report and its JSON form; jqwik prints the seed of every run. */
class SemanticIdReportTest {

  private static ItemEmbeddings catalogue(int n, long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    float[][] rows = new float[n][6];
    for (float[] r : rows) {
      for (int t = 0; t < r.length; t++) {
        r[t] = (float) rng.nextGaussian();
      }
    }
    return ItemEmbeddings.of(rows);
  }

  /** toMap then fromMap (through JSON text, as report.json is read) gives an equal report. */
  @Property(tries = 10)
  void jsonRoundTripKeepsEveryFigure(@ForAll @IntRange(min = 20, max = 200) int n, @ForAll long seed)
      throws Exception {
    ItemEmbeddings items = catalogue(n, seed);
    SemanticIdConfig config = SemanticIdConfig.builder().codebookSizes(8, 8).niter(3).seed(seed).build();
    SemanticIdModel model = SemanticIdTrainer.fit(items, config);
    SemanticIdReport report = SemanticIdReport.of(model, items, 20, seed).with("fitSeconds", 1.5);
    String json = JSON.std.asString(report.toMap());
    SemanticIdReport back = SemanticIdReport.fromMap(JSON.std.mapFrom(json), "report.json");
    assertEquals(report.codes(), back.codes());
    assertEquals(report.embedding(), back.embedding());
    assertEquals(1.5, ((Number) back.extra().get("fitSeconds")).doubleValue());
    assertEquals(n, back.codes().items());
    assertEquals(2, back.codes().perLevel().size());
    long sharing = back.codes().groupSizeHistogram().entrySet().stream()
        .mapToLong(e -> (long) e.getKey() * e.getValue()).sum();
    assertEquals(n, sharing, "every item is in exactly one code-tuple group");
  }

  @Test
  void aReportWithoutEmbeddingFiguresSaysSo() {
    ItemEmbeddings items = catalogue(40, 1);
    SemanticIdModel model = SemanticIdTrainer.fit(items, SemanticIdConfig.builder().codebookSizes(4, 4).build());
    SemanticIdReport r = SemanticIdReport.refreshed(null, model);
    assertNull(r.embedding());
    assertTrue(r.toTable().contains("no embedding figures"), r.toTable());
  }

  @Test
  void aBrokenReportNamesTheFileAndTheFigure() {
    var e = assertThrows(InvalidInputException.class,
        () -> SemanticIdReport.fromMap(Map.of("items", 3, "levels", "x"), "m/report.json"));
    assertTrue(e.getMessage().startsWith("m/report.json: "), e.getMessage());
  }

  /**
   * The report's blocked neighbour search finds each pick's k nearest rows: the same distances as a brute-force
   * scan in double (to float rounding), itself excluded; rows cross several packed blocks and, with 70,000 rows,
   * two scan chunks whose lists are merged.
   */
  @Property(tries = 6)
  void neighbourSearchMatchesABruteForceScan(@ForAll @IntRange(min = 2, max = 70_000) int n,
      @ForAll @IntRange(min = 1, max = 9) int d, @ForAll long seed) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
    io.distok.util.FloatMatrix x = new io.distok.util.FloatMatrix(n, d);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) rng.nextGaussian();
    }
    int[] picks = rng.ints(0, n).distinct().limit(Math.min(n, 30)).sorted().toArray();
    int k = Math.min(SemanticIdReport.NEIGHBOURS, n - 1);
    int[][] found = SemanticIdReport.nearest(x, picks, k);
    for (int s = 0; s < picks.length; s++) {
      double[] all = new double[n];
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int t = 0; t < d; t++) {
          double diff = x.get(i, t) - x.get(picks[s], t);
          sum += diff * diff;
        }
        all[i] = i == picks[s] ? Double.POSITIVE_INFINITY : sum;
      }
      double[] sorted = all.clone();
      java.util.Arrays.sort(sorted);
      assertEquals(k, found[s].length, "neighbours of pick " + s);
      for (int j = 0; j < k; j++) {
        int row = found[s][j];
        assertTrue(row != picks[s], "a pick is not its own neighbour");
        assertEquals(sorted[j], all[row], 1e-4 * (1 + sorted[j]), "pick " + picks[s] + ", neighbour " + j);
      }
    }
  }
}
