package io.distok.quant.gradient;

/**
 * How a {@link VqLayer} learns, with the four codebook-collapse mitigations as switches. Parameters are named as
 * their papers name them.
 *
 * @param estimator how the reconstruction gradient passes the hard assignment
 * @param beta commitment weight (van den Oord et al. 2017): {@code beta ||z - sg(c)||^2}
 * @param update how codewords move: by the codebook loss {@code ||sg(z) - c||^2} through the optimiser, or by
 *     exponential moving averages of their rows (VQ-VAE-2), decay {@code gamma}
 * @param gamma EMA decay in [0, 1)
 * @param linear linear reparameterisation (SimVQ, Zhu et al. 2024): codebook = frozen random basis x learned
 *     d x d matrix, so every code moves with every update
 * @param deadCodeWindow dead-code reset: every this many steps, codes used fewer than {@code deadCodeThreshold}
 *     times since the last check are re-initialised from the most recent max(K, 1024) inputs; 0 switches it off
 * @param deadCodeThreshold uses per window below which a code is dead (any value > 0; 0.5 and 1 both mean
 *     "unused")
 * @param softTemperatureStart soft quantisation: the output is the distance-softmax mixture of codewords, at a
 *     temperature this multiple of the batch's mean gap between a row's average and nearest squared code distance,
 *     annealed geometrically to {@code softTemperatureEnd} over training; 0 is hard assignment. The codebook
 *     loss is then the expected squared distance under the softmax (deterministic annealing's), so every code is
 *     pulled towards the rows in proportion to its probability
 * @param softTemperatureEnd the temperature multiple at the end of training (> 0 when soft)
 * @param entropyWeight lambda of the usage regulariser {@code lambda (ln K - H(p))}, the KL divergence of the
 *     batch's mean soft assignment p from uniform use: in [0, lambda ln K], 0 when every code is equally likely
 * @param entropyTemperature temperature of the regulariser's distance softmax as a multiple of the batch's
 *     variance (its mean squared distance to its mean); 0.03 suits codebooks of hundreds to thousands of codes
 * @param entropyDecay what the regulariser measures: with 0 the batch's own mean assignment pbar; with a decay in
 *     (0, 1) the mixture {@code m = decay u + (1 - decay) pbar} of pbar with the running average u of the earlier
 *     batches' (decay per step, u fixed within a step), the loss {@code lambda / (1 - decay) KL(m || uniform)}, so
 *     that the gradient at pbar has the batch regulariser's scale. A batch of 256 rows cannot spread its mean over
 *     4096 codes; the average over about 1 / (1 - decay) batches can
 */
