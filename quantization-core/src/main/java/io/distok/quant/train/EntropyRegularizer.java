package io.distok.quant.train;

/**
 * KL divergence of the code usage from uniform use, {@code weight * (ln K - H(p))}, in [0, weight ln K]: 0 when
 * every code is used equally. Its assignment cost for code c is {@code weight * ln(K p_c)}, the marginal change of
 * the loss, with the Laplace-smoothed usage {@code p_c = (n_c + 1) / (rows + K)} so that unused codes get a
 * finite bonus: numerically stable and bounded by {@code weight * ln(K (rows + 1))} in magnitude. O(K) per call.
 *
 * @param weight lambda, in units of squared distance
 */
public record EntropyRegularizer(double weight) implements UsageRegularizer {

  public EntropyRegularizer {
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("regulariser weight must be a finite number >= 0, got " + weight);
    }
  }

  @Override
  public double loss(int[] counts, int rows) {
    int k = counts.length;
    if (rows == 0 || k < 2) {
      return 0;
    }
    double[] p = new double[k];
    for (int c = 0; c < k; c++) {
      p[c] = counts[c] / (double) rows;
    }
    return weight * klToUniform(p);
  }

  /**
   * {@code ln K - H(p)}, the KL divergence of the distribution {@code p} over K codes from uniform use, in [0, ln
   * K]; zero entries add nothing. O(K).
   */
  public static double klToUniform(double[] p) {
    double h = 0;
    for (double v : p) {
      if (v > 0) {
        h -= v * Math.log(v);
      }
    }
    return Math.max(0, Math.log(p.length) - h);
  }

  @Override
  public void assignmentCosts(int[] counts, int rows, float[] out) {
    int k = counts.length;
    for (int c = 0; c < k; c++) {
      double p = (counts[c] + 1.0) / ((double) rows + k);
      out[c] = (float) (weight * Math.log(k * p));
    }
  }
}
