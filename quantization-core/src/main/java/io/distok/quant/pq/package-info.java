/** PQ: product quantization with asymmetric distance computation (ADC). */
package io.distok.quant.pq;
