package io.distok.quant;

/**
 * The capability of a {@link Quantizer} whose codewords are computed from their index rather than stored (FSQ's
 * mixed-radix level grid, LFQ's and BSQ's sign patterns): position {@code j} may hold 2^32 or more codes, so
 * nothing here allocates per code. Explicit codebooks implement {@link ExplicitCodebooks} instead.
 */
public interface ImplicitCodebook {

  /** Length of the codewords of position {@code j}. */
  int codewordDimension(int j);

  /**
   * Writes codeword {@code index} of position {@code j} into {@code out} from {@code offset}, computed
   * arithmetically in O(codeword dimension).
   *
   * @throws IndexOutOfBoundsException if {@code index} is outside the position's size
   */
  void codeword(int j, long index, float[] out, int offset);
}
