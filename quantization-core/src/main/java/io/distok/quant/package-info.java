/**
 * The quantization core of distok: one {@link io.distok.quant.Quantizer} abstraction implemented by every
 * discrete tokenization method (VQ, RQ, PQ), the dense {@link io.distok.util.FloatMatrix} it consumes, the
 * integer {@link io.distok.quant.Codes} it produces and the {@link io.distok.quant.UsageMetrics} that detect
 * codebook collapse.
 *
 * <p>Sub-packages: {@code kernel} (vectorized distance kernels), {@code kmeans} (the shared k-means trainer),
 * {@code vq}, {@code rq}, {@code pq} (the methods) and {@code io} (file formats and model persistence).
 */
package io.distok.quant;

import io.distok.util.FloatMatrix;
