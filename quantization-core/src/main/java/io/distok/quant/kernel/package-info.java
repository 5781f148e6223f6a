/**
 * Distance kernels: squared-L2 and dot products between blocks of rows and a packed set of centroids, the small
 * matrix products of linear transforms, and the per-value steps of the implicit-codebook families (bucket indices
 * for FSQ, sign bits for LFQ and BSQ), with a JDK Vector API implementation and a scalar fallback chosen once at run time ({@link
 * io.distok.quant.kernel.DistanceKernels#get()}).
 *
 * <p>Both implementations accumulate every dot product lane-sequentially with fused multiply-add in dimension
 * order, so they produce bit-identical distances and therefore identical codes.
 */
package io.distok.quant.kernel;
