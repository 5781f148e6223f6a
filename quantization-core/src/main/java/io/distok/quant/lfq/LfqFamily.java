package io.distok.quant.lfq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.SignCodes;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.transform.Projection;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.util.List;

/**
 * The {@code lfq} family: a projection to K dimensions (ITQ by default: PCA plus the rotation that suits sign
 * codes), then {@link LookupFreeQuantizer}. State: a 2 x K matrix (row 0 the values of clear bits, row 1 of set
 * bits); the projection is the model's transform.
 */
public final class LfqFamily implements QuantizerFamily {
  /** Sign bits when {@code --bits} is not given (MAGVIT-v2 uses 18 for images; 64 matches two 32-bit words). */
  public static final int DEFAULT_BITS = 64;
  /** Bits per code position when {@code --group-bits} is not given. */
  public static final int DEFAULT_GROUP_BITS = 16;

  @Override
  public String name() {
    return "lfq";
  }

  @Override
  public String description() {
    return "lookup-free quantization: the sign pattern of K projected dimensions, implicit codebook of 2^K";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return List.of(signBits(DEFAULT_BITS, "K, sign bits per vector (the projected dimensions)"),
        groupBits(DEFAULT_GROUP_BITS), Projection.parameter(Projection.ITQ, "Projection to the K dimensions"));
  }

  static FamilyParameter signBits(int defaultBits, String description) {
    return FamilyParameter.integer("bits", "--bits", defaultBits, description);
  }

  /** The {@code --group-bits} parameter of the sign-code families. */
  public static FamilyParameter groupBits(int defaultValue) {
    return FamilyParameter.integer("groupBits", "--group-bits", defaultValue, "Sign bits per code position (token), "
        + "at most " + SignCodes.MAX_GROUP_BITS);
  }

  /** Checks {@code --bits} and {@code --group-bits}; returns them. */
  public static int[] checkedBits(ParameterValues values) {
    int bits = values.getInt("bits");
    int group = values.getInt("groupBits");
    if (bits < 1) {
      throw new InvalidInputException("--bits must be >= 1, got " + bits);
    }
    if (group < 1 || group > SignCodes.MAX_GROUP_BITS) {
      throw new InvalidInputException("--group-bits must be in [1, " + SignCodes.MAX_GROUP_BITS + "], got " + group);
    }
    return new int[] {bits, Math.min(group, bits)};
  }

  @Override
  public QuantizerTrainer<? extends Quantizer> trainer(ParameterValues values) {
    int[] b = checkedBits(values);
    return Projection.from(values).trainer(b[0], (z, seed, progress) -> LookupFreeQuantizer.fit(z, b[1], progress));
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    LookupFreeQuantizer q = (LookupFreeQuantizer) model;
    FloatMatrix m = new FloatMatrix(2, q.dimension());
    m.setRow(0, q.negative());
    m.setRow(1, q.positive());
    out.matrices("bitValues", "bit-values", List.of(m));
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    FloatMatrix m = in.matrices("bitValues").get(0);
    int k = in.intParameter("K");
    if (m.rows() != 2 || m.cols() != k) {
      throw new InvalidInputException(in.source() + ": LFQ bit values are " + m.rows() + " x " + m.cols()
          + ", expected 2 x " + k);
    }
    try {
      return new LookupFreeQuantizer(m.rowCopy(0), m.rowCopy(1), in.intParameter("groupBits"));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(in.source() + ": " + e.getMessage());
    }
  }
}
