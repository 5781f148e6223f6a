package io.distok.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.testdata.SyntheticData;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
  static final FloatMatrix DATA = SyntheticData.gaussianClusters(1200, 8, 20, 0.3, 21);

  @TempDir
  Path dir;

  static List<Quantizer> models() {
    return List.of(
        VectorQuantizer.trainer(KMeansParams.of(16)).train(DATA, 1, ProgressListener.NONE),
        ResidualQuantizer.trainer(ResidualQuantizerParams.of(3, 8).withBeam(3)).train(DATA, 2, ProgressListener.NONE),
        ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {8, 4}, KMeansParams.of(8), 1, true))
            .train(DATA, 2, ProgressListener.NONE),
        ProductQuantizer.trainer(4, KMeansParams.of(8)).train(DATA, 3, ProgressListener.NONE));
  }

  @Test
  void saveLoadGivesBitIdenticalCodes() throws IOException {
    int i = 0;
    for (Quantizer q : models()) {
      Path m = dir.resolve("model" + i++);
      ModelStore.save(q, 77, m);
      Quantizer back = ModelStore.load(m);
      assertEquals(q.method(), back.method());
      assertEquals(q.parameters(), back.parameters());
      assertEquals(q.encode(DATA), back.encode(DATA), q.method());
      assertEquals(77, ModelStore.seed(m));
      assertTrue(Files.exists(m.resolve("codebook-0.npy")));
    }
  }

  /**
   * A fingerprint survives save and load (another file, another seed recorded), tells every model of the list
   * apart, notices a transform in front and a single changed float bit, and is 64 hex digits.
   */
  @Test
  void fingerprintsIdentifyModelsNotFiles() throws IOException {
    List<Quantizer> ms = models();
    java.util.Set<String> seen = new java.util.HashSet<>();
    int i = 0;
    for (Quantizer q : ms) {
      String f = ModelFingerprint.of(q);
      assertTrue(f.matches("[0-9a-f]{64}"), f);
      Path m = dir.resolve("fp" + i++);
      ModelStore.save(q, 5 + i, m);
      assertEquals(f, ModelFingerprint.of(ModelStore.load(m)), q.method() + " after save and load");
      assertTrue(seen.add(f), "two models share " + f);
      assertFalse(f.equals(ModelFingerprint.of(new io.distok.quant.transform.TransformedQuantizer(List.of(
          new io.distok.quant.transform.L2Normalization(q.dimension())), q))), "a transform changes the model");
    }
    ResidualQuantizer rq = (ResidualQuantizer) ms.get(1);
    assertFalse(ModelFingerprint.of(rq).equals(ModelFingerprint.of(rq.withBeam(1))), "the encode beam is part of it");
    VectorQuantizer vq = (VectorQuantizer) ms.get(0);
    assertEquals(ModelFingerprint.of(vq), ModelFingerprint.of(new VectorQuantizer(vq.codebooks().get(0),
        KMeansParams.of(16).withNiter(3))), "training settings are not");
    FloatMatrix c = vq.codebooks().get(0).copy();
    c.data()[c.data().length - 1] = Math.nextUp(c.data()[c.data().length - 1]);
    // the same codebook rebuilt gives the same fingerprint; one float moved by one ulp another
    assertEquals(ModelFingerprint.of(vq), ModelFingerprint.of(new VectorQuantizer(vq.codebooks().get(0).copy(),
        KMeansParams.of(16))));
    assertFalse(ModelFingerprint.of(new VectorQuantizer(c, KMeansParams.of(16))).equals(ModelFingerprint.of(vq)));
    assertEquals(ModelFingerprint.of(vq, java.util.Map.of("a", 1, "b", "x")),
        ModelFingerprint.of(vq, new java.util.TreeMap<>(java.util.Map.of("b", "x", "a", 1))), "settings in any order");
    assertFalse(ModelFingerprint.of(vq, java.util.Map.of("a", 1)).equals(ModelFingerprint.of(vq, java.util.Map.of(
        "a", 2))));
  }

  @Test
  void savingTwiceReplacesTheModel() throws IOException {
    List<Quantizer> ms = models();
    Path m = dir.resolve("model");
    ModelStore.save(ms.get(0), 1, m);
    ModelStore.save(ms.get(3), 1, m);
    assertEquals("pq", ModelStore.load(m).method());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary directories left behind");
    }
  }

  @Test
  void tamperedCodebookFailsItsChecksum() throws IOException {
    Path m = dir.resolve("model");
    ModelStore.save(models().get(0), 1, m);
    byte[] b = Files.readAllBytes(m.resolve("codebook-0.npy"));
    b[b.length - 1] ^= 1;
    Files.write(m.resolve("codebook-0.npy"), b);
    var e = assertThrows(InvalidInputException.class, () -> ModelStore.load(m));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
  }

  @Test
  void unsupportedFormatVersionIsRefused() throws IOException {
    Path m = dir.resolve("model");
    ModelStore.save(models().get(0), 1, m);
    Path meta = m.resolve("model.json");
    Files.writeString(meta, Files.readString(meta).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
    var e = assertThrows(InvalidInputException.class, () -> ModelStore.load(m));
    assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
  }

  @Test
  void notAModelDirectory() {
    var e = assertThrows(InvalidInputException.class, () -> ModelStore.load(dir));
    assertTrue(e.getMessage().contains("not a distok quantizer model (no model.json)"), e.getMessage());
  }

  @Test
  void failedSaveLeavesNoDirectory() {
    Quantizer broken = new Quantizer() {
      @Override public String method() {
        return "vq";
      }
      @Override public int dimension() {
        return 1;
      }
      @Override public io.distok.quant.CodeLayout layout() {
        return io.distok.quant.CodeLayout.of(1);
      }
      @Override public java.util.Map<String, Object> parameters() {
        throw new IllegalStateException("boom");
      }
      @Override public io.distok.quant.Codes encode(FloatMatrix x) {
        throw new UnsupportedOperationException();
      }
      @Override public FloatMatrix decode(io.distok.quant.Codes c) {
        throw new UnsupportedOperationException();
      }
    };
    assertThrows(IllegalStateException.class, () -> ModelStore.save(broken, 1, dir.resolve("m")));
    assertFalse(Files.exists(dir.resolve("m")));
  }
}
