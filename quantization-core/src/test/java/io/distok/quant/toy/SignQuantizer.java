package io.distok.quant.toy;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.quant.ImplicitCodebook;
import io.distok.quant.Quantizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test-only family that proves a new family plugs in through its own package alone: each dimension becomes one
 * bit (above or below the training mean), bits grouped {@code groupBits} to a code position; the codeword of a
 * code is computed from its bits (mean +- mean absolute deviation per dimension), never stored.
 */
public final class SignQuantizer implements Quantizer, ImplicitCodebook {
  private final float[] center;
  private final float[] scale;
  private final int groupBits;

  public SignQuantizer(float[] center, float[] scale, int groupBits) {
    if (center.length != scale.length || center.length == 0 || groupBits < 1 || groupBits > 30) {
      throw new IllegalArgumentException("center, scale and group bits do not fit");
    }
    this.center = center.clone();
    this.scale = scale.clone();
    this.groupBits = groupBits;
  }

  static SignQuantizer fit(FloatMatrix x, int groupBits) {
    int d = x.cols();
    float[] c = new float[d];
    float[] s = new float[d];
    for (int t = 0; t < d; t++) {
      double sum = 0;
      for (int i = 0; i < x.rows(); i++) {
        sum += x.get(i, t);
      }
      c[t] = (float) (sum / x.rows());
      double dev = 0;
      for (int i = 0; i < x.rows(); i++) {
        dev += Math.abs(x.get(i, t) - c[t]);
      }
      s[t] = (float) (dev / x.rows());
    }
    return new SignQuantizer(c, s, groupBits);
  }

  float[] center() {
    return center.clone();
  }

  float[] scale() {
    return scale.clone();
  }

  int groupBits() {
    return groupBits;
  }

  @Override
  public String method() {
    return "toy-sign";
  }

  @Override
  public int dimension() {
    return center.length;
  }

  private int width(int j) {
    return Math.min(groupBits, center.length - j * groupBits);
  }

  @Override
  public CodeLayout layout() {
    int positions = (center.length + groupBits - 1) / groupBits;
    long[] sizes = new long[positions];
    for (int j = 0; j < positions; j++) {
      sizes[j] = 1L << width(j);
    }
    return CodeLayout.of(sizes);
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("groupBits", groupBits);
    return p;
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    int positions = layout().positions();
    Codes codes = new Codes(x.rows(), positions);
    for (int i = 0; i < x.rows(); i++) {
      for (int j = 0; j < positions; j++) {
        int code = 0;
        for (int b = 0; b < width(j); b++) {
          int t = j * groupBits + b;
          if (x.get(i, t) >= center[t]) {
            code |= 1 << b;
          }
        }
        codes.set(i, j, code);
      }
    }
    return codes;
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    FloatMatrix out = new FloatMatrix(codes.rows(), dimension());
    for (int i = 0; i < codes.rows(); i++) {
      for (int j = 0; j < codes.codesPerRow(); j++) {
        codeword(j, codes.get(i, j), out.data(), out.offset(i) + j * groupBits);
      }
    }
    return out;
  }

  @Override
  public int codewordDimension(int j) {
    return width(j);
  }

  @Override
  public void codeword(int j, long index, float[] out, int offset) {
    if (index < 0 || index >= 1L << width(j)) {
      throw new IndexOutOfBoundsException("code " + index + " of position " + j);
    }
    for (int b = 0; b < width(j); b++) {
      int t = j * groupBits + b;
      out[offset + b] = ((index >>> b) & 1) != 0 ? center[t] + scale[t] : center[t] - scale[t];
    }
  }
}
