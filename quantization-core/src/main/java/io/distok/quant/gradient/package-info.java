/**
 * Gradient-trained quantizers without a deep-learning framework: small dense networks ({@link Mlp}), the
 * optimisers ({@link Adam}, {@link Sgd}), quantizer layers with straight-through or rotation-trick gradients
 * ({@link VqLayer}, {@link ResidualVqLayer}) and the four codebook-collapse mitigations as switches of {@link
 * VqOptions}: dead-code reset, linear reparameterisation (SimVQ), soft quantisation and entropy (KL to uniform)
 * regularisation. {@link GradientTrainer} runs the mini-batch loop. Every step is a fixed sequence of chunked
 * loops whose chunk boundaries do not depend on the thread count, so training is bit-identical for 1 or 32
 * threads.
 */
package io.distok.quant.gradient;