public record VqOptions(Estimator estimator, double beta, CodebookUpdate update, double gamma, boolean linear,
    int deadCodeWindow, double deadCodeThreshold, double softTemperatureStart, double softTemperatureEnd,
    double entropyWeight, double entropyTemperature, double entropyDecay) {

  /** Straight-through estimator, beta 0.25, codebook loss, no mitigation: the VQ-VAE recipe. */
  public static final VqOptions DEFAULT = new VqOptions(Estimator.STRAIGHT_THROUGH, 0.25, CodebookUpdate.LOSS, 0.99,
      false, 0, 1, 0, 0, 0, 1, 0);

  /** Gradients through the hard assignment. */
  public enum Estimator {
    /** {@code z + sg(c - z)}: the gradient at c is passed to z unchanged (Bengio et al. 2013). */
    STRAIGHT_THROUGH,
    /**
     * The rotation trick (Fifty et al. 2024): c is written as a rotation and rescaling of z, treated as constant, so
     * the gradient reaching z is rotated and scaled as c relates to z.
     */
    ROTATION
  }

  /** How codewords are updated. */
  public enum CodebookUpdate {
    /** Gradient of the codebook loss through the optimiser. */
    LOSS,
    /** Exponential moving averages of the rows assigned to each code. */
    EMA
  }

  public VqOptions {
    if (estimator == null || update == null) {
      throw new IllegalArgumentException("estimator and update must be given");
    }
    requireAtLeast("beta", beta, 0);
    if (!(gamma >= 0 && gamma < 1)) {
      throw new IllegalArgumentException("EMA decay gamma must be in [0, 1), got " + gamma);
    }
    if (deadCodeWindow < 0) {
      throw new IllegalArgumentException("dead-code window must be >= 0 steps, got " + deadCodeWindow);
    }
    if (!(deadCodeThreshold > 0) || Double.isInfinite(deadCodeThreshold)) {
      throw new IllegalArgumentException("dead-code threshold must be a finite number > 0, got " + deadCodeThreshold);
    }
    requireAtLeast("soft temperature", softTemperatureStart, 0);
    requireAtLeast("soft end temperature", softTemperatureEnd, 0);
    if (softTemperatureStart > 0 && !(softTemperatureEnd > 0)) {
      throw new IllegalArgumentException("soft quantisation needs an end temperature > 0");
    }
    requireAtLeast("entropy weight", entropyWeight, 0);
    if (!(entropyTemperature > 0) || Double.isInfinite(entropyTemperature)) {
      throw new IllegalArgumentException("entropy temperature must be a finite number > 0, got " + entropyTemperature);
    }
    if (!(entropyDecay >= 0 && entropyDecay < 1)) {
      throw new IllegalArgumentException("entropy decay must be in [0, 1), got " + entropyDecay);
    }
    if (linear && update == CodebookUpdate.EMA) {
      throw new IllegalArgumentException("the linear reparameterisation learns its matrix by gradient; it cannot be"
          + " combined with EMA updates");
    }
    if (linear && deadCodeWindow > 0) {
      throw new IllegalArgumentException("dead-code reset writes codewords, which the linear reparameterisation"
          + " derives from its basis; use one or the other");
    }
  }

  private static void requireAtLeast(String name, double v, double min) {
    if (!(v >= min) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be a finite number >= " + min + ", got " + v);
    }
  }

  public VqOptions withBeta(double b) {
    return new VqOptions(estimator, b, update, gamma, linear, deadCodeWindow, deadCodeThreshold,
        softTemperatureStart, softTemperatureEnd, entropyWeight, entropyTemperature, entropyDecay);
  }

  public VqOptions withEstimator(Estimator e) {
    return new VqOptions(e, beta, update, gamma, linear, deadCodeWindow, deadCodeThreshold, softTemperatureStart,
        softTemperatureEnd, entropyWeight, entropyTemperature, entropyDecay);
  }

  /** EMA codebook updates with decay {@code g}. */
  public VqOptions withEma(double g) {
    return new VqOptions(estimator, beta, CodebookUpdate.EMA, g, linear, deadCodeWindow, deadCodeThreshold,
        softTemperatureStart, softTemperatureEnd, entropyWeight, entropyTemperature, entropyDecay);
  }

  /** The linear reparameterisation (SimVQ). */
  public VqOptions withLinearReparameterisation() {
    return new VqOptions(estimator, beta, update, gamma, true, deadCodeWindow, deadCodeThreshold,
        softTemperatureStart, softTemperatureEnd, entropyWeight, entropyTemperature, entropyDecay);
  }

  /** Dead-code reset every {@code window} steps for codes used fewer than {@code threshold} times. */
  public VqOptions withDeadCodeReset(int window, double threshold) {
    return new VqOptions(estimator, beta, update, gamma, linear, window, threshold, softTemperatureStart,
        softTemperatureEnd, entropyWeight, entropyTemperature, entropyDecay);
  }

  /** Soft quantisation annealed from {@code start} to {@code end} (multiples of the mean nearest distance). */
  public VqOptions withSoftQuantisation(double start, double end) {
    return new VqOptions(estimator, beta, update, gamma, linear, deadCodeWindow, deadCodeThreshold, start, end,
        entropyWeight, entropyTemperature, entropyDecay);
  }

  /** The KL-to-uniform usage regulariser with weight {@code lambda} at temperature multiple {@code temperature}. */
  public VqOptions withEntropy(double lambda, double temperature) {
    return new VqOptions(estimator, beta, update, gamma, linear, deadCodeWindow, deadCodeThreshold,
        softTemperatureStart, softTemperatureEnd, lambda, temperature, entropyDecay);
  }

  /**
   * The usage regulariser against a running average of the batches' usage, decay {@code decay} per step (see
   * {@code entropyDecay}).
   */
  public VqOptions withEntropy(double lambda, double temperature, double decay) {
    return new VqOptions(estimator, beta, update, gamma, linear, deadCodeWindow, deadCodeThreshold,
        softTemperatureStart, softTemperatureEnd, lambda, temperature, decay);
  }

  public boolean soft() {
    return softTemperatureStart > 0;
  }

  /** The soft temperature multiple at training progress {@code t} in [0, 1], geometric between start and end. */
  double softTemperatureAt(double t) {
    return softTemperatureStart * Math.pow(softTemperatureEnd / softTemperatureStart, Math.min(1, Math.max(0, t)));
  }

  /** The settings that differ from plain VQ-VAE training, e.g. {@code "codebook loss, beta 0.25, reset 12/1"}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(update == CodebookUpdate.EMA ? "EMA " + gamma : "codebook loss");
    b.append(", beta ").append(beta);
    if (estimator == Estimator.ROTATION) {
      b.append(", rotation trick");
    }
    if (linear) {
      b.append(", linear reparameterisation");
    }
    if (deadCodeWindow > 0) {
      b.append(", dead-code reset every ").append(deadCodeWindow).append(" steps below ").append(deadCodeThreshold);
    }
    if (soft()) {
      b.append(", soft T ").append(softTemperatureStart).append(" -> ").append(softTemperatureEnd);
    }
    if (entropyWeight > 0) {
      b.append(", entropy lambda ").append(entropyWeight).append(" T ").append(entropyTemperature);
      if (entropyDecay > 0) {
        b.append(" against a running usage, decay ").append(entropyDecay);
      }
    }
    return b.toString();
  }
}
