package io.distok.quant.gradient;

import io.distok.util.FloatMatrix;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code y = f(x W^T + b)} with W of {@code out x in}: the building block of {@link Mlp}. Forward and backward
 * passes of a batch of n rows cost O(n in out) each.
 */
public final class DenseLayer {
  private final int inputs;
  private final int outputs;
  private final Activation activation;
  private final Parameter weights;
  private final Parameter bias;

  /**
   * A layer initialised as He et al. (ReLU) or Glorot and Bengio (otherwise) prescribe: weights uniform in
   * {@code +-sqrt(6 / in)} or {@code +-sqrt(6 / (in + out))}, biases zero.
   */
  public DenseLayer(int inputs, int outputs, Activation activation, SplittableRandom random) {
    this(inputs, outputs, activation, initialWeights(inputs, outputs, activation, random), new float[outputs]);
  }

  /** A layer with the given weights (out x in, row-major) and biases (not copied). */
  public DenseLayer(int inputs, int outputs, Activation activation, float[] weights, float[] bias) {
    if (inputs < 1 || outputs < 1) {
      throw new IllegalArgumentException("a dense layer needs positive sizes, got " + inputs + " -> " + outputs);
    }
    if (weights.length != inputs * outputs || bias.length != outputs) {
      throw new IllegalArgumentException("weights of " + weights.length + " and biases of " + bias.length
          + " values do not fit a " + inputs + " -> " + outputs + " layer");
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.activation = activation;
    this.weights = new Parameter("W", weights);
    this.bias = new Parameter("b", bias);
  }

  private static float[] initialWeights(int in, int out, Activation activation, SplittableRandom random) {
    double limit = activation == Activation.RELU ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return w;
  }

  public int inputs() {
    return inputs;
  }

  public int outputs() {
    return outputs;
  }

  public Activation activation() {
    return activation;
  }

  /** W as an out x in matrix (a view of the live values). */
  public FloatMatrix weights() {
    return FloatMatrix.wrap(weights.value(), outputs, inputs);
  }

  /** The biases (live values). */
  public float[] bias() {
    return bias.value();
  }

  List<Parameter> parameters() {
    return List.of(weights, bias);
  }

  /** The layer's output for every row of {@code x}. O(n in out). */
  public FloatMatrix forward(FloatMatrix x) {
    if (x.cols() != inputs) {
      throw new IllegalArgumentException("a " + inputs + "-input layer got rows of " + x.cols());
    }
    FloatMatrix y = Matrices.timesTransposed(x, weights());
    float[] v = y.data();
    float[] b = bias.value();
    for (int i = 0; i < y.rows(); i++) {
      int off = i * outputs;
      for (int j = 0; j < outputs; j++) {
        v[off + j] = activation.apply(v[off + j] + b[j]);
      }
    }
    return y;
  }

  /**
   * Accumulates the gradients of W and b from the forward pass {@code x -> y} and the loss gradient {@code gy} at
   * the output; returns the loss gradient at the input. O(n in out).
   */
  FloatMatrix backward(FloatMatrix x, FloatMatrix y, FloatMatrix gy) {
    int n = x.rows();
    float[] pre = new float[n * outputs];
    float[] yv = y.data();
    float[] g = gy.data();
    for (int i = 0; i < pre.length; i++) {
      pre[i] = g[i] * activation.derivativeAt(yv[i]);
    }
    FloatMatrix gPre = FloatMatrix.wrap(pre, n, outputs);
    Matrices.addScaled(weights.gradient(), Matrices.transposedTimes(gPre, x), 1f);
    float[] gb = bias.gradient();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < outputs; j++) {
        gb[j] += pre[i * outputs + j];
      }
    }
    return Matrices.times(gPre, weights());
  }
}
