package io.distok.quant.train;

/**
 * A penalty on how codes are used, the hook for usage regularisation (entropy / KL towards uniform use, one of
 * the codebook-collapse mitigations): a bounded loss of a usage, and the per-code cost it adds to a row's squared
 * distance when the row is assigned, from the usage of the previous step. Implementations are immutable.
 */
public interface UsageRegularizer {

  /** The regularisation loss of {@code counts} (rows per code over {@code rows} rows); >= 0 and bounded. */
  double loss(int[] counts, int rows);

  /**
   * Writes into {@code out} (length K) the cost added to a row's squared distance for taking each code, given
   * the usage {@code counts} of the {@code rows} rows assigned before it: negative for under-used codes,
   * positive for over-used ones.
   */
  void assignmentCosts(int[] counts, int rows, float[] out);
}
