package io.distok.quant;

import io.distok.util.FloatMatrix;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Constructors refuse codebooks that do not match their parameters (programmer errors). */
class ConstructorChecksTest {
  @Test
  void productQuantizerSubSpacesShareK() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ProductQuantizer(List.of(new FloatMatrix(4, 2),
        new FloatMatrix(3, 2)), KMeansParams.of(4)));
    assertTrue(e.getMessage().contains("all sub-spaces share K"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> new ProductQuantizer(List.of(new FloatMatrix(4, 2),
        new FloatMatrix(4, 2)), KMeansParams.of(8)));
    assertTrue(f.getMessage().contains("parameters say K = 8"), f.getMessage());
  }

  @Test
  void vectorQuantizerCodebookMatchesK() {
    var e = assertThrows(IllegalArgumentException.class, () -> new VectorQuantizer(new FloatMatrix(5, 3),
        KMeansParams.of(4)));
    assertTrue(e.getMessage().contains("does not match K = 4"), e.getMessage());
  }

  @Test
  void residualQuantizerLevelsMatchTheirSizes() {
    ResidualQuantizerParams p = new ResidualQuantizerParams(new int[] {4, 2}, KMeansParams.of(4), 1, false, 0);
    var e = assertThrows(IllegalArgumentException.class, () -> new ResidualQuantizer(List.of(new FloatMatrix(4, 3),
        new FloatMatrix(3, 3)), null, p));
    assertTrue(e.getMessage().contains("level 1 codebook is 3 x 3, expected 2 x 3"), e.getMessage());
    var f = assertThrows(IllegalArgumentException.class, () -> new ResidualQuantizer(List.of(new FloatMatrix(4, 3),
        new FloatMatrix(2, 5)), null, p));
    assertTrue(f.getMessage().contains("expected 2 x 3"), f.getMessage());
  }
}
