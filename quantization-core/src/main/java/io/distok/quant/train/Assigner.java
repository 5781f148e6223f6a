package io.distok.quant.train;

import io.distok.util.FloatMatrix;

/**
 * The assignment step of training: the code every training row takes given a codebook. Implementations are
 * immutable, parallel over rows or groups, and deterministic whatever the thread count.
 */
public interface Assigner {

  /**
   * The code of every row of {@code x}, a row index of {@code codebook}.
   *
   * @param context the level and the rows' prefix groups (an assigner may ignore them)
   */
  int[] assign(FloatMatrix x, FloatMatrix codebook, AssignmentContext context);

  /** A short description for model parameters and reports, e.g. {@code nearest}. */
  String describe();
}
