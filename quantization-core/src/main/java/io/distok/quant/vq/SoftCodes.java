package io.distok.quant.vq;

import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.TopK;

/**
 * Soft codes of a vector quantizer: for every row its {@code top} nearest codes, nearest first, each with the
 * weight {@code exp(-||x - c||^2 / T)} normalised over those codes (the distance softmax that soft quantisation
 * trains with, cut to its largest terms). Computing them costs O(n K d + n K log top) time and O(n top) memory.
 *
 * @param top codes per row
 * @param codes row-major {@code n x top} code indexes
 * @param weights row-major {@code n x top} weights, each row summing to 1, non-increasing along the row
 */
public record SoftCodes(int top, int[] codes, float[] weights) {
  private static final int CHUNK = 64;

  /** Rows described. */
  public int rows() {
    return codes.length / top;
  }

  /**
   * Soft codes of every row of {@code x} under {@code quantizer} at temperature {@code temperature}, in units of
   * squared distance.
   */
  public static SoftCodes of(VectorQuantizer quantizer, FloatMatrix x, int top, double temperature) {
    FloatMatrix codebook = quantizer.codebooks().get(0);
    int k = codebook.rows();
    int d = codebook.cols();
    if (x.cols() != d) {
      throw new IllegalArgumentException("a " + d + "-dimensional quantizer got rows of " + x.cols());
    }
    if (top < 1 || top > k) {
      throw new IllegalArgumentException("top must be in [1, " + k + "], got " + top);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number > 0, got " + temperature);
    }
    int n = x.rows();
    int[] codes = new int[n * top];
    float[] weights = new float[n * top];
    PackedRows packed = new PackedRows(codebook);
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(n, CHUNK, (chunk, from, to) -> {
      float[] dots = new float[k];
      float[] distances = new float[k];
      double[] e = new double[top];
      for (int i = from; i < to; i++) {
        kernel.squaredDistances(x.data(), i * d, packed, dots, distances);
        int[] best = TopK.smallest(distances, k, top);
        double total = 0;
        for (int j = 0; j < top; j++) {
          // relative to the nearest distance, so that far rows do not underflow to all-zero weights
          e[j] = Math.exp(-(distances[best[j]] - (double) distances[best[0]]) / temperature);
          total += e[j];
        }
        for (int j = 0; j < top; j++) {
          codes[i * top + j] = best[j];
          weights[i * top + j] = (float) (e[j] / total);
        }
      }
    });
    return new SoftCodes(top, codes, weights);
  }
}
