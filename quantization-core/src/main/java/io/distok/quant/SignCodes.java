package io.distok.quant;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;

/**
 * The layout shared by the sign-code families (LFQ, BSQ): K sign bits, one per projected dimension, grouped {@code
 * groupBits} to a code position (the last position may hold fewer). Bit b of position j is dimension {@code j *
 * groupBits + b}, set when the value is positive. Immutable.
 */
public final class SignCodes {
  /** Most bits one position may hold (its code must fit a non-negative {@code long}). */
  public static final int MAX_GROUP_BITS = 62;

  private final int bits;
  private final int groupBits;
  private final CodeLayout layout;

  /**
   * K = {@code bits} sign bits in positions of {@code groupBits}.
   *
   * @throws IllegalArgumentException if {@code bits < 1} or {@code groupBits} is not in [1, 62]
   */
  public SignCodes(int bits, int groupBits) {
    if (bits < 1) {
      throw new IllegalArgumentException("sign codes need at least one bit, got " + bits);
    }
    if (groupBits < 1 || groupBits > MAX_GROUP_BITS) {
      throw new IllegalArgumentException("bits per code position must be in [1, " + MAX_GROUP_BITS + "], got "
          + groupBits);
    }
    this.bits = bits;
    this.groupBits = groupBits;
    int positions = (bits + groupBits - 1) / groupBits;
    long[] sizes = new long[positions];
    for (int j = 0; j < positions; j++) {
      sizes[j] = 1L << width(j);
    }
    this.layout = CodeLayout.of(sizes);
  }

  /** K, the number of sign bits. */
  public int bits() {
    return bits;
  }

  /** Bits per code position. */
  public int groupBits() {
    return groupBits;
  }

  /** The positions, sizes and bits. */
  public CodeLayout layout() {
    return layout;
  }

  /** Bits of position {@code j}. */
  public int width(int j) {
    return Math.min(groupBits, bits - j * groupBits);
  }

  /** Writes the sign codes of the K values of {@code row} from {@code offset} into row {@code i} of {@code codes}. */
  public void encode(float[] row, int offset, Codes codes, int i) {
    encode(DistanceKernels.get(), row, offset, codes, i);
  }

  private void encode(DistanceKernel kernel, float[] row, int offset, Codes codes, int i) {
    for (int j = 0; j < layout.positions(); j++) {
      codes.setLong(i, j, kernel.signBits(row, offset + j * groupBits, width(j)));
    }
  }

  /** The sign codes of every row of {@code x} (K columns), parallel over rows. O(n K). */
  public Codes encode(FloatMatrix x) {
    Codes codes = allocate(x.rows());
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(x.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        encode(kernel, x.data(), x.offset(i), codes, i);
      }
    });
    return codes;
  }

  /** The K-dimensional vectors of {@code codes}, each position written by {@code book}'s codewords. O(n K). */
  public FloatMatrix decode(Codes codes, ImplicitCodebook book) {
    FloatMatrix out = new FloatMatrix(codes.rows(), bits);
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        for (int j = 0; j < layout.positions(); j++) {
          book.codeword(j, codes.getLong(i, j), out.data(), out.offset(i) + j * groupBits);
        }
      }
    });
    return out;
  }

  /** Codes of {@code rows} rows, int codes when every position fits an int. */
  public Codes allocate(int rows) {
    return layout.fitsInt() ? new Codes(rows, layout.positions()) : Codes.wide(rows, layout.positions());
  }

  /** Whether bit t (dimension t) is set in row {@code i} of {@code codes}. */
  public boolean bit(Codes codes, int i, int t) {
    return ((codes.getLong(i, t / groupBits) >>> (t % groupBits)) & 1L) != 0;
  }
}
