package io.distok.quant.gradient;

import java.util.Arrays;

/**
 * A trainable array and its gradient, accumulated by backward passes and consumed by an {@link Optimizer}. Not
 * thread-safe: backward passes write disjoint slices or reduce in a fixed order.
 */
public final class Parameter {
  private final String name;
  private final float[] value;
  private final float[] gradient;

  /** Wraps {@code value} (not copied) with a zero gradient of the same length. */
  public Parameter(String name, float[] value) {
    if (value.length == 0) {
      throw new IllegalArgumentException("parameter " + name + " is empty");
    }
    this.name = name;
    this.value = value;
    this.gradient = new float[value.length];
  }

  public String name() {
    return name;
  }

  /** The values, updated in place by the optimiser. */
  public float[] value() {
    return value;
  }

  /** The accumulated gradient of the loss with respect to {@link #value()}. */
  public float[] gradient() {
    return gradient;
  }

  public int size() {
    return value.length;
  }

  public void zeroGradient() {
    Arrays.fill(gradient, 0f);
  }
}
