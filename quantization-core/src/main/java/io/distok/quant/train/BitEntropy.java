package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;

/**
 * The entropy terms of LFQ's and BSQ's usage regulariser, factorised per bit so that nothing is computed over the
 * 2^K codes: a row z gets independent soft bits {@code p_t = sigmoid(2 beta z_t)} (the softmax over the codes
 * {@code +-1} of {@code beta <z, c>}, which factorises over the dimensions), the per-sample entropy is {@code
 * mean_i sum_t h(p_it)} (exact, since each row's soft code is a product distribution) and the codebook entropy is
 * {@code sum_t h(mean_i p_it)}, an upper bound on the entropy of the mean soft code that is exact when the bits are
 * independent across rows. MAGVIT-v2's loss is {@code sampleEntropy - gamma codebookEntropy}: confident codes, all
 * of them used. Entropies in nats; O(n K) time and O(K) memory.
 *
 * @param sampleEntropy mean over rows of the soft code's entropy
 * @param codebookEntropy factorised entropy of the mean soft code ({@code K ln 2} at most)
 * @param bitShare mean soft value of each bit
 */
public record BitEntropy(double sampleEntropy, double codebookEntropy, double[] bitShare) {

  /**
   * The terms for the rows of {@code z} (projected, and for BSQ normalised) at inverse temperature {@code beta}.
   *
   * @throws InvalidInputException if {@code z} is empty or {@code beta} is not positive and finite
   */
  public static BitEntropy of(FloatMatrix z, double beta) {
    if (z.rows() == 0) {
      throw new InvalidInputException("entropy of no rows");
    }
    if (!(beta > 0) || !Double.isFinite(beta)) {
      throw new InvalidInputException("inverse temperature must be positive and finite, got " + beta);
    }
    int k = z.cols();
    double[] mean = new double[k];
    double sample = 0;
    for (int i = 0; i < z.rows(); i++) {
      for (int t = 0; t < k; t++) {
        double p = soft(z.get(i, t), beta);
        mean[t] += p;
        sample += binary(p);
      }
    }
    double codebook = 0;
    for (int t = 0; t < k; t++) {
      mean[t] /= z.rows();
      codebook += binary(mean[t]);
    }
    return new BitEntropy(sample / z.rows(), codebook, mean);
  }

  /** {@code sigmoid(2 beta v)}, computed without overflow: the soft bit of value v. */
  public static double soft(double v, double beta) {
    double a = 2 * beta * v;
    return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
  }

  /** Binary entropy in nats, 0 at 0 and 1. */
  static double binary(double p) {
    if (p <= 0 || p >= 1) {
      return 0;
    }
    return -(p * Math.log(p) + (1 - p) * Math.log1p(-p));
  }
}
