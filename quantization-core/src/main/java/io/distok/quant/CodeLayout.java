package io.distok.quant;

import io.distok.util.InvalidInputException;

import java.util.Arrays;

/**
 * The shape of a model's codes as data, as faiss keeps {@code M}, {@code nbits[]} and {@code code_size}: the
 * number of code positions, the number of distinct codes at each position (a {@code long}, so that an implicit
 * codebook of 2^32 or more codes can be described), the bits each position takes, and the packing of a code
 * tuple into {@link #codeSizeBytes()} bytes for files, doc values or database properties.
 *
 * <p>Packing writes position 0 first, each code in {@code bits(j)} bits, least significant bit first, into a
 * little-endian bit stream (the layout of faiss's {@code BitstringWriter}); the last byte is padded with zeros.
 * Packing and unpacking cost O(total bits) per tuple. Instances are immutable.
 */
public final class CodeLayout {
  private final long[] sizes;
  private final int[] bits;
  private final int totalBits;

  private CodeLayout(long[] sizes) {
    if (sizes.length == 0) {
      throw new IllegalArgumentException("a code layout needs at least one position");
    }
    this.sizes = sizes.clone();
    this.bits = new int[sizes.length];
    long total = 0;
    for (int j = 0; j < sizes.length; j++) {
      if (sizes[j] < 1) {
        throw new IllegalArgumentException("position " + j + " has size " + sizes[j] + "; sizes must be >= 1");
      }
      bits[j] = bitsFor(sizes[j]);
      total += bits[j];
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("codes of " + total + " bits are too long");
    }
    this.totalBits = (int) total;
  }

  /** A layout with the given number of codes per position. */
  public static CodeLayout of(long... sizes) {
    return new CodeLayout(sizes);
  }

  /** {@code positions} positions of {@code size} codes each. */
  public static CodeLayout uniform(int positions, long size) {
    if (positions < 1) {
      throw new IllegalArgumentException("positions must be >= 1, got " + positions);
    }
    long[] s = new long[positions];
    Arrays.fill(s, size);
    return new CodeLayout(s);
  }

  /** Bits needed to write any code in {@code [0, size)}: ceil(log2 size), 0 for a size of 1. */
  public static int bitsFor(long size) {
    return size <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(size - 1);
  }

  /** Number of code positions m (codebooks, levels, sub-spaces, bit groups). */
  public int positions() {
    return sizes.length;
  }

  /** Number of distinct codes at position {@code j}. */
  public long size(int j) {
    return sizes[j];
  }

  /** Bits of position {@code j}. */
  public int bits(int j) {
    return bits[j];
  }

  /** Sum of the bits of all positions. */
  public int totalBits() {
    return totalBits;
  }

  /** Bytes of one packed code tuple: ceil(total bits / 8). */
  public int codeSizeBytes() {
    return (totalBits + 7) / 8;
  }

  /** Whether every position's codes fit an {@code int} (else they need {@link Codes#wide} codes). */
  public boolean fitsInt() {
    for (long s : sizes) {
      if (s - 1 > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks that {@code codes} has one column per position and every code lies in its position's range.
   *
   * @throws InvalidInputException naming the first row and position that do not
   */
  public void requireValid(Codes codes) {
    if (codes.codesPerRow() != positions()) {
      throw new InvalidInputException(
          "codes have " + codes.codesPerRow() + " columns != " + positions() + " code positions of the model");
    }
    for (int i = 0; i < codes.rows(); i++) {
      for (int j = 0; j < positions(); j++) {
        long c = codes.getLong(i, j);
        if (c < 0 || c >= sizes[j]) {
          throw new InvalidInputException("code " + c + " in row " + i + ", position " + j + " is outside [0, "
              + sizes[j] + ")");
        }
      }
    }
  }

  /** Packs row {@code row} of {@code codes} into {@code out} from {@code offset}, {@link #codeSizeBytes()} bytes. */
  public void pack(Codes codes, int row, byte[] out, int offset) {
    Arrays.fill(out, offset, offset + codeSizeBytes(), (byte) 0);
    long bit = (long) offset * 8;
    for (int j = 0; j < sizes.length; j++) {
      long c = codes.getLong(row, j);
      if (c < 0 || c >= sizes[j]) {
        throw new InvalidInputException("code " + c + " in row " + row + ", position " + j + " is outside [0, "
            + sizes[j] + ")");
      }
      for (int b = 0; b < bits[j]; b++, bit++) {
        if (((c >>> b) & 1L) != 0) {
          out[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        }
      }
    }
  }

  /** All rows of {@code codes} packed one after the other: {@code rows * codeSizeBytes()} bytes. */
  public byte[] pack(Codes codes) {
    if (codes.codesPerRow() != positions()) {
      throw new InvalidInputException(
          "codes have " + codes.codesPerRow() + " columns != " + positions() + " code positions of the layout");
    }
    byte[] out = new byte[Math.multiplyExact(codes.rows(), codeSizeBytes())];
    for (int i = 0; i < codes.rows(); i++) {
      pack(codes, i, out, i * codeSizeBytes());
    }
    return out;
  }

  /** Code of position {@code j} of the tuple packed at {@code offset}. O(bits of the positions before j). */
  public long unpack(byte[] packed, int offset, int j) {
    long bit = (long) offset * 8;
    for (int p = 0; p < j; p++) {
      bit += bits[p];
    }
    return read(packed, bit, bits[j]);
  }

  /**
   * The {@code nbits}-bit code at bit {@code bit} of {@code packed}, least significant bit first. A code that starts
   * on a byte and fills whole bytes (8-bit codebooks, the usual case) is read a byte at a time, little-endian,
   * which gives the same value as reading it bit by bit.
   */
  private static long read(byte[] packed, long bit, int nbits) {
    long c = 0;
    if ((bit & 7) == 0 && (nbits & 7) == 0) {
      int at = (int) (bit >>> 3);
      for (int b = 0; b < nbits; b += 8) {
        c |= (packed[at++] & 0xFFL) << b;
      }
      return c;
    }
    for (int b = 0; b < nbits; b++, bit++) {
      if ((packed[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0) {
        c |= 1L << b;
      }
    }
    return c;
  }

  /**
   * Unpacks {@code rows} tuples written by {@link #pack(Codes)}: int codes when {@link #fitsInt()}, else {@link
   * Codes#wide} codes.
   *
   * @throws InvalidInputException if the byte count does not match or a code is out of range
   */
  public Codes unpack(byte[] packed, int rows) {
    if ((long) rows * codeSizeBytes() != packed.length) {
      throw new InvalidInputException(packed.length + " bytes are not " + rows + " codes of " + codeSizeBytes()
          + " bytes");
    }
    Codes codes = fitsInt() ? new Codes(rows, positions()) : Codes.wide(rows, positions());
    for (int i = 0; i < rows; i++) {
      long bit = (long) i * codeSizeBytes() * 8;
      for (int j = 0; j < sizes.length; j++) {
        long c = read(packed, bit, bits[j]);
        bit += bits[j];
        if (c >= sizes[j]) {
          throw new InvalidInputException("packed code " + c + " in row " + i + ", position " + j
              + " is outside [0, " + sizes[j] + ")");
        }
        codes.setLong(i, j, c);
      }
    }
    return codes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodeLayout l && Arrays.equals(sizes, l.sizes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sizes);
  }

  @Override
  public String toString() {
    return "CodeLayout" + Arrays.toString(sizes) + " (" + totalBits + " bits)";
  }
}
