package io.distok.quant.gradient;

/** The element-wise non-linearity after a dense layer, with its derivative written from the output. */
public enum Activation {
  /** y = x. */
  IDENTITY,
  /** y = max(0, x). */
  RELU,
  /** y = tanh(x). */
  TANH;

  float apply(float x) {
    return switch (this) {
      case IDENTITY -> x;
      case RELU -> x > 0 ? x : 0f;
      case TANH -> (float) Math.tanh(x);
    };
  }

  /** dy/dx at the input that gave {@code y}. */
  float derivativeAt(float y) {
    return switch (this) {
      case IDENTITY -> 1f;
      case RELU -> y > 0 ? 1f : 0f;
      case TANH -> 1f - y * y;
    };
  }
}
