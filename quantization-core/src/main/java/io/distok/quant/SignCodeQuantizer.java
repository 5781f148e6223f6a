package io.distok.quant;

import io.distok.util.FloatMatrix;

/**
 * A quantizer of sign codes (LFQ, BSQ): bit t of a K-dimensional vector is set when its value is positive, the bits
 * grouped into code positions by {@link SignCodes}, and a set bit reconstructs as {@code positive[t]}, a clear one as
 * {@code negative[t]}; the 2^K codewords are computed, never stored. Encoding and decoding are O(K) per row, query
 * scoring O(K) per item from per-bit tables built in O(K). Subclasses say how the two values are chosen. Immutable.
 */
public abstract class SignCodeQuantizer implements Quantizer, ImplicitCodebook {
  private final SignCodes signs;
  private final float[] negative;
  private final float[] positive;

  /**
   * @throws IllegalArgumentException if the arrays differ in length, hold a non-finite value, or the group does
   *     not fit
   */
  protected SignCodeQuantizer(float[] negative, float[] positive, int groupBits) {
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
  public int dimension() {
    return negative.length;
  }

  @Override
  public CodeLayout layout() {
    return signs.layout();
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
    return new BitTableScorer(signs, QueryScorer.requireQuery(this, query), negative, positive);
  }

  /** Scores sign codes from per-bit tables of the query's squared differences and products. */
  static final class BitTableScorer implements LookupTableScorer {
    private final SignCodes signs;
    private final float[] clearDist;
    private final float[] setDist;
    private final float[] clearDot;
    private final float[] setDot;

    /** Tables for a checked {@code query} against bit values {@code negative} / {@code positive}. */
    BitTableScorer(SignCodes signs, float[] query, float[] negative, float[] positive) {
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
      return sum(codes, row, setDist, clearDist);
    }

    @Override
    public float innerProduct(Codes codes, int row) {
      return sum(codes, row, setDot, clearDot);
    }

    /** The sum over bits of {@code set[t]} or {@code clear[t]} as bit t of row {@code row} is set, in double. */
    private float sum(Codes codes, int row, float[] set, float[] clear) {
      double s = 0;
      for (int t = 0; t < clear.length; t++) {
        s += signs.bit(codes, row, t) ? set[t] : clear[t];
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
