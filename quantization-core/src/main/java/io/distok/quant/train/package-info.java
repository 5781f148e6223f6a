/**
 * The steps training is composed of, each a small interface so that a family or a recipe swaps one without
 * copying the loop: {@link io.distok.quant.train.Assigner} (which code each training row takes: nearest, or
 * balanced within groups), {@link io.distok.quant.train.CodebookUpdate} (new codewords from the assignment:
 * the mean), {@link io.distok.quant.train.DeadCodePolicy} (what happens to codes no row took: faiss's split of a
 * large cluster), and {@link io.distok.quant.train.TrainableQuantizer}, the mutable state a training loop steps
 * and then freezes into an immutable model. k-means and RQ training are compositions of these.
 */
package io.distok.quant.train;
