package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import java.util.Arrays;

/**
 * Lloyd's update: each codeword becomes the mean of its rows, summed in double in row order per code (parallel
 * over codes, so deterministic); a code without rows gets a zero row. O(n d).
 */
public final class MeanUpdate implements CodebookUpdate {
  /** The one instance. */
  public static final MeanUpdate INSTANCE = new MeanUpdate();

  private MeanUpdate() {}

  @Override
  public FloatMatrix update(FloatMatrix x, int[] codes, int[] counts, FloatMatrix old) {
    int n = x.rows();
    int d = x.cols();
    int k = counts.length;
    int[] start = new int[k + 1];
    for (int j = 0; j < k; j++) {
      start[j + 1] = start[j] + counts[j];
    }
    int[] order = new int[n];
    int[] fill = Arrays.copyOf(start, k);
    for (int i = 0; i < n; i++) {
      order[fill[codes[i]]++] = i;
    }
    FloatMatrix c = new FloatMatrix(k, d);
    float[] xd = x.data();
    float[] cdata = c.data();
    Parallel.forEachChunk(k, 8, (ci, from, to) -> {
      double[] sum = new double[d];
      for (int j = from; j < to; j++) {
        if (counts[j] == 0) {
          continue;
        }
        Arrays.fill(sum, 0);
        for (int s = start[j]; s < start[j + 1]; s++) {
          int off = order[s] * d;
          for (int t = 0; t < d; t++) {
            sum[t] += xd[off + t];
          }
        }
        double inv = 1.0 / counts[j];
        for (int t = 0; t < d; t++) {
          cdata[j * d + t] = (float) (sum[t] * inv);
        }
      }
    });
    return c;
  }
}
