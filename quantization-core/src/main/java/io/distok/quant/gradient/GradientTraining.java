package io.distok.quant.gradient;

/**
 * The mini-batch loop's settings.
 *
 * @param epochs passes over the training rows (at most; early stopping may end sooner)
 * @param batchSize rows per step
 * @param optimizer {@link Adam} or {@link Sgd}
 * @param validationFraction share of the rows held out (drawn with the seed) to pick the best epoch and stop
 *     early; 0 trains on every row and keeps the last epoch
 * @param patience stop after this many epochs without a better held-out MSE; 0 never stops early
 * @param seed drives the split, the shuffles and dead-code resets
 */
public record GradientTraining(int epochs, int batchSize, Optimizer optimizer, double validationFraction,
    int patience, long seed) {

  public GradientTraining {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    if (optimizer == null) {
      throw new IllegalArgumentException("an optimizer is needed");
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0, got " + patience);
    }
  }

  /** Adam at {@code learningRate}, batches of 256, no held-out split. */
  public static GradientTraining of(int epochs, double learningRate, long seed) {
    return new GradientTraining(epochs, 256, Adam.of(learningRate), 0, 0, seed);
  }

  public GradientTraining withValidation(double fraction, int patienceEpochs) {
    return new GradientTraining(epochs, batchSize, optimizer, fraction, patienceEpochs, seed);
  }

  public GradientTraining withBatchSize(int rows) {
    return new GradientTraining(epochs, rows, optimizer, validationFraction, patience, seed);
  }

  public GradientTraining withOptimizer(Optimizer o) {
    return new GradientTraining(epochs, batchSize, o, validationFraction, patience, seed);
  }
}
