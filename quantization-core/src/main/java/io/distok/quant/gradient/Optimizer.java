package io.distok.quant.gradient;

import java.util.List;

/** How parameters move along their gradients: {@link Adam} or {@link Sgd}. Immutable specification. */
public sealed interface Optimizer permits Adam, Sgd {

  /** The per-run state (moments) for {@code parameters}. */
  Updater start(List<Parameter> parameters);

  /** The learning rate. */
  double learningRate();

  /** One update of every parameter from its gradient; then the gradients are zeroed. O(total parameter count). */
  @FunctionalInterface
  interface Updater {
    void update();
  }
}
