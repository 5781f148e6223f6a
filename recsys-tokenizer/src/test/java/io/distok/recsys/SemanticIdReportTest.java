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
}
