package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import io.distok.quant.Quantizer;

/**
 * The mutable state of a quantizer under training: a loop calls {@link #step} on batches (the whole training
 * set for Lloyd's k-means; mini-batches for gradient training) and finally {@link #freeze}s the state into an
 * immutable {@link Quantizer}. Not thread-safe; a step may run in parallel internally and stays deterministic
 * whatever the thread count.
 *
 * @param <Q> the model type produced
 */
public interface TrainableQuantizer<Q extends Quantizer> {

  /**
   * One training step on {@code batch}; returns its loss before the update (for k-means the mean squared
   * distance of the batch's rows to their assigned codewords).
   */
  double step(FloatMatrix batch);

  /** Steps taken so far. */
  int steps();

  /** The current state as an immutable model; later steps do not change it. */
  Q freeze();
}
