package io.distok.quant;

import io.distok.util.TopK;

/**
 * A {@link QueryScorer} built from per-position look-up tables, as faiss scores PQ and additive codes: the
 * query's score against an item is a sum of one table entry per code position (plus, for additive codes, the
 * items' norm from cross-term tables), O(m) per item after O(sum K_j d_j) to build the tables. The per-code
 * {@link #contribution} also ranks a position's codes for one query, which candidate generation uses.
 */
public interface LookupTableScorer extends QueryScorer {

  /**
   * The part of the squared distance that code {@code code} of position {@code j} adds on its own (for PQ the
   * sub-space distance; for additive codes {@code ||c||^2 - 2 <q, c>}, without the cross terms with the other
   * positions). Smaller is nearer.
   */
  float contribution(int j, int code);

  /** Number of codes of position {@code j}. */
  int size(int j);

  /**
   * The {@code t} codes of position {@code j} with the smallest {@link #contribution}, smallest first (ties by
   * code). O(K t), O(K log K) when t >= K.
   */
  default int[] nearestCodes(int j, int t) {
    int k = size(j);
    float[] v = new float[k];
    for (int c = 0; c < k; c++) {
      v[c] = contribution(j, c);
    }
    return TopK.smallest(v, k, t);
  }
}
