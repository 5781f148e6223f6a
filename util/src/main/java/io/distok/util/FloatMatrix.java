package io.distok.util;

import java.util.Arrays;

/**
 * A dense, row-major matrix of {@code float}: {@code rows} x {@code cols} values in one backing array, so a row
 * is a contiguous slice that kernels can read without copying.
 *
 * <p>The matrix is mutable while it is being built; quantizers never modify matrices they are given.
 */
public final class FloatMatrix {
  private final float[] data;
  private final int rows;
  private final int cols;

  /** Creates a zero-filled matrix. */
  public FloatMatrix(int rows, int cols) {
    this(new float[checkedSize(rows, cols)], rows, cols);
  }

  private FloatMatrix(float[] data, int rows, int cols) {
    this.data = data;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * Wraps an existing row-major array without copying.
   *
   * @throws IllegalArgumentException if {@code data.length != rows * cols}
   */
  public static FloatMatrix wrap(float[] data, int rows, int cols) {
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "array of length " + data.length + " is not a " + rows + " x " + cols + " matrix");
    }
    return new FloatMatrix(data, rows, cols);
  }

  /** Builds a matrix from rows of equal length (copies). */
  public static FloatMatrix ofRows(float[]... rowArrays) {
    if (rowArrays.length == 0) {
      throw new IllegalArgumentException("no rows");
    }
    int d = rowArrays[0].length;
    FloatMatrix m = new FloatMatrix(rowArrays.length, d);
    for (int i = 0; i < rowArrays.length; i++) {
      if (rowArrays[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has dimension " + rowArrays[i].length + " != " + d);
      }
      System.arraycopy(rowArrays[i], 0, m.data, i * d, d);
    }
    return m;
  }

  private static int checkedSize(int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
    }
    long size = (long) rows * cols;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("matrix " + rows + " x " + cols + " exceeds 2^31 values");
    }
    return (int) size;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The backing row-major array (not a copy). */
  public float[] data() {
    return data;
  }

  /** Index of the first value of {@code row} in {@link #data()}. */
  public int offset(int row) {
    return row * cols;
  }

  public float get(int row, int col) {
    return data[row * cols + col];
  }

  public void set(int row, int col, float value) {
    data[row * cols + col] = value;
  }

  /** A copy of one row. */
  public float[] rowCopy(int row) {
    return Arrays.copyOfRange(data, row * cols, row * cols + cols);
  }

  /** Overwrites one row. */
  public void setRow(int row, float[] values) {
    if (values.length != cols) {
      throw new IllegalArgumentException("dimension " + values.length + " != " + cols);
    }
    System.arraycopy(values, 0, data, row * cols, cols);
  }

  /** A new matrix holding the given rows, in the given order. */
  public FloatMatrix selectRows(int[] rowIndices) {
    FloatMatrix out = new FloatMatrix(rowIndices.length, cols);
    for (int i = 0; i < rowIndices.length; i++) {
      System.arraycopy(data, rowIndices[i] * cols, out.data, i * cols, cols);
    }
    return out;
  }

  /** A new matrix holding columns {@code [from, to)} of every row (a PQ sub-space). */
  public FloatMatrix columns(int from, int to) {
    if (from < 0 || to > cols || from >= to) {
      throw new IllegalArgumentException("bad column range [" + from + ", " + to + ") of " + cols);
    }
    int w = to - from;
    FloatMatrix out = new FloatMatrix(rows, w);
    for (int i = 0; i < rows; i++) {
      System.arraycopy(data, i * cols + from, out.data, i * w, w);
    }
    return out;
  }

  /** A deep copy. */
  public FloatMatrix copy() {
    return new FloatMatrix(data.clone(), rows, cols);
  }

  /**
   * Checks every value is finite.
   *
   * @param source name of the data for the message, e.g. a file name
   * @throws InvalidInputException naming the first row and column holding NaN or infinity (0-based)
   */
  public void requireFinite(String source) {
    // rows in parallel chunks, the first bad value of each chunk kept, so the message names the first in the file
    int chunks = Parallel.chunkCount(rows, Parallel.DEFAULT_CHUNK);
    int[] firstBad = new int[chunks];
    Parallel.forEachChunk(rows, Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      firstBad[chunk] = -1;
      for (int i = from * cols; i < to * cols; i++) {
        if (!Float.isFinite(data[i])) {
          firstBad[chunk] = i;
          return;
        }
      }
    });
    for (int i : firstBad) {
      if (i >= 0) {
        throw new InvalidInputException(
            source + ": " + (Float.isNaN(data[i]) ? "NaN" : "infinite value") + " in row " + (i / cols)
                + ", column " + (i % cols) + " (0-based)");
      }
    }
  }

  @Override
  public String toString() {
    return "FloatMatrix[" + rows + " x " + cols + "]";
  }
}
