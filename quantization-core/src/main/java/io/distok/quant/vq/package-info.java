/** VQ: a single k-means codebook. */
package io.distok.quant.vq;
