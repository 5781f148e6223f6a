package io.distok.quant.toy;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import java.io.IOException;
import java.util.List;

/** The test-only {@code toy-sign} family, registered in the test class path's services file only. */
public final class SignQuantizerFamily implements QuantizerFamily {

  @Override
  public String name() {
    return "toy-sign";
  }

  @Override
  public String description() {
    return "test-only sign codes, groupBits dimensions per code position";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return List.of(FamilyParameter.integer("groupBits", "--group-bits", 4, "Dimensions per code position."));
  }

  @Override
  public QuantizerTrainer<SignQuantizer> trainer(ParameterValues values) {
    int g = values.getInt("groupBits");
    if (g < 1 || g > 30) {
      throw new IllegalArgumentException("--group-bits must be in [1, 30], got " + g);
    }
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      if (data.rows() == 0) {
        throw new InvalidInputException("toy-sign: empty training data");
      }
      return SignQuantizer.fit(data, g);
    };
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    SignQuantizer q = (SignQuantizer) model;
    FloatMatrix m = new FloatMatrix(2, q.dimension());
    m.setRow(0, q.center());
    m.setRow(1, q.scale());
    out.matrices("centerAndScale", "center", List.of(m));
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    FloatMatrix m = in.matrices("centerAndScale").get(0);
    return new SignQuantizer(m.rowCopy(0), m.rowCopy(1), in.intParameter("groupBits"));
  }
}
