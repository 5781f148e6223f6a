package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import java.util.Map;

/**
 * A map of d_in-dimensional vectors to d_out-dimensional ones applied before quantization, with its
 * (pseudo-)inverse applied after decoding. Immutable and thread-safe.
 */
public interface VectorTransform {

  /** Short kind, saved with the model: {@code l2} or {@code linear}. */
  String kind();

  /** Dimension of the vectors taken. */
  int inputDimension();

  /** Dimension of the vectors given. */
  int outputDimension();

  /**
   * Transforms every row of {@code x}.
   *
   * @throws io.distok.util.InvalidInputException if {@code x.cols() != inputDimension()}
   */
  FloatMatrix apply(FloatMatrix x);

  /**
   * Maps transformed rows back as well as the transform allows: exact for rotations, the least-squares
   * pre-image for projections, identity for normalisation (whose norms are gone).
   */
  FloatMatrix reverse(FloatMatrix y);

  /** Parameters for reports and the model file. */
  Map<String, Object> parameters();
}
