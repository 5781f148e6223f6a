package io.distok.quant.gradient;

import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) with bias correction: {@code m = beta1 m + (1 - beta1) g}, {@code v = beta2 v + (1 -
 * beta2) g^2}, {@code w -= lr m^ / (sqrt(v^) + eps)}. Two floats of state per parameter value.
 *
 * @param learningRate lr > 0
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param epsilon eps > 0
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

  public Adam {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("Adam epsilon must be > 0, got " + epsilon);
    }
  }

  /** Adam with the paper's defaults (beta1 0.9, beta2 0.999, eps 1e-8). */
  public static Adam of(double learningRate) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8);
  }

  @Override
  public Updater start(List<Parameter> parameters) {
    float[][] m = new float[parameters.size()][];
    float[][] v = new float[parameters.size()][];
    for (int p = 0; p < m.length; p++) {
      m[p] = new float[parameters.get(p).size()];
      v[p] = new float[parameters.get(p).size()];
    }
    long[] step = {0};
    return () -> {
      step[0]++;
      double c1 = 1 - Math.pow(beta1, step[0]);
      double c2 = 1 - Math.pow(beta2, step[0]);
      float b1 = (float) beta1;
      float b2 = (float) beta2;
      for (int p = 0; p < m.length; p++) {
        float[] w = parameters.get(p).value();
        float[] g = parameters.get(p).gradient();
        float[] mp = m[p];
        float[] vp = v[p];
        for (int i = 0; i < w.length; i++) {
          mp[i] = b1 * mp[i] + (1 - b1) * g[i];
          vp[i] = b2 * vp[i] + (1 - b2) * g[i] * g[i];
          w[i] -= (float) (learningRate * (mp[i] / c1) / (Math.sqrt(vp[i] / c2) + epsilon));
        }
        parameters.get(p).zeroGradient();
      }
    };
  }
}
