package io.distok.quant;

import java.util.Arrays;

/**
 * Integer codes of {@code n} encoded vectors: {@code m} codes per vector (one per codebook, level or
 * sub-space), stored row-major in one {@code int[]}.
 */
public final class Codes {
  private final int[] data;
  private final int rows;
  private final int codesPerRow;

  public Codes(int rows, int codesPerRow) {
    this(new int[Math.multiplyExact(rows, codesPerRow)], rows, codesPerRow);
  }

  private Codes(int[] data, int rows, int codesPerRow) {
    this.data = data;
    this.rows = rows;
    this.codesPerRow = codesPerRow;
  }

  /** Wraps a row-major array without copying. */
  public static Codes wrap(int[] data, int rows, int codesPerRow) {
    if ((long) rows * codesPerRow != data.length) {
      throw new IllegalArgumentException(
          "array of length " + data.length + " is not " + rows + " x " + codesPerRow + " codes");
    }
    return new Codes(data, rows, codesPerRow);
  }

  public int rows() {
    return rows;
  }

  /** Number of codes per vector (the m of the method). */
  public int codesPerRow() {
    return codesPerRow;
  }

  public int get(int row, int j) {
    return data[row * codesPerRow + j];
  }

  public void set(int row, int j, int code) {
    data[row * codesPerRow + j] = code;
  }

  /** The backing array (not a copy). */
  public int[] data() {
    return data;
  }

  /** A copy of one row's codes. */
  public int[] row(int row) {
    return Arrays.copyOfRange(data, row * codesPerRow, (row + 1) * codesPerRow);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Codes c && c.rows == rows && c.codesPerRow == codesPerRow && Arrays.equals(c.data, data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + codesPerRow;
  }

  @Override
  public String toString() {
    return "Codes[" + rows + " x " + codesPerRow + "]";
  }
}
