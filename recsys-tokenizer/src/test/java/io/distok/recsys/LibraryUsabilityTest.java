package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.util.InvalidInputException;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The shortest library paths: float arrays in, IDs out, default recipe scaled to a small catalogue. */
class LibraryUsabilityTest {

  @Test
  void aSmallCatalogueFromFloatArraysGetsScaledCodebooksAndUniqueIds() {
    SplittableRandom rng = new SplittableRandom(4);
    float[][] rows = new float[50][8];
    for (float[] r : rows) {
      for (int t = 0; t < r.length; t++) {
        r[t] = (float) rng.nextGaussian();
      }
    }
    ItemEmbeddings items = ItemEmbeddings.of(rows);
    assertEquals("49", items.ids().get(49));
    SemanticIdModel model = SemanticIdTrainer.fit(items);
    // 50 items: 256 codes per level would leave at least 206 dead; the recipe uses 32
    assertArrayEquals(new int[] {32, 32, 32}, model.config().codebookSizes());
    Set<String> tokens = new HashSet<>();
    Codes raw = new Codes(50, 3);
    for (int i = 0; i < 50; i++) {
      tokens.add(model.tokens(Integer.toString(i)));
      int[] c = model.rawCodes(Integer.toString(i));
      for (int l = 0; l < 3; l++) {
        raw.set(i, l, c[l]);
      }
    }
    assertEquals(50, tokens.size(), "unique IDs");
    // balanced level 1: every one of the 32 codes is used by 50 items
    assertEquals(32, CodebookUsage.of(raw, 0, 32).used());
  }

  @Test
  void builderAndWithersAgree() {
    SemanticIdConfig a = SemanticIdConfig.builder().seed(7).niter(5).codebookSizes(16, 16).balanced(false).build();
    SemanticIdConfig b = SemanticIdConfig.DEFAULT.withSeed(7).withNiter(5).withCodebookSizes(16, 16)
        .withBalanced(false);
    assertEquals(a, b);
    assertThrows(IllegalArgumentException.class, () -> SemanticIdConfig.builder().codebookSizes(1).build());
    assertThrows(InvalidInputException.class, () -> ItemEmbeddings.of(new float[][] {{1, 2}, {3}}));
    assertTrue(SemanticIdTrainer.scaledTo(SemanticIdConfig.DEFAULT, 100_000) == SemanticIdConfig.DEFAULT);
  }

  @Test
  void levelsGrowWithTheCatalogueSoTuplesStaySparse() {
    assertEquals(3, SemanticIdTrainer.recommendedLevels(12_101, 256));
    assertEquals(3, SemanticIdTrainer.recommendedLevels(262_144, 256), "256^3 = 64 x 262,144");
    assertEquals(4, SemanticIdTrainer.recommendedLevels(262_145, 256));
    assertEquals(4, SemanticIdTrainer.recommendedLevels(1_000_000, 256));
    assertEquals(5, SemanticIdTrainer.recommendedLevels(100_000_000, 256));
    assertEquals(8, SemanticIdTrainer.recommendedLevels(1_000, 4), "4^7 = 16,384 < 64,000 <= 4^8 = 65,536");
    assertThrows(IllegalArgumentException.class, () -> SemanticIdTrainer.recommendedLevels(10, 1));
  }
}
