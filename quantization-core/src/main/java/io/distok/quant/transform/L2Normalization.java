package io.distok.quant.transform;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.Map;

/**
 * Scales every row to unit L2 norm (zero rows stay zero): the project's one row normaliser, used by the
 * semantic-ID recipe, RQ with normalised residuals and the reports. The squared norm is summed in double and
 * each value multiplied by the float reciprocal of its square root. O(n d).
 */
public final class L2Normalization implements VectorTransform {
  private final int dimension;

  public L2Normalization(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
    this.dimension = dimension;
  }

  /** A copy of {@code x} with unit rows. */
  public static FloatMatrix normalizeRows(FloatMatrix x) {
    FloatMatrix u = x.copy();
    normalizeRows(u.data(), 0, u.rows(), u.cols(), u.data());
    return u;
  }

  /**
   * Writes the unit version of rows {@code [from, to)} of the row-major {@code a} (dimension {@code d}) into the
   * same positions of {@code out}, which may be {@code a}.
   */
  public static void normalizeRows(float[] a, int from, int to, int d, float[] out) {
    for (int i = from; i < to; i++) {
      int o = i * d;
      double s = 0;
      for (int t = 0; t < d; t++) {
        s += (double) a[o + t] * a[o + t];
      }
      if (s > 0) {
        float inv = (float) (1 / Math.sqrt(s));
        for (int t = 0; t < d; t++) {
          out[o + t] = a[o + t] * inv;
        }
      } else if (out != a) {
        for (int t = 0; t < d; t++) {
          out[o + t] = 0f;
        }
      }
    }
  }

  @Override
  public String kind() {
    return "l2";
  }

  @Override
  public int inputDimension() {
    return dimension;
  }

  @Override
  public int outputDimension() {
    return dimension;
  }

  @Override
  public FloatMatrix apply(FloatMatrix x) {
    if (x.cols() != dimension) {
      throw new InvalidInputException("L2 normalisation of dimension " + dimension + " given " + x.cols()
          + " columns");
    }
    return normalizeRows(x);
  }

  @Override
  public FloatMatrix reverse(FloatMatrix y) {
    return y.copy();
  }

  @Override
  public Map<String, Object> parameters() {
    return Map.of("kind", kind());
  }
}
