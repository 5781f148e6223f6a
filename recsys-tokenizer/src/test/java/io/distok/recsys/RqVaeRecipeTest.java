package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The RQ-VAE recipe of semantic IDs end to end; jqwik prints the seed of every run. */
class RqVaeRecipeTest {
  private static final RqVaeSettings QUICK = new RqVaeSettings(16, 6, 40, 3e-3, 32, 0.25, 5);

  private static ItemEmbeddings catalogue(int n, long seed) {
    return ItemEmbeddings.numbered(SyntheticData.gaussianClusters(n, 8, 12, 0.2, seed));
  }

  private static SemanticIdConfig config(long seed) {
    return SemanticIdConfig.DEFAULT.withCodebookSizes(8, 8).withSeed(seed).withRqVae(QUICK);
  }

  private static ItemEmbeddings rows(ItemEmbeddings all, int from, int to) {
    return new ItemEmbeddings(all.ids().subList(from, to), all.vectors().selectRows(IntStream.range(from, to)
        .toArray()));
  }

  /**
   * The IDs come from the frozen encoder and codebooks; after save and load the model has the same fingerprint,
   * IDs and reconstructions, and new items get the same IDs from the loaded model as from the one in memory.
   */
  @Property(tries = 3)
  void idsAreTheFrozenEncodersCodesAndSurviveSaveAndLoad(@ForAll long seed) throws Exception {
    ItemEmbeddings all = catalogue(700, seed);
    ItemEmbeddings first = rows(all, 0, 600);
    SemanticIdModel model = SemanticIdTrainer.fit(first, config(seed), ProgressListener.NONE);
    assertNotNull(model.encoder());
    assertEquals("rq-vae", model.config().recipe());
    // raw IDs are the residual VQ's greedy codes of the encoder's output on the normalised embeddings
    Codes raw = model.quantizer().withBeam(1).encode(model.latent(first.normalized().vectors()));
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(raw.row(i), model.rawCodes(first.ids().get(i)));
    }
    Path dir = Files.createTempDirectory(Path.of("target"), "rq-vae");
    SemanticIdStore.save(model, null, dir);
    SemanticIdModel back = SemanticIdStore.load(dir);
    assertEquals(model.fingerprint(), back.fingerprint());
    assertEquals(model.config(), back.config());
    for (String id : first.ids()) {
      assertArrayEquals(model.codes(id), back.codes(id));
    }
    FloatMatrix x = first.normalized().vectors();
    assertArrayEquals(model.embeddingQuantizer().decode(raw).data(), back.embeddingQuantizer().decode(raw).data());
    ItemEmbeddings later = rows(all, 600, 700);
    Map<String, int[]> a = model.assign(later).ids();
    Map<String, int[]> b = back.assign(later).ids();
    for (String id : later.ids()) {
      assertArrayEquals(a.get(id), b.get(id), id);
    }
    assertEquals(x.cols(), back.dimension());
  }

  /** The collision policies apply to RQ-VAE codes as to RQ-KMeans ones: suffix leaves no two alike, none keeps raw. */
  @Test
  void collisionPoliciesResolveRqVaeCodes() {
    ItemEmbeddings items = catalogue(500, 3);
    SemanticIdModel suffix = SemanticIdTrainer.fit(items, config(3), ProgressListener.NONE);
    Set<String> seen = new HashSet<>();
    for (String id : items.ids()) {
      assertTrue(seen.add(java.util.Arrays.toString(suffix.codes(id))), "two items share " + suffix.tokens(id));
    }
    SemanticIdModel none = SemanticIdTrainer.fit(items, config(3).withCollision(CollisionPolicy.Kind.NONE),
        ProgressListener.NONE);
    for (String id : items.ids()) {
      assertArrayEquals(none.rawCodes(id), none.codes(id));
      assertArrayEquals(suffix.rawCodes(id), none.rawCodes(id), "the policy must not change the raw codes");
    }
  }

  /** Training and IDs are bit-identical at 1 and 2 threads. */
  @Property(tries = 2)
  void rqVaeIdsDoNotDependOnTheThreadCount(@ForAll long seed) {
    ItemEmbeddings items = catalogue(500, seed);
    SemanticIdModel one = Parallel.withThreads(1, () -> SemanticIdTrainer.fit(items, config(seed),
        ProgressListener.NONE));
    SemanticIdModel two = Parallel.withThreads(2, () -> SemanticIdTrainer.fit(items, config(seed),
        ProgressListener.NONE));
    assertEquals(one.fingerprint(), two.fingerprint());
    for (String id : items.ids()) {
      assertArrayEquals(one.codes(id), two.codes(id));
    }
  }

  @Test
  void reportMeasuresReconstructionsThroughTheDecoder() {
    ItemEmbeddings items = catalogue(400, 5);
    SemanticIdModel m = SemanticIdTrainer.fit(items, config(5), ProgressListener.NONE);
    SemanticIdReport r = SemanticIdReport.of(m, items, 100, 5);
    assertTrue(Double.isFinite(r.embedding().mse()) && r.embedding().mse() > 0);
    assertTrue(r.embedding().relativeMse() < 1, "the decoder must reconstruct better than the mean: "
        + r.embedding().relativeMse());
  }

  @Test
  void theRecipeIsRecordedAndCheckedOnLoad() throws Exception {
    SemanticIdConfig c = config(7);
    assertEquals(c, SemanticIdConfig.fromJson(c.toJson(), "test"));
    assertNotEquals(c, c.withRqVae(null));
    assertEquals("rq-kmeans", c.withRqVae(null).recipe());
    ItemEmbeddings items = catalogue(300, 7);
    SemanticIdModel vae = SemanticIdTrainer.fit(items, c, ProgressListener.NONE);
    SemanticIdModel kmeans = SemanticIdTrainer.fit(items, c.withRqVae(null), ProgressListener.NONE);
    assertNotEquals(vae.fingerprint(), kmeans.fingerprint());
    InvalidInputException dim = assertThrows(InvalidInputException.class, () -> vae.assign(
        ItemEmbeddings.numbered(new FloatMatrix(2, 5))));
    assertTrue(dim.getMessage().contains("dimension 5 != 8"), dim.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new RqVaeSettings(0, 0, 1, 1e-3, 1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new RqVaeSettings(8, 0, 1, 0, 1, 0, 0));
  }
}
