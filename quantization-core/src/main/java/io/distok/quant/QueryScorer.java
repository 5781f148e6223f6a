package io.distok.quant;

import io.distok.util.InvalidInputException;

/**
 * Scores encoded items against one query vector from their codes alone, without the items' vectors: the
 * squared L2 distance (and inner product) between the query and the vector the codes stand for. Search and
 * exact rescoring from stored codes use it. Obtained from {@link Quantizer#scorer(float[])}; immutable and
 * thread-safe.
 */
public interface QueryScorer {

  /** Squared L2 distance between the query and the decoded vector of row {@code row} of {@code codes}. */
  float squaredDistance(Codes codes, int row);

  /** Inner product of the query with the decoded vector of row {@code row} of {@code codes}. */
  float innerProduct(Codes codes, int row);

  /**
   * The generic scorer: decodes each scored row, O(decode of one row + d) per call. For families without
   * look-up tables.
   */
  static QueryScorer byDecoding(Quantizer quantizer, float[] query) {
    float[] q = requireQuery(quantizer, query);
    int m = quantizer.layout().positions();
    int d = q.length;
    return new QueryScorer() {
      private float[] decoded(Codes codes, int row) {
        return quantizer.decode(Codes.wrap(codes.row(row), 1, m)).data();
      }

      @Override
      public float squaredDistance(Codes codes, int row) {
        float[] y = decoded(codes, row);
        float s = 0;
        for (int t = 0; t < d; t++) {
          float e = q[t] - y[t];
          s += e * e;
        }
        return s;
      }

      @Override
      public float innerProduct(Codes codes, int row) {
        float[] y = decoded(codes, row);
        float s = 0;
        for (int t = 0; t < d; t++) {
          s += q[t] * y[t];
        }
        return s;
      }
    };
  }

  /**
   * A copy of {@code query} after checking that it has the model's dimension and finite values.
   *
   * @throws InvalidInputException otherwise
   */
  static float[] requireQuery(Quantizer quantizer, float[] query) {
    if (query.length != quantizer.dimension()) {
      throw new InvalidInputException("query dimension " + query.length + " != " + quantizer.dimension()
          + " of the " + quantizer.method() + " model");
    }
    for (int t = 0; t < query.length; t++) {
      if (!Float.isFinite(query[t])) {
        throw new InvalidInputException("query value " + t + " is not finite: " + query[t]);
      }
    }
    return query.clone();
  }
}
