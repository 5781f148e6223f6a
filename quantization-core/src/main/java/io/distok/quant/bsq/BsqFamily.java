package io.distok.quant.bsq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.lfq.LfqFamily;
import io.distok.quant.transform.Projection;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.util.List;

/**
 * The {@code bsq} family: a projection to L dimensions (ITQ by default), then {@link BinarySphericalQuantizer}.
 * State: a 1 x 1 matrix holding the radius; the projection is the model's transform.
 */
public final class BsqFamily implements QuantizerFamily {

  @Override
  public String name() {
    return "bsq";
  }

  @Override
  public String description() {
    return "binary spherical quantization: L projected dimensions on the unit sphere, binarised to +-1/sqrt(L)";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return List.of(FamilyParameter.integer("bits", "--bits", LfqFamily.DEFAULT_BITS, "L, sign bits per vector "
        + "(the projected dimensions)"), LfqFamily.groupBits(LfqFamily.DEFAULT_GROUP_BITS),
        Projection.parameter(Projection.ITQ, "Projection to the L dimensions"));
  }

  @Override
  public QuantizerTrainer<? extends Quantizer> trainer(ParameterValues values) {
    int[] b = LfqFamily.checkedBits(values);
    return Projection.from(values).trainer(b[0],
        (z, seed, progress) -> BinarySphericalQuantizer.fit(z, b[1], progress));
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    FloatMatrix r = new FloatMatrix(1, 1);
    r.set(0, 0, ((BinarySphericalQuantizer) model).radius());
    out.matrices("radius", "radius", List.of(r));
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    FloatMatrix r = in.matrices("radius").get(0);
    if (r.rows() != 1 || r.cols() != 1) {
      throw new InvalidInputException(in.source() + ": the BSQ radius is one value");
    }
    try {
      return new BinarySphericalQuantizer(in.intParameter("L"), in.intParameter("groupBits"), r.get(0, 0));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(in.source() + ": " + e.getMessage());
    }
  }
}
