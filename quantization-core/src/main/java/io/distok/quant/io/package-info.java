/**
 * File formats and model persistence: {@code .npy} (float32/float64, C order), {@code .fvecs}, CSV/TSV with an
 * optional id column, all optionally gzip-compressed; saved models as a directory of {@code .npy} codebooks
 * plus JSON metadata with checksums. Every writer writes to a temporary file and moves it into place, so a
 * failure never leaves a half-written output.
 */
package io.distok.quant.io;
