package io.distok.quant.gradient;

import io.distok.quant.Quantizer;
import io.distok.util.FloatMatrix;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The quantizer between an encoder and a decoder: a training forward pass that keeps what its backward pass
 * needs, a backward pass that accumulates its own parameters' gradients and returns the gradient at its input,
 * updates that are not gradients (EMA, dead-code reset), and the frozen model.
 */
public interface QuantizerLayer {

  /** The dimension of the vectors quantized. */
  int dimension();

  /** What a forward pass computed. */
  interface Pass {
    /** The quantized batch handed to the decoder. */
    FloatMatrix output();

    /** The layer's own loss terms (commitment, codebook loss, usage regulariser) on this batch. */
    double auxiliaryLoss();
  }

  /**
   * The training forward pass of a batch {@code z} (n x d) at training progress {@code progress} in [0, 1] (for
   * annealed temperatures).
   */
  Pass forward(FloatMatrix z, double progress);

  /**
   * Accumulates the gradients of the layer's parameters and returns the loss gradient at {@code z}, given the
   * gradient {@code outputGradient} of the decoder's loss at {@link Pass#output()}.
   */
  FloatMatrix backward(Pass pass, FloatMatrix outputGradient);

  /** The parameters an optimiser updates: none for EMA codebooks and for layers without a codebook (FSQ, LFQ, BSQ). */
  default List<Parameter> parameters() {
    return List.of();
  }

  /**
   * What follows the optimiser step: derived codebooks recomputed, EMA averages, dead codes re-initialised
   * (drawing from {@code random}).
   */
  default void afterUpdate(Pass pass, SplittableRandom random) {
    // a layer without state of its own: the encoder before it is what learns
  }

  /** The current codebooks as an immutable model; later steps do not change it. */
  Quantizer freeze();
}
