package io.distok.quant.pq;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The {@code pq} family: {@link ProductQuantizer}, M sub-space codebooks. State: the M codebooks. */
public final class ProductQuantizerFamily implements QuantizerFamily {
  private static final List<FamilyParameter> PARAMETERS;

  static {
    List<FamilyParameter> p = new ArrayList<>();
    p.add(FamilyParameter.integer("M", "--M", 8, "Sub-spaces; the dimension must be a multiple of M."));
    p.addAll(KMeansFamilyParameters.parameters());
    PARAMETERS = List.copyOf(p);
  }

  @Override
  public String name() {
    return "pq";
  }

  @Override
  public String description() {
    return "product quantization: M sub-spaces of d/M dimensions, a k-means codebook of K codes each";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return PARAMETERS;
  }

  @Override
  public QuantizerTrainer<ProductQuantizer> trainer(ParameterValues values) {
    return ProductQuantizer.trainer(values.getInt("M"), KMeansFamilyParameters.from(values));
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    out.matrices("codebooks", "codebook", ((ProductQuantizer) model).codebooks());
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    return new ProductQuantizer(in.matrices("codebooks"), KMeansFamilyParameters.read(in));
  }
}
