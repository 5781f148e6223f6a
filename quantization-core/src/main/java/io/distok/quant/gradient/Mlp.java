package io.distok.quant.gradient;

import io.distok.util.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A multi-layer perceptron: dense layers with a hidden activation between them and a linear last layer. No
 * layers is the identity map (the quantizer then works on the input itself). Forward and backward cost O(n sum
 * of in x out) for a batch of n rows.
 */
public final class Mlp {
  private final List<DenseLayer> layers;
  private final int inputDimension;

  /**
   * An MLP through {@code sizes} ({@code [64, 128, 64]}: 64 -> 128 -> 64), hidden layers with {@code hidden},
   * the last one linear; one size is the identity of that dimension.
   */
  public static Mlp of(int[] sizes, Activation hidden, SplittableRandom random) {
    if (sizes.length == 0) {
      throw new IllegalArgumentException("an MLP needs at least its input size");
    }
    List<DenseLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      Activation f = l + 2 == sizes.length ? Activation.IDENTITY : hidden;
      layers.add(new DenseLayer(sizes[l], sizes[l + 1], f, random));
    }
    return new Mlp(sizes[0], layers);
  }

  /** The identity map of {@code dimension}. */
  public static Mlp identity(int dimension) {
    return new Mlp(dimension, List.of());
  }

  /** An MLP of the given layers, each one's inputs the previous one's outputs. */
  public Mlp(int inputDimension, List<DenseLayer> layers) {
    int d = inputDimension;
    for (DenseLayer layer : layers) {
      if (layer.inputs() != d) {
        throw new IllegalArgumentException("layer of " + layer.inputs() + " inputs after " + d + " outputs");
      }
      d = layer.outputs();
    }
    if (inputDimension < 1) {
      throw new IllegalArgumentException("input dimension must be >= 1, got " + inputDimension);
    }
    this.inputDimension = inputDimension;
    this.layers = List.copyOf(layers);
  }

  public List<DenseLayer> layers() {
    return layers;
  }

  public boolean isIdentity() {
    return layers.isEmpty();
  }

  public int inputDimension() {
    return inputDimension;
  }

  public int outputDimension() {
    return layers.isEmpty() ? inputDimension : layers.get(layers.size() - 1).outputs();
  }

  /** Each layer's W (out x in) and b (1 x out), in layer order: the state that saving and fingerprinting read. */
  public List<FloatMatrix> matrices() {
    List<FloatMatrix> out = new ArrayList<>();
    for (DenseLayer layer : layers) {
      out.add(layer.weights());
      out.add(FloatMatrix.wrap(layer.bias(), 1, layer.outputs()));
    }
    return out;
  }

  /** Each layer's activation name, in layer order. */
  public List<String> activations() {
    return layers.stream().map(l -> l.activation().name()).toList();
  }

  List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (DenseLayer layer : layers) {
      out.addAll(layer.parameters());
    }
    return out;
  }

  /** The outputs of every layer of one forward pass, kept for the backward pass. */
  static final class Trace {
    private final List<FloatMatrix> values;

    private Trace(List<FloatMatrix> values) {
      this.values = values;
    }

    FloatMatrix output() {
      return values.get(values.size() - 1);
    }
  }

  /** The network's output for every row of {@code x}. */
  public FloatMatrix apply(FloatMatrix x) {
    return forward(x).output();
  }

  Trace forward(FloatMatrix x) {
    if (x.cols() != inputDimension) {
      throw new IllegalArgumentException("an MLP of input " + inputDimension + " got rows of " + x.cols());
    }
    List<FloatMatrix> values = new ArrayList<>();
    values.add(x);
    for (DenseLayer layer : layers) {
      values.add(layer.forward(values.get(values.size() - 1)));
    }
    return new Trace(values);
  }

  /** Accumulates every layer's gradients from the output gradient {@code g}; returns the input gradient. */
  FloatMatrix backward(Trace trace, FloatMatrix g) {
    FloatMatrix grad = g;
    for (int l = layers.size() - 1; l >= 0; l--) {
      grad = layers.get(l).backward(trace.values.get(l), trace.values.get(l + 1), grad);
    }
    return grad;
  }
}
