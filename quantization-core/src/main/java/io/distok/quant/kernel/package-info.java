/**
 * Distance kernels: squared-L2 and dot products between blocks of rows and a packed set of centroids, with a
 * JDK Vector API implementation and a scalar fallback chosen once at run time ({@link
 * io.distok.quant.kernel.DistanceKernels#get()}).
 *
 * <p>Both implementations accumulate every dot product lane-sequentially with fused multiply-add in dimension
 * order, so they produce bit-identical distances and therefore identical codes.
 */
package io.distok.quant.kernel;
