package io.distok.quant.io;

import io.distok.util.FloatMatrix;
import java.util.List;

/**
 * A matrix read from a file, with the row ids of its id column when it had one.
 *
 * @param ids one id per row, or null when the file had no id column
 * @param matrix the vectors
 */
public record LabeledMatrix(List<String> ids, FloatMatrix matrix) {
  /** True when rows carry ids from the file. */
  public boolean hasIds() {
    return ids != null;
  }
}
