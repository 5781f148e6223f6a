package io.distok.quant.gradient;

import io.distok.quant.Quantizer;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.util.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * encoder -> quantizer layer -> decoder, trained on the reconstruction loss {@code mean_i ||x_i - dec(q(enc(x_i)))||^2}
 * plus the quantizer's own terms. With identity encoder and decoder it is a gradient-trained quantizer of the
 * input itself (VQ trained by SGD, the setting in which codebooks collapse). A step on n rows costs the networks'
 * O(n sum of layer sizes) plus the quantizer's step.
 */
public final class QuantizedAutoencoder {
  private final Mlp encoder;
  private final QuantizerLayer quantizer;
  private final Mlp decoder;

  public QuantizedAutoencoder(Mlp encoder, QuantizerLayer quantizer, Mlp decoder) {
    if (encoder.outputDimension() != quantizer.dimension() || decoder.inputDimension() != quantizer.dimension()) {
      throw new IllegalArgumentException("encoder output " + encoder.outputDimension() + ", quantizer "
          + quantizer.dimension() + " and decoder input " + decoder.inputDimension() + " must be equal");
    }
    if (decoder.outputDimension() != encoder.inputDimension()) {
      throw new IllegalArgumentException("the decoder gives " + decoder.outputDimension() + " dimensions for inputs of "
          + encoder.inputDimension());
    }
    this.encoder = encoder;
    this.quantizer = quantizer;
    this.decoder = decoder;
  }

  /** A quantizer of the input itself: identity encoder and decoder. */
  public static QuantizedAutoencoder of(QuantizerLayer quantizer) {
    return new QuantizedAutoencoder(Mlp.identity(quantizer.dimension()), quantizer, Mlp.identity(quantizer.dimension()));
  }

  public Mlp encoder() {
    return encoder;
  }

  public QuantizerLayer quantizer() {
    return quantizer;
  }

  public Mlp decoder() {
    return decoder;
  }

  public int dimension() {
    return encoder.inputDimension();
  }

  /** Every trainable parameter: encoder, quantizer, decoder. */
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>(encoder.parameters());
    out.addAll(quantizer.parameters());
    out.addAll(decoder.parameters());
    return out;
  }

  /** The losses of one step. */
  public record StepLoss(double reconstruction, double auxiliary) {
    public double total() {
      return reconstruction + auxiliary;
    }
  }

  /**
   * Forward and backward on {@code x}: accumulates every parameter's gradient and returns the loss; the caller
   * then runs its optimiser and {@link #afterUpdate}.
   */
  StepOutcome forwardBackward(FloatMatrix x, double progress) {
    int n = x.rows();
    Mlp.Trace enc = encoder.forward(x);
    QuantizerLayer.Pass pass = quantizer.forward(enc.output(), progress);
    Mlp.Trace dec = decoder.forward(pass.output());
    FloatMatrix y = dec.output();
    float[] yv = y.data();
    float[] xv = x.data();
    float[] gy = new float[yv.length];
    double loss = 0;
    float scale = 2f / n;
    for (int i = 0; i < yv.length; i++) {
      float e = yv[i] - xv[i];
      loss += (double) e * e;
      gy[i] = scale * e;
    }
    FloatMatrix gq = decoder.backward(dec, FloatMatrix.wrap(gy, y.rows(), y.cols()));
    FloatMatrix gz = quantizer.backward(pass, gq);
    encoder.backward(enc, gz);
    return new StepOutcome(pass, new StepLoss(loss / n, pass.auxiliaryLoss()));
  }

  record StepOutcome(QuantizerLayer.Pass pass, StepLoss loss) {}

  void afterUpdate(StepOutcome outcome, SplittableRandom random) {
    quantizer.afterUpdate(outcome.pass(), random);
  }

  /**
   * The current state as an immutable model: the quantizer's frozen form, behind an {@link MlpTransform} when the
   * encoder or decoder is not the identity. Later steps do not change it.
   */
  public Quantizer freeze() {
    Quantizer inner = quantizer.freeze();
    if (encoder.isIdentity() && decoder.isIdentity()) {
      return inner;
    }
    return new TransformedQuantizer(List.of(new MlpTransform(copy(encoder), copy(decoder))), inner);
  }

  static Mlp copy(Mlp mlp) {
    List<DenseLayer> layers = new ArrayList<>();
    for (DenseLayer l : mlp.layers()) {
      layers.add(new DenseLayer(l.inputs(), l.outputs(), l.activation(), l.weights().data().clone(), l.bias().clone()));
    }
    return new Mlp(mlp.inputDimension(), layers);
  }
}
