package io.distok.spark.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.io.ModelStore;
import io.distok.spark.DistokSpark;
import io.distok.spark.LocalSpark;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Spark encodes every row of a table as the saved model encodes it on one machine, for every family. */
class SparkEncoderTest {
  private static final List<Map.Entry<String, Map<String, String>>> FAMILIES = List.of(
      Map.entry("vq", Map.of("K", "32", "niter", "4")),
      Map.entry("pq", Map.of("M", "4", "K", "16", "niter", "4")),
      Map.entry("rq", Map.of("L", "3", "K", "16", "niter", "4", "beam", "3")),
      Map.entry("fsq", Map.of("levels", "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4")),
      Map.entry("lfq", Map.of("bits", "8")),
      Map.entry("bsq", Map.of("bits", "8")));

  static Path dir() throws IOException {
    return Files.createDirectories(Path.of("target", "spark-encode"));
  }

  static Dataset<Row> table(FloatMatrix x, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.rows(); i++) {
      rows.add(RowFactory.create("r" + i, i * 0.5, x.rowCopy(i)));
    }
    StructType schema = new StructType().add("id", "string").add("price", "double").add("vec", "array<float>");
    return LocalSpark.session().createDataFrame(rows, schema).repartition(partitions);
  }

  @Property(tries = 3)
  void sameCodesAsOneMachine(@ForAll long seed) throws IOException {
    for (var family : FAMILIES) {
      sameCodes(seed, family.getKey(), family.getValue());
    }
  }

  private void sameCodes(long seed, String name, Map<String, String> parameters) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed ^ name.hashCode());
    int n = 300 + rng.nextInt(9000);
    FloatMatrix x = SyntheticData.gaussianClusters(n, 16, 6, 0.1, seed);
    QuantizerFamily f = QuantizerFamily.forName(name);
    Quantizer q = f.trainer(ParameterValues.of(f.parameters(), parameters)).train(x, seed);
    Path model = dir().resolve("model-" + name);
    ModelStore.save(q, seed, model);
    int partitions = 1 + rng.nextInt(7);
    System.out.printf("seed %d: %s (%s) on %d rows, %d partitions%n", seed, name, q.layout(), n, partitions);
    Codes expected = q.encode(x);
    List<Row> got = SparkEncoder.encode(LocalSpark.session(), table(x, partitions), "vec", model, false)
        .collectAsList();
    assertEquals(n, got.size());
    for (Row r : got) {
      int i = Integer.parseInt(r.getString(0).substring(1));
      assertEquals(i * 0.5, r.getDouble(1));
      List<Object> codes = r.getList(2);
      for (int j = 0; j < codes.size(); j++) {
        assertEquals(expected.getLong(i, j), ((Number) codes.get(j)).longValue(), r.getString(0));
      }
      byte[] packed = new byte[q.layout().codeSizeBytes()];
      q.layout().pack(expected, i, packed, 0);
      assertArrayEquals(packed, (byte[]) r.get(3));
    }
  }

  @Test
  void writesAndRefusesAWrongDimensionByRow() throws IOException {
    FloatMatrix x = SyntheticData.gaussianClusters(400, 16, 4, 0.1, 3);
    QuantizerFamily f = QuantizerFamily.forName("pq");
    Path model = dir().resolve("model-write");
    ModelStore.save(f.trainer(ParameterValues.of(f.parameters(), Map.of("M", "4", "K", "8"))).train(x, 3), 3, model);
    Path out = dir().resolve("out");
    SparkEncoder.write(LocalSpark.session(), SparkEncoder.encode(LocalSpark.session(), table(x, 3), "vec", model,
        true), model, out.toString());
    Dataset<Row> back = LocalSpark.session().read().parquet(out.resolve("codes").toString());
    assertEquals(400, back.count());
    assertEquals(List.of("id", "price", "vec", "codes", "packed_codes"), List.of(back.schema().fieldNames()));
    assertTrue(Files.readString(out.resolve("manifest.json")).contains(ModelStore.load(model).method()));

    FloatMatrix wrong = SyntheticData.gaussianClusters(10, 12, 2, 0.1, 4);
    Exception e = assertThrows(Exception.class, () -> SparkEncoder.encode(LocalSpark.session(), table(wrong, 2),
        "vec", model, false).count());
    InvalidInputException cause = DistokSpark.inputError(e);
    assertNotNull(cause, e.toString());
    assertTrue(cause.getMessage().matches("row 'r\\d+': 'vec' has 12 values, the model takes 16"), cause.getMessage());
    InvalidInputException missing = assertThrows(InvalidInputException.class, () -> SparkEncoder.encode(
        LocalSpark.session(), table(x, 1), "embedding", model, false));
    assertEquals("no column 'embedding' in the input (columns: id, price, vec)", missing.getMessage());
  }
}
