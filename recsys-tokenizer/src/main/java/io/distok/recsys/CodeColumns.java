package io.distok.recsys;

import java.util.Arrays;

/**
 * Growable rows of m codes, stored in 1, 2 or 4 bytes per code as the largest position size needs (1M IDs of
 * five codes below 256: 5 MB). Appending is amortised O(m); reads are O(1) per code. Rows never change once
 * appended, so a reader that knows a row count keeps seeing the same rows while others are appended.
 */
final class CodeColumns {
  private final int width;
  private final int bytesPerCode;
  // volatile: a grown array is published whole (see ItemTable)
  private volatile byte[] bytes;
  private volatile short[] shorts;
  private volatile int[] ints;
  private volatile int rows;

  /**
   * @param width codes per row
   * @param maxValue the largest code any position may hold
   */
  CodeColumns(int width, int maxValue, int capacity) {
    if (width <= 0 || maxValue < 0) {
      throw new IllegalArgumentException("width " + width + ", max value " + maxValue);
    }
    this.width = width;
    this.bytesPerCode = maxValue < 256 ? 1 : maxValue < 65536 ? 2 : 4;
    int cells = Math.max(16, capacity) * width;
    switch (bytesPerCode) {
      case 1 -> bytes = new byte[cells];
      case 2 -> shorts = new short[cells];
      default -> ints = new int[cells];
    }
  }

  int width() {
    return width;
  }

  int rows() {
    return rows;
  }

  int get(int row, int j) {
    int p = row * width + j;
    return switch (bytesPerCode) {
      case 1 -> Byte.toUnsignedInt(bytes[p]);
      case 2 -> Short.toUnsignedInt(shorts[p]);
      default -> ints[p];
    };
  }

  int[] row(int row) {
    int[] out = new int[width];
    for (int j = 0; j < width; j++) {
      out[j] = get(row, j);
    }
    return out;
  }

  boolean rowEquals(int row, int[] codes) {
    if (codes.length != width) {
      return false;
    }
    for (int j = 0; j < width; j++) {
      if (get(row, j) != codes[j]) {
        return false;
      }
    }
    return true;
  }

  /** Appends one row; codes must lie in {@code [0, maxValue]}. */
  void append(int[] codes) {
    if (codes.length != width) {
      throw new IllegalArgumentException(codes.length + " codes for rows of " + width);
    }
    int p = rows * width;
    int capacity = switch (bytesPerCode) {
      case 1 -> bytes.length;
      case 2 -> shorts.length;
      default -> ints.length;
    };
    if (p + width > capacity) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 8L, Math.max(p + (long) width, capacity + (capacity >> 1)));
      switch (bytesPerCode) {
        case 1 -> bytes = Arrays.copyOf(bytes, grown);
        case 2 -> shorts = Arrays.copyOf(shorts, grown);
        default -> ints = Arrays.copyOf(ints, grown);
      }
    }
    for (int j = 0; j < width; j++) {
      switch (bytesPerCode) {
        case 1 -> bytes[p + j] = (byte) codes[j];
        case 2 -> shorts[p + j] = (short) codes[j];
        default -> ints[p + j] = codes[j];
      }
    }
    rows++;
  }

  /** A hash of a code row, spread over all bits. */
  static int hash(int[] codes) {
    int h = 1;
    for (int c : codes) {
      h = 31 * h + c;
    }
    return ItemTable.mix(h);
  }

  int hashRow(int row) {
    int h = 1;
    for (int j = 0; j < width; j++) {
      h = 31 * h + get(row, j);
    }
    return ItemTable.mix(h);
  }
}
