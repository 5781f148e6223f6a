package io.distok.spark.recsys;

import io.distok.recsys.ItemEmbeddings;
import io.distok.spark.SparkTables;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Items with embeddings for the Spark jobs: from a table (Parquet, ORC, any DataFrame) or a file on the driver. */
public final class SparkItems {
  private SparkItems() {}

  /**
   * The items of a table: {@code idColumn} of any type (written as text), {@code vectorColumn} an array of floats
   * or doubles (doubles are rounded to float, as the single-machine readers do).
   *
   * @throws InvalidInputException naming the column when it is missing or of another type
   */
  public static JavaRDD<SparkSemanticIds.Item> fromTable(Dataset<Row> table, String idColumn, String vectorColumn) {
    int idAt = SparkTables.column(table, idColumn);
    int vecAt = SparkTables.vectorColumn(table, vectorColumn);
    return table.javaRDD().map(row -> {
      if (row.isNullAt(idAt)) {
        throw new InvalidInputException("a row has no value in column '" + idColumn + "'");
      }
      String name = row.get(idAt).toString();
      if (row.isNullAt(vecAt)) {
        throw new InvalidInputException("item '" + name + "': no value in column '" + vectorColumn + "'");
      }
      List<Object> values = row.getList(vecAt);
      float[] v = new float[values.size()];
      for (int j = 0; j < v.length; j++) {
        Object x = values.get(j);
        if (x == null) {
          throw new InvalidInputException("item '" + name + "': value " + j + " of '" + vectorColumn + "' is null");
        }
        v[j] = ((Number) x).floatValue();
      }
      return new SparkSemanticIds.Item(name, v);
    });
  }

  /** Items read on the driver (an .npy, .fvecs or CSV file) spread over {@code partitions}. O(n d) on the driver. */
  public static JavaRDD<SparkSemanticIds.Item> fromEmbeddings(JavaSparkContext sc, ItemEmbeddings items,
      int partitions) {
    int d = items.dimension();
    float[] data = items.vectors().data();
    List<SparkSemanticIds.Item> list = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      list.add(new SparkSemanticIds.Item(items.ids().get(i), Arrays.copyOfRange(data, i * d, (i + 1) * d)));
    }
    return sc.parallelize(list, partitions);
  }
}
