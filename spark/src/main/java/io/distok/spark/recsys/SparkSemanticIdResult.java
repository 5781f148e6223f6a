package io.distok.spark.recsys;

import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.TokenFormat;
import io.distok.spark.ModelFiles;
import io.distok.spark.SparkOutputs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The IDs of a catalogue from {@link SparkSemanticIds#run}: every item's raw and final codes, distributed, with
 * the model fitted on the sample (which holds the sample's items only) on the driver.
 */
public final class SparkSemanticIdResult {
  /** The table's schema: item id, raw code tuple, final ID, final ID as tokens. */
  public static final StructType SCHEMA = new StructType()
      .add("item", DataTypes.StringType, false)
      .add("raw_codes", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("codes", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("tokens", DataTypes.StringType, false);

  private final SemanticIdModel sampleModel;
  private final ModelFiles modelFiles;
  private final JavaRDD<SparkSemanticIds.ItemId> ids;
  private final long items;

  SparkSemanticIdResult(SemanticIdModel sampleModel, ModelFiles modelFiles, JavaRDD<SparkSemanticIds.ItemId> ids,
      long items) {
    this.sampleModel = sampleModel;
    this.modelFiles = modelFiles;
    this.ids = ids;
    this.items = items;
  }

  /** The model fitted on the sample, holding the sample's items. */
  public SemanticIdModel sampleModel() {
    return sampleModel;
  }

  /** Every item's ID, distributed (computed when first used). */
  public JavaRDD<SparkSemanticIds.ItemId> ids() {
    return ids;
  }

  /** Items in the catalogue. */
  public long items() {
    return items;
  }

  /** The table of {@link #SCHEMA}. */
  public Dataset<Row> toDataFrame(SparkSession spark) {
    TokenFormat format = sampleModel.config().format();
    return spark.createDataFrame(ids.map(i -> RowFactory.create(i.id(), i.raw(), i.fin(), format.format(i.fin()))),
        SCHEMA);
  }

  /**
   * Writes {@code out}: {@code ids/} (Parquet, {@link #SCHEMA}), {@code model/} (the sample's model, loadable
   * with {@code SemanticIdStore.load} and usable by {@code distok semantic-ids assign} for later items) and {@code
   * manifest.json}, all or nothing.
   */
  public void write(SparkSession spark, String out, int sampleSize) throws IOException {
    SparkOutputs.writeDirectory(spark, out, dir -> {
      toDataFrame(spark).write().parquet(dir + "/ids");
      modelFiles.writeTo(spark, dir + "/model");
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("kind", "distok-semantic-ids");
      manifest.put("items", items);
      manifest.put("sampleSize", sampleSize);
      manifest.put("fittedOn", sampleModel.size());
      manifest.put("fingerprint", sampleModel.fingerprint());
      manifest.put("config", sampleModel.config().toJson());
      SparkOutputs.writeJson(spark, dir, "manifest.json", manifest);
    });
  }
}
