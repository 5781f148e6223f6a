package io.distok.quant;

import java.util.Arrays;

/**
 * Integer codes of {@code n} encoded vectors: {@code m} codes per vector (one per codebook, level, sub-space or
 * bit group), stored row-major. Codes of positions with at most 2^31 values are held in an {@code int[]} with
 * int access ({@link #get}); {@link #wide} codes, for positions of 2^32 or more values (an FSQ or LFQ code as
 * one number), are held in a {@code long[]} and read with {@link #getLong}.
 */
public final class Codes {
  private final int[] data;
  private final long[] wideData;
  private final int rows;
  private final int codesPerRow;

  public Codes(int rows, int codesPerRow) {
    this(new int[Math.multiplyExact(rows, codesPerRow)], null, rows, codesPerRow);
  }

  private Codes(int[] data, long[] wideData, int rows, int codesPerRow) {
    this.data = data;
    this.wideData = wideData;
    this.rows = rows;
    this.codesPerRow = codesPerRow;
  }

  /** Codes held as {@code long}s, for positions whose codes may exceed the int range. */
  public static Codes wide(int rows, int codesPerRow) {
    return new Codes(null, new long[Math.multiplyExact(rows, codesPerRow)], rows, codesPerRow);
  }

  /** Wraps a row-major array without copying. */
  public static Codes wrap(int[] data, int rows, int codesPerRow) {
    if ((long) rows * codesPerRow != data.length) {
      throw new IllegalArgumentException(
          "array of length " + data.length + " is not " + rows + " x " + codesPerRow + " codes");
    }
    return new Codes(data, null, rows, codesPerRow);
  }

  public int rows() {
    return rows;
  }

  /** Number of codes per vector (the m of the method). */
  public int codesPerRow() {
    return codesPerRow;
  }

  /** Whether the codes are held as {@code long}s. */
  public boolean isWide() {
    return wideData != null;
  }

  /**
   * Code {@code j} of row {@code row}.
   *
   * @throws ArithmeticException if wide codes hold a value outside the int range
   */
  public int get(int row, int j) {
    return data != null ? data[row * codesPerRow + j] : Math.toIntExact(wideData[row * codesPerRow + j]);
  }

  /** Code {@code j} of row {@code row}, whatever the storage. */
  public long getLong(int row, int j) {
    return data != null ? data[row * codesPerRow + j] : wideData[row * codesPerRow + j];
  }

  public void set(int row, int j, int code) {
    if (data != null) {
      data[row * codesPerRow + j] = code;
    } else {
      wideData[row * codesPerRow + j] = code;
    }
  }

  /**
   * Sets a code that may exceed the int range.
   *
   * @throws ArithmeticException if these codes are int codes and the value does not fit
   */
  public void setLong(int row, int j, long code) {
    if (data != null) {
      data[row * codesPerRow + j] = Math.toIntExact(code);
    } else {
      wideData[row * codesPerRow + j] = code;
    }
  }

  /**
   * The backing int array (not a copy).
   *
   * @throws IllegalStateException for wide codes
   */
  public int[] data() {
    if (data == null) {
      throw new IllegalStateException("wide codes have no int array; use getLong");
    }
    return data;
  }

  /** A copy of rows {@code [from, to)}. O((to - from) m). */
  public Codes rows(int from, int to) {
    if (from < 0 || to > rows || from > to) {
      throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + rows);
    }
    return data != null
        ? new Codes(Arrays.copyOfRange(data, from * codesPerRow, to * codesPerRow), null, to - from, codesPerRow)
        : new Codes(null, Arrays.copyOfRange(wideData, from * codesPerRow, to * codesPerRow), to - from, codesPerRow);
  }

  /** A copy of one row's codes as ints ({@link ArithmeticException} for a wide code outside the int range). */
  public int[] row(int row) {
    if (data != null) {
      return Arrays.copyOfRange(data, row * codesPerRow, (row + 1) * codesPerRow);
    }
    int[] r = new int[codesPerRow];
    for (int j = 0; j < codesPerRow; j++) {
      r[j] = get(row, j);
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Codes c) || c.rows != rows || c.codesPerRow != codesPerRow) {
      return false;
    }
    if (data != null && c.data != null) {
      return Arrays.equals(c.data, data);
    }
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < codesPerRow; j++) {
        if (getLong(i, j) != c.getLong(i, j)) {
          return false;
        }
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = codesPerRow;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < codesPerRow; j++) {
        h = 31 * h + Long.hashCode(getLong(i, j));
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return "Codes[" + rows + " x " + codesPerRow + (isWide() ? ", wide" : "") + "]";
  }
}
