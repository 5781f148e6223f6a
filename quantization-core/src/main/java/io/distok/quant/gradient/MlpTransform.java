package io.distok.quant.gradient;

import io.distok.quant.transform.VectorTransform;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained encoder before a quantizer and its decoder after it, as a {@link VectorTransform} (kind {@code mlp}):
 * {@link #apply} encodes, {@link #reverse} decodes. Holds copies of both networks, so later training does not
 * change it. O(n sum of layer sizes) per call.
 */
public final class MlpTransform implements VectorTransform {
  private final Mlp encoder;
  private final Mlp decoder;

  /** Wraps the two networks (the caller hands over frozen copies). */
  public MlpTransform(Mlp encoder, Mlp decoder) {
    if (encoder.outputDimension() != decoder.inputDimension() || decoder.outputDimension() != encoder.inputDimension()) {
      throw new IllegalArgumentException("encoder " + encoder.inputDimension() + " -> " + encoder.outputDimension()
          + " and decoder " + decoder.inputDimension() + " -> " + decoder.outputDimension() + " do not fit together");
    }
    this.encoder = encoder;
    this.decoder = decoder;
  }

  public Mlp encoder() {
    return encoder;
  }

  public Mlp decoder() {
    return decoder;
  }

  @Override
  public String kind() {
    return "mlp";
  }

  @Override
  public int inputDimension() {
    return encoder.inputDimension();
  }

  @Override
  public int outputDimension() {
    return encoder.outputDimension();
  }

  @Override
  public FloatMatrix apply(FloatMatrix x) {
    if (x.cols() != inputDimension()) {
      throw new InvalidInputException("dimension " + x.cols() + " != " + inputDimension() + " of the MLP encoder");
    }
    return encoder.apply(x);
  }

  @Override
  public FloatMatrix reverse(FloatMatrix y) {
    return decoder.apply(y);
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("encoder", sizes(encoder));
    p.put("decoder", sizes(decoder));
    return p;
  }

  private static String sizes(Mlp mlp) {
    StringBuilder b = new StringBuilder().append(mlp.inputDimension());
    for (DenseLayer layer : mlp.layers()) {
      b.append("->").append(layer.outputs());
      if (layer.activation() != Activation.IDENTITY) {
        b.append(':').append(layer.activation().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return b.toString();
  }
}
