package io.distok.spark.recsys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.recsys.CollisionPolicy;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SampledFit;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.spark.DistokSpark;
import io.distok.spark.LocalSpark;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The Spark job gives every item the ID the single-machine sampled fit gives it, whatever the partitioning. */
class SparkSemanticIdsTest {

  /** Clustered embeddings with ids of mixed lengths, so that id order and input order differ. */
  static ItemEmbeddings catalogue(long seed, int n, int d) {
    FloatMatrix x = SyntheticData.gaussianClusters(n, d, 3 + (int) Math.floorMod(seed, 9), 0.05, seed);
    SplittableRandom rng = new SplittableRandom(seed);
    Set<String> seen = new HashSet<>();
    List<String> ids = new ArrayList<>(n);
    while (ids.size() < n) {
      String id = "i" + Long.toString(rng.nextLong(1, 1L << (4 + rng.nextInt(30))), 36);
      if (seen.add(id)) {
        ids.add(id);
      }
    }
    return new ItemEmbeddings(ids, x);
  }

  @Property(tries = 15)
  void sameIdsAsTheSampledFitOnOneMachine(@ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 80 + rng.nextInt(400);
    ItemEmbeddings items = catalogue(seed, n, 3 + rng.nextInt(10));
    int levels = 1 + rng.nextInt(3);
    int[] ks = new int[levels];
    for (int l = 0; l < levels; l++) {
      ks[l] = 2 << rng.nextInt(4);
    }
    SemanticIdConfig config = SemanticIdConfig.builder().codebookSizes(ks).niter(1 + rng.nextInt(8))
        .seed(rng.nextLong()).normalize(rng.nextBoolean()).balanced(rng.nextBoolean())
        .collision(CollisionPolicy.Kind.values()[rng.nextInt(3)]).suffixSize(2 + rng.nextInt(40)).build();
    int sample = 8 + rng.nextInt(n + 20);
    int partitions = 1 + rng.nextInt(7);
    System.out.printf("seed %d: %d items, %s, sample %d, %d partitions%n", seed, n, config, sample, partitions);
    SemanticIdModel.Assignment expected;
    try {
      expected = SampledFit.fit(items, config, sample, ProgressListener.NONE);
    } catch (InvalidInputException e) {
      // the policy could not place an item (tiny codebooks): Spark must refuse with the same words
      InvalidInputException f = assertThrows(InvalidInputException.class, () -> run(items, config, sample,
          partitions));
      assertEquals(e.getMessage(), f.getMessage());
      return;
    }
    SparkSemanticIdResult actual = run(items, config, sample, partitions);
    Map<String, SparkSemanticIds.ItemId> got = new HashMap<>();
    for (SparkSemanticIds.ItemId i : actual.ids().collect()) {
      assertEquals(null, got.put(i.id(), i), "twice: " + i.id());
    }
    assertEquals(n, got.size());
    SemanticIdModel all = expected.model();
    for (String id : items.ids()) {
      SparkSemanticIds.ItemId i = got.get(id);
      assertNotNull(i, id);
      assertArrayEquals(all.rawCodes(id), i.raw(), id);
      assertArrayEquals(expected.ids().get(id), i.fin(), id);
    }
    assertEquals(Math.min(sample, n), actual.sampleModel().size());
  }

  static SparkSemanticIdResult run(ItemEmbeddings items, SemanticIdConfig config, int sample, int partitions)
      throws IOException {
    return SparkSemanticIds.run(SparkItems.fromEmbeddings(LocalSpark.context(), items, partitions), config, sample,
        partitions, ProgressListener.NONE);
  }

  @Test
  void writesIdsAndALoadableModelFromAParquetTable() throws IOException {
    ItemEmbeddings items = catalogue(5, 300, 8);
    Path dir = Files.createDirectories(Path.of("target", "spark-semantic-ids"));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      float[] v = items.vectors().rowCopy(i);
      double[] dv = new double[v.length];
      for (int j = 0; j < v.length; j++) {
        dv[j] = v[j];
      }
      rows.add(org.apache.spark.sql.RowFactory.create(items.ids().get(i), dv));
    }
    var schema = new org.apache.spark.sql.types.StructType().add("sku", "string").add("emb", "array<double>");
    Path table = dir.resolve("items.parquet");
    LocalSpark.session().createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(table.toString());
    SemanticIdConfig config = SemanticIdConfig.builder().codebookSizes(16, 16).niter(5).build();
    SparkSemanticIdResult r = SparkSemanticIds.run(SparkItems.fromTable(LocalSpark.session().read().parquet(
        table.toString()), "sku", "emb"), config, 200, 4, ProgressListener.NONE);
    Path out = dir.resolve("out");
    r.write(LocalSpark.session(), out.toString(), 200);
    SemanticIdModel model = SemanticIdStore.load(out.resolve("model"));
    assertEquals(200, model.size());
    SemanticIdModel.Assignment expected = SampledFit.fit(items, config, 200, ProgressListener.NONE);
    List<Row> written = LocalSpark.session().read().parquet(out.resolve("ids").toString()).collectAsList();
    assertEquals(items.size(), written.size());
    for (Row w : written) {
      String id = w.getString(0);
      assertEquals(expected.model().tokens(id), w.getString(3), id);
    }
    assertTrue(Files.readString(out.resolve("manifest.json")).contains(model.fingerprint()));
  }

  @Test
  void duplicateIdsAndRaggedRowsAreRefusedByName() {
    var sc = LocalSpark.context();
    List<SparkSemanticIds.Item> dup = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      dup.add(new SparkSemanticIds.Item("x" + (i % 49), new float[] {i, 1, 2}));
    }
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> SparkSemanticIds.run(
        sc.parallelize(dup, 3), SemanticIdConfig.DEFAULT, 10, 2, ProgressListener.NONE));
    assertEquals("duplicate item id 'x0' (2 rows)", e.getMessage());
    List<SparkSemanticIds.Item> ragged = new ArrayList<>(dup.subList(0, 10));
    ragged.add(new SparkSemanticIds.Item("short", new float[] {1, 2}));
    Exception f = assertThrows(Exception.class, () -> SparkSemanticIds.run(sc.parallelize(ragged, 3),
        SemanticIdConfig.DEFAULT, 10, 2, ProgressListener.NONE));
    assertEquals("item 'short': embedding of dimension 2, expected 3 as the first item's",
        DistokSpark.inputError(f).getMessage());
  }
}
