package io.distok.quant.bsq;

import io.distok.quant.Codes;
import io.distok.quant.SignCodeQuantizer;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Binary spherical quantization (Zhao et al. 2024): the L-dimensional (projected) vector is L2-normalised onto the
 * unit sphere and binarised to {@code +-1/sqrt(L)} per dimension, so every codeword lies on the sphere and the 2^L
 * implicit codewords are never enumerated; the code is the sign pattern (normalising does not change a sign). A
 * code reconstructs as {@code r * b / sqrt(L)} with r the mean length of the training vectors' projection on their
 * own codeword (the least-squares radius). Two codes' inner product is {@code r^2 (L - 2 hamming) / L}, so Hamming
 * distance ranks by angle. Encoding, decoding and scoring are O(L) per row. Immutable and thread-safe.
 */
public final class BinarySphericalQuantizer extends SignCodeQuantizer {
  private final float radius;

  /**
   * A model of {@code dims} sign bits, {@code groupBits} per position, reconstructing on the sphere of {@code radius}.
   *
   * @throws IllegalArgumentException if {@code radius} is not positive and finite or the bits do not fit
   */
  public BinarySphericalQuantizer(int dims, int groupBits, float radius) {
    super(levels(dims, radius, -1), levels(dims, radius, 1), groupBits);
    this.radius = radius;
  }

  /** {@code sign * r / sqrt(L)} in every dimension. */
  private static float[] levels(int dims, float radius, int sign) {
    if (!(radius > 0) || !Float.isFinite(radius) || dims < 1) {
      throw new IllegalArgumentException("radius must be positive and finite and dims >= 1, got " + radius + ", "
          + dims);
    }
    float[] v = new float[dims];
    Arrays.fill(v, (float) (sign * radius / Math.sqrt(dims)));
    return v;
  }

  /**
   * Fits the radius on projected data {@code z}: the mean over rows of {@code <z, b/sqrt(L)>} = {@code sum |z_t| /
   * sqrt(L)}, which minimises the squared error of {@code r b / sqrt(L)} over r. O(n L).
   */
  public static BinarySphericalQuantizer fit(FloatMatrix z, int groupBits, ProgressListener progress) {
    if (z.rows() == 0) {
      throw new InvalidInputException("BSQ: empty training data");
    }
    z.requireFinite("training data");
    double sum = 0;
    for (int i = 0; i < z.rows(); i++) {
      for (int t = 0; t < z.cols(); t++) {
        sum += Math.abs(z.get(i, t));
      }
    }
    double r = sum / z.rows() / Math.sqrt(z.cols());
    progress.progress("bsq", 1, 1);
    return new BinarySphericalQuantizer(z.cols(), groupBits, (float) (r > 0 ? r : 1));
  }

  /** The reconstruction radius r. */
  public float radius() {
    return radius;
  }

  @Override
  public String method() {
    return "bsq";
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("L", signCodes().bits());
    p.put("groupBits", signCodes().groupBits());
    return p;
  }

  /**
   * Hamming distance between row {@code i} of {@code a} and row {@code k} of {@code b}: the number of bits in which
   * the codes differ. The codewords' inner product is {@code r^2 (L - 2 h) / L}. O(positions).
   */
  public int hamming(Codes a, int i, Codes b, int k) {
    int h = 0;
    for (int j = 0; j < signCodes().layout().positions(); j++) {
      h += Long.bitCount(a.getLong(i, j) ^ b.getLong(k, j));
    }
    return h;
  }
}
