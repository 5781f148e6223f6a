package io.distok.quant.lfq;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ImplicitCodebook;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.quant.SignCodes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lookup-free quantization (Yu et al. 2023, MAGVIT-v2): the code of a K-dimensional (projected) vector is its sign
 * pattern, K bits, grouped into code positions by {@link SignCodes}; the implicit codebook has 2^K codewords and
 * none is stored or enumerated. Bit t reconstructs as {@code positive[t]} or {@code negative[t]}, the means of the
 * training values on each side of zero (the closed-form decoder; MAGVIT-v2's codeword is +-1 before its learned
 * decoder). Encoding is O(K) per row, decoding O(K), query scoring O(K) per item from one table of 2 K floats.
 * Immutable and thread-safe.
 */
public final class LookupFreeQuantizer implements Quantizer, ImplicitCodebook {
  private final SignCodes signs;
  private final float[] negative;
  private final float[] positive;

  /**
   * A model from its state: per dimension the values of a clear and of a set bit.
   *
   * @throws IllegalArgumentException if the arrays differ in length, hold a non-finite value, or the group does
   *     not fit
   */
  public LookupFreeQuantizer(float[] negative, float[] positive, int groupBits) {
    if (negative.length != positive.length || negative.length == 0) {
      throw new IllegalArgumentException("negative and positive values need one entry per bit");
    }
    for (int t = 0; t < negative.length; t++) {
      if (!Float.isFinite(negative[t]) || !Float.isFinite(positive[t])) {
        throw new IllegalArgumentException("bit " + t + " has a non-finite value");
      }
    }
    this.signs = new SignCodes(negative.length, groupBits);
    this.negative = negative.clone();
    this.positive = positive.clone();
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

  /** Value of a clear bit, per dimension. */
  public float[] negative() {
    return negative.clone();
  }

  /** Value of a set bit, per dimension. */
  public float[] positive() {
    return positive.clone();
  }

  /** The sign-code layout. */
  public SignCodes signCodes() {
    return signs;
  }

  @Override
  public String method() {
    return "lfq";
  }

  @Override
  public int dimension() {
    return negative.length;
  }

  @Override
  public CodeLayout layout() {
    return signs.layout();
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("K", signs.bits());
    p.put("groupBits", signs.groupBits());
    return p;
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    return signs.encode(x);
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    return signs.decode(codes, this);
  }

  @Override
  public int codewordDimension(int j) {
    return signs.width(j);
  }

  @Override
  public void codeword(int j, long index, float[] out, int offset) {
    if (j < 0 || j >= signs.layout().positions() || index < 0 || index >= signs.layout().size(j)) {
      throw new IndexOutOfBoundsException("code " + index + " of position " + j);
    }
    for (int b = 0; b < signs.width(j); b++) {
      int t = j * signs.groupBits() + b;
      out[offset + b] = ((index >>> b) & 1L) != 0 ? positive[t] : negative[t];
    }
  }

  /**
   * Scores against {@code query} from one table of the 2 K per-bit squared differences (the distance is a sum over
   * independent bits): O(K) to build, O(K) per item.
   */
  @Override
  public QueryScorer scorer(float[] query) {
    if (query.length != dimension()) {
      throw new InvalidInputException("query of dimension " + query.length + " for an lfq model of " + dimension());
    }
    return new BitTableScorer(signs, query, negative, positive);
  }

  /** Scores sign codes from per-bit tables; shared with BSQ, whose values are +-r / sqrt(L). */
  public static final class BitTableScorer implements LookupTableScorer {
    private final SignCodes signs;
    private final float[] clearDist;
    private final float[] setDist;
    private final float[] clearDot;
    private final float[] setDot;

    /** Tables for {@code query} against bit values {@code negative} / {@code positive}. */
    public BitTableScorer(SignCodes signs, float[] query, float[] negative, float[] positive) {
      for (float v : query) {
        if (!Float.isFinite(v)) {
          throw new InvalidInputException("query holds a non-finite value");
        }
      }
      int k = query.length;
      this.signs = signs;
      clearDist = new float[k];
      setDist = new float[k];
      clearDot = new float[k];
      setDot = new float[k];
      for (int t = 0; t < k; t++) {
        float a = query[t] - negative[t];
        float b = query[t] - positive[t];
        clearDist[t] = a * a;
        setDist[t] = b * b;
        clearDot[t] = query[t] * negative[t];
        setDot[t] = query[t] * positive[t];
      }
    }

    @Override
    public float squaredDistance(Codes codes, int row) {
      double s = 0;
      for (int t = 0; t < clearDist.length; t++) {
        s += signs.bit(codes, row, t) ? setDist[t] : clearDist[t];
      }
      return (float) s;
    }

    @Override
    public float innerProduct(Codes codes, int row) {
      double s = 0;
      for (int t = 0; t < clearDot.length; t++) {
        s += signs.bit(codes, row, t) ? setDot[t] : clearDot[t];
      }
      return (float) s;
    }

    @Override
    public float contribution(int j, int code) {
      double s = 0;
      for (int b = 0; b < signs.width(j); b++) {
        int t = j * signs.groupBits() + b;
        s += ((code >>> b) & 1) != 0 ? setDist[t] : clearDist[t];
      }
      return (float) s;
    }

    @Override
    public int size(int j) {
      long size = signs.layout().size(j);
      if (size > Integer.MAX_VALUE) {
        throw new UnsupportedOperationException("position " + j + " has " + size + " codes; rank its bits instead");
      }
      return (int) size;
    }
  }
}
