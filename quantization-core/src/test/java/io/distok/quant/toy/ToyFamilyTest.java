package io.distok.quant.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.testdata.SyntheticData;
import io.distok.quant.UsageMetrics;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.io.ModelStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A family that exists only in the test class path (this package and one services line) fits, saves, loads and
 * encodes through the provider and the model store, with no edit anywhere else.
 */
class ToyFamilyTest {
  @TempDir
  Path dir;

  @Test
  void aFamilyFoundByNameFitsSavesLoadsAndEncodes() throws Exception {
    QuantizerFamily family = QuantizerFamily.forName("toy-sign");
    assertTrue(QuantizerFamily.all().stream().anyMatch(f -> f.name().equals("vq")), "built-in families still found");
    FloatMatrix x = SyntheticData.gaussianClusters(300, 10, 4, 0.5, 11);
    Quantizer q = family.trainer(ParameterValues.of(family.parameters(), Map.of("groupBits", "3")))
        .train(x, 1, ProgressListener.NONE);
    assertEquals(4, q.layout().positions());
    assertEquals(2, q.layout().size(3), "the last group holds the one dimension left");
    Codes codes = q.encode(x);
    ModelStore.save(q, 1, dir.resolve("m"));
    Quantizer back = ModelStore.load(dir.resolve("m"));
    assertEquals("toy-sign", back.method());
    assertEquals(codes, back.encode(x));
    assertTrue(java.util.Arrays.equals(q.decode(codes).data(), back.decode(codes).data()), "same decoding");
    UsageMetrics m = UsageMetrics.of(back, x, codes);
    assertTrue(m.relativeMse() < 1, "sign codes beat the mean vector: " + m.relativeMse());
    assertEquals(back.layout().toString(), q.layout().toString());
  }

  @Test
  void badParameterValuesAndMissingStateAreClear() throws Exception {
    QuantizerFamily family = QuantizerFamily.forName("toy-sign");
    var e = assertThrows(InvalidInputException.class,
        () -> family.trainer(ParameterValues.of(family.parameters(), Map.of("groupBits", "x"))));
    assertTrue(e.getMessage().contains("--group-bits: 'x' is not an integer"), e.getMessage());
    FloatMatrix x = SyntheticData.gaussianClusters(50, 4, 2, 0.5, 1);
    Quantizer q = family.trainer(ParameterValues.of(family.parameters(), Map.of())).train(x, 1,
        ProgressListener.NONE);
    ModelStore.save(q, 1, dir.resolve("m"));
    Files.delete(dir.resolve("m").resolve("center-0.npy"));
    e = assertThrows(InvalidInputException.class, () -> ModelStore.load(dir.resolve("m")));
    assertTrue(e.getMessage().contains("center-0.npy is missing"), e.getMessage());
  }
}
