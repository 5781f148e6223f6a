package io.distok.quant.lfq;

import io.distok.quant.SignCodeQuantizer;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lookup-free quantization (Yu et al. 2023, MAGVIT-v2): the code of a K-dimensional (projected) vector is its sign
 * pattern, K bits, grouped into code positions by {@link io.distok.quant.SignCodes}; the implicit codebook has 2^K
 * codewords and none is stored or enumerated. Bit t reconstructs as {@code positive[t]} or {@code negative[t]}, the
 * means of the training values on each side of zero (the closed-form decoder; MAGVIT-v2's codeword is +-1 before its
 * learned decoder). Encoding is O(K) per row, decoding O(K), query scoring O(K) per item from one table of 2 K
 * floats. Immutable and thread-safe.
 */
public final class LookupFreeQuantizer extends SignCodeQuantizer {

  /**
   * A model from its state: per dimension the values of a clear and of a set bit.
   *
   * @throws IllegalArgumentException if the arrays differ in length, hold a non-finite value, or the group does
   *     not fit
   */
  public LookupFreeQuantizer(float[] negative, float[] positive, int groupBits) {
    super(negative, positive, groupBits);
  }

  /**
   * Fits the per-bit values on projected data {@code z}: the mean of the values above zero and of those at or below
   * it, per dimension (+-mean |z_t| when one side is empty). O(n K).
   */
  public static LookupFreeQuantizer fit(FloatMatrix z, int groupBits, ProgressListener progress) {
    if (z.rows() == 0) {
      throw new InvalidInputException("LFQ: empty training data");
    }
    z.requireFinite("training data");
    int k = z.cols();
    double[] posSum = new double[k];
    double[] negSum = new double[k];
    double[] absSum = new double[k];
    long[] posCount = new long[k];
    for (int i = 0; i < z.rows(); i++) {
      for (int t = 0; t < k; t++) {
        float v = z.get(i, t);
        absSum[t] += Math.abs(v);
        if (v > 0) {
          posSum[t] += v;
          posCount[t]++;
        } else {
          negSum[t] += v;
        }
      }
    }
    float[] neg = new float[k];
    float[] pos = new float[k];
    for (int t = 0; t < k; t++) {
      double a = absSum[t] / z.rows();
      long negCount = z.rows() - posCount[t];
      pos[t] = (float) (posCount[t] > 0 ? posSum[t] / posCount[t] : a);
      neg[t] = (float) (negCount > 0 ? negSum[t] / negCount : -a);
    }
    progress.progress("lfq", 1, 1);
    return new LookupFreeQuantizer(neg, pos, groupBits);
  }

  @Override
  public String method() {
    return "lfq";
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("K", signCodes().bits());
    p.put("groupBits", signCodes().groupBits());
    return p;
  }
}
