package io.distok.quant.train;

import io.distok.util.FloatMatrix;

/** The update step of training: new codewords from the rows and the codes they took. */
public interface CodebookUpdate {

  /**
   * New K x d codewords. Codes no row took get a row the {@link DeadCodePolicy} then repairs.
   *
   * @param codes code of every row of {@code x}
   * @param counts rows per code (length K)
   * @param old the codewords before the update
   */
  FloatMatrix update(FloatMatrix x, int[] codes, int[] counts, FloatMatrix old);
}
