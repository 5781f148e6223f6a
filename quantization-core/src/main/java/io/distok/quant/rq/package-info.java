/** RQ / RVQ: residual quantization with RQ-KMeans training and beam-search encoding. */
package io.distok.quant.rq;
