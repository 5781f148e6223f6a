package io.distok.spark;

import io.distok.util.InvalidInputException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/** The column checks the jobs that read tables share: a named column, a vector column of float or double. */
public final class SparkTables {
  private SparkTables() {}

  /**
   * The index of column {@code name}.
   *
   * @throws InvalidInputException naming the column and the columns there are
   */
  public static int column(Dataset<Row> table, String name) {
    for (StructField f : table.schema().fields()) {
      if (f.name().equals(name)) {
        return table.schema().fieldIndex(name);
      }
    }
    throw new InvalidInputException("no column '" + name + "' in the input (columns: "
        + String.join(", ", table.schema().fieldNames()) + ")");
  }

  /**
   * The index of column {@code name}, an array of float or double.
   *
   * @throws InvalidInputException when it is missing or of another type
   */
  public static int vectorColumn(Dataset<Row> table, String name) {
    int at = column(table, name);
    DataType type = table.schema().fields()[at].dataType();
    DataType element = type instanceof ArrayType a ? a.elementType() : null;
    if (element == null || !(element.equals(DataTypes.FloatType) || element.equals(DataTypes.DoubleType))) {
      throw new InvalidInputException("column '" + name + "' is " + type.simpleString()
          + ", expected an array of float or double");
    }
    return at;
  }
}
