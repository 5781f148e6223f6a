package io.distok.quant.vq;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ModelState;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import java.io.IOException;
import java.util.List;

/** The {@code vq} family: {@link VectorQuantizer}, one k-means codebook. State: the codebook. */
public final class VectorQuantizerFamily implements QuantizerFamily {

  @Override
  public String name() {
    return "vq";
  }

  @Override
  public String description() {
    return "vector quantization: one k-means codebook of K codes";
  }

  @Override
  public List<FamilyParameter> parameters() {
    return KMeansFamilyParameters.parameters();
  }

  @Override
  public QuantizerTrainer<VectorQuantizer> trainer(ParameterValues values) {
    return VectorQuantizer.trainer(KMeansFamilyParameters.from(values));
  }

  @Override
  public int stateVersion() {
    return 1;
  }

  @Override
  public void write(Quantizer model, ModelState.Writer out) throws IOException {
    out.matrices("codebooks", "codebook", ((VectorQuantizer) model).codebooks());
  }

  @Override
  public Quantizer read(ModelState.Reader in) throws IOException {
    List<FloatMatrix> books = in.matrices("codebooks");
    if (books.size() != 1) {
      throw new InvalidInputException(in.source() + ": a vq model has one codebook, found " + books.size());
    }
    return new VectorQuantizer(books.get(0), KMeansFamilyParameters.read(in));
  }
}
