package io.distok.spark.encode;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.io.ModelStore;
import io.distok.spark.ModelFiles;
import io.distok.spark.SparkOutputs;
import io.distok.spark.SparkTables;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Applies any saved quantizer ({@link ModelStore}: every family, with its transforms) to a vector column of a
 * table on Spark: the model directory is broadcast, each executor loads it once and encodes its rows in blocks
 * of {@link #BLOCK} with the core's kernels, so every row gets exactly the codes {@code Quantizer.encode} gives it
 * on one machine. The output keeps the table's other columns and adds {@code codes} (one code per position: int,
 * or long for positions wider than 31 bits) and {@code packed_codes} (the layout's faiss-order bytes).
 *
 * <p>Cost O(n) encodings spread over the executors, no shuffle; memory one block of rows per task.
 */
public final class SparkEncoder {
  /** Rows encoded together. */
  public static final int BLOCK = 4096;

  private SparkEncoder() {}

  /**
   * The table with codes.
   *
   * @param keepVectors keep the vector column in the output
   * @throws InvalidInputException for a missing or non-numeric-array column, a dimension that is not the model's
   *     (naming the row), a non-finite value
   */
  public static Dataset<Row> encode(SparkSession spark, Dataset<Row> table, String vectorColumn, Path modelDir,
      boolean keepVectors) throws IOException {
    Quantizer model = ModelStore.load(modelDir);
    ModelFiles files = ModelFiles.read(modelDir);
    int vecAt = SparkTables.vectorColumn(table, vectorColumn);
    CodeLayout layout = model.layout();
    boolean wide = !layout.fitsInt();
    int d = model.dimension();
    StructType schema = new StructType();
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < table.schema().fields().length; i++) {
      if (i != vecAt || keepVectors) {
        schema = schema.add(table.schema().fields()[i]);
        kept.add(i);
      }
    }
    schema = schema.add("codes", DataTypes.createArrayType(wide ? DataTypes.LongType : DataTypes.IntegerType,
        false), false).add("packed_codes", DataTypes.BinaryType, false);
    int[] keep = kept.stream().mapToInt(Integer::intValue).toArray();
    Broadcast<ModelFiles> shipped = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(files);
    JavaRDD<Row> rows = table.javaRDD().mapPartitions(it -> {
      Quantizer q = shipped.value().load(Quantizer.class, ModelStore::load);
      List<Row> out = new ArrayList<>();
      List<Row> block = new ArrayList<>(BLOCK);
      while (it.hasNext()) {
        block.add(it.next());
        if (block.size() == BLOCK || !it.hasNext()) {
          encodeBlock(q, block, vecAt, vectorColumn, d, keep, wide, out);
          block.clear();
        }
      }
      return out.iterator();
    });
    return spark.createDataFrame(rows, schema);
  }

  private static void encodeBlock(Quantizer q, List<Row> block, int vecAt, String column, int d, int[] keep,
      boolean wide, List<Row> out) {
    float[] x = new float[block.size() * d];
    for (int i = 0; i < block.size(); i++) {
      Row r = block.get(i);
      if (r.isNullAt(vecAt)) {
        throw new InvalidInputException(describe(r, keep) + ": no value in column '" + column + "'");
      }
      List<Object> v = r.getList(vecAt);
      if (v.size() != d) {
        throw new InvalidInputException(describe(r, keep) + ": '" + column + "' has " + v.size()
            + " values, the model takes " + d);
      }
      for (int j = 0; j < d; j++) {
        Object value = v.get(j);
        float f = value == null ? Float.NaN : ((Number) value).floatValue();
        if (!Float.isFinite(f)) {
          throw new InvalidInputException(describe(r, keep) + ": value " + j + " of '" + column + "' is "
              + (value == null ? "null" : f));
        }
        x[i * d + j] = f;
      }
    }
    Codes codes = q.encode(FloatMatrix.wrap(x, block.size(), d));
    CodeLayout layout = q.layout();
    int m = codes.codesPerRow();
    for (int i = 0; i < block.size(); i++) {
      Object[] values = new Object[keep.length + 2];
      for (int c = 0; c < keep.length; c++) {
        values[c] = block.get(i).get(keep[c]);
      }
      if (wide) {
        long[] c = new long[m];
        for (int j = 0; j < m; j++) {
          c[j] = codes.getLong(i, j);
        }
        values[keep.length] = c;
      } else {
        int[] c = new int[m];
        for (int j = 0; j < m; j++) {
          c[j] = codes.get(i, j);
        }
        values[keep.length] = c;
      }
      byte[] packed = new byte[layout.codeSizeBytes()];
      layout.pack(codes, i, packed, 0);
      values[keep.length + 1] = packed;
      out.add(RowFactory.create(values));
    }
  }

  /** A row named by its first kept column (an id, usually), for error messages. */
  private static String describe(Row r, int[] keep) {
    return keep.length == 0 || r.isNullAt(keep[0]) ? "a row" : "row '" + r.get(keep[0]) + "'";
  }

  /** Writes {@code out}: {@code codes/} (Parquet) and {@code manifest.json}, all or nothing. */
  public static void write(SparkSession spark, Dataset<Row> encoded, Path modelDir, String out) throws IOException {
    Quantizer model = ModelStore.load(modelDir);
    SparkOutputs.writeDirectory(spark, out, dir -> {
      encoded.write().parquet(dir + "/codes");
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("kind", "distok-codes");
      manifest.put("method", model.method());
      manifest.put("layout", model.layout().toString());
      manifest.put("fingerprint", io.distok.quant.io.ModelFingerprint.of(model));
      manifest.put("model", modelDir.toAbsolutePath().toString());
      SparkOutputs.writeJson(spark, dir, "manifest.json", manifest);
    });
  }
}
