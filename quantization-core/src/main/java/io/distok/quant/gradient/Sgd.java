package io.distok.quant.gradient;

import java.util.List;

/**
 * Stochastic gradient descent with (heavy-ball) momentum: {@code u = momentum u + g}, {@code w -= lr u}. One
 * float of state per parameter value when momentum is used.
 *
 * @param learningRate lr > 0
 * @param momentum in [0, 1); 0 is plain SGD
 */
public record Sgd(double learningRate, double momentum) implements Optimizer {

  public Sgd {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
  }

  @Override
  public Updater start(List<Parameter> parameters) {
    float[][] u = new float[parameters.size()][];
    for (int p = 0; p < u.length; p++) {
      u[p] = new float[parameters.get(p).size()];
    }
    float lr = (float) learningRate;
    float mu = (float) momentum;
    return () -> {
      for (int p = 0; p < u.length; p++) {
        float[] w = parameters.get(p).value();
        float[] g = parameters.get(p).gradient();
        float[] up = u[p];
        for (int i = 0; i < w.length; i++) {
          up[i] = mu * up[i] + g[i];
          w[i] -= lr * up[i];
        }
        parameters.get(p).zeroGradient();
      }
    };
  }
}
