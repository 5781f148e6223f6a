package io.distok.lucene.analysis;

import io.distok.quant.ExplicitCodebooks;
import io.distok.quant.Quantizer;
import io.distok.util.FloatMatrix;
import io.distok.util.TopK;

/**
 * For every code of every position of a model with explicit codebooks, its t nearest other codes of the same
 * position (by squared L2 between codewords, ties by code): what {@link CodeTokenizer} adds to a code when it
 * expands it, so that an item matches queries whose codes are near its own, not only equal. Built in O(sum K_j^2
 * d_j) time and O(sum K_j t) memory.
 */
public final class CodeNeighbours {
  private final int t;
  private final int[][][] near;

  private CodeNeighbours(int t, int[][][] near) {
    this.t = t;
    this.near = near;
  }

  /**
   * The t nearest codes of every code of {@code model}.
   *
   * @throws IllegalArgumentException if t is below 1 or the model's codebooks are implicit
   */
  public static CodeNeighbours of(Quantizer model, int t) {
    if (t < 1) {
      throw new IllegalArgumentException("t must be >= 1, got " + t);
    }
    if (!(model instanceof ExplicitCodebooks books)) {
      throw new IllegalArgumentException("the " + model.method() + " model has no explicit codebooks to expand codes "
          + "with");
    }
    int m = books.codebooks().size();
    int[][][] near = new int[m][][];
    for (int j = 0; j < m; j++) {
      FloatMatrix c = books.codebooks().get(j);
      int k = c.rows();
      int keep = Math.min(t, k - 1);
      near[j] = new int[k][];
      float[] d = new float[k];
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          double s = 0;
          for (int x = 0; x < c.cols(); x++) {
            double e = c.get(a, x) - c.get(b, x);
            s += e * e;
          }
          // the code itself is not its own neighbour
          d[b] = b == a ? Float.POSITIVE_INFINITY : (float) s;
        }
        near[j][a] = TopK.smallest(d, k, keep);
      }
    }
    return new CodeNeighbours(t, near);
  }

  /** Neighbours per code (fewer when a codebook has at most t codes). */
  public int t() {
    return t;
  }

  /** Positions the model has. */
  public int positions() {
    return near.length;
  }

  /**
   * The nearest codes of {@code code} at {@code position}, nearest first.
   *
   * @throws IllegalArgumentException if the position or code is outside the model
   */
  public int[] of(int position, int code) {
    if (position < 0 || position >= near.length || code < 0 || code >= near[position].length) {
      throw new IllegalArgumentException("code " + code + " at position " + position + " is outside the model ("
          + near.length + " positions)");
    }
    return near[position][code];
  }

  /** The term frequency of the code itself when expanded: above every neighbour's. */
  public int selfWeight() {
    return t + 1;
  }

  /** The term frequency of the neighbour of rank {@code r} (0 = nearest): t for the nearest down to 1. */
  public int weight(int r) {
    return t - r;
  }
}
