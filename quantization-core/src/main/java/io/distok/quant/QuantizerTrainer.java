package io.distok.quant;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;

/**
 * Trains a {@link Quantizer} from data. Trainers hold the method's parameters; training is a deterministic
 * function of the data, the parameters and the seed, whatever the thread count.
 *
 * @param <Q> the quantizer type produced
 */
@FunctionalInterface
public interface QuantizerTrainer<Q extends Quantizer> {

  /**
   * Trains a model on the rows of {@code data}.
   *
   * @throws InvalidInputException if the data is empty, holds non-finite values or does not fit the parameters
   */
  Q train(FloatMatrix data, long seed, ProgressListener progress);

  /** As {@link #train(FloatMatrix, long, ProgressListener)}, without progress reports. */
  default Q train(FloatMatrix data, long seed) {
    return train(data, seed, ProgressListener.NONE);
  }
}
