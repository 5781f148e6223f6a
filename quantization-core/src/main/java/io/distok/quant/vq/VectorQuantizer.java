package io.distok.quant.vq;

import io.distok.quant.Codes;
import io.distok.quant.FloatMatrix;
import io.distok.quant.NearestCodes;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vector quantization: one codebook of K centroids trained by k-means; each vector becomes the index of its
 * nearest centroid (m = 1). Encoding costs O(n K d), decoding O(n d).
 */
public final class VectorQuantizer implements Quantizer {
  private final FloatMatrix codebook;
  private final PackedRows packed;
  private final KMeansParams params;

  /** Wraps a trained codebook (copied). */
  public VectorQuantizer(FloatMatrix codebook, KMeansParams params) {
    if (codebook.rows() != params.k() || codebook.cols() < 1) {
      throw new IllegalArgumentException("a codebook of " + codebook.rows() + " x " + codebook.cols()
          + " does not match K = " + params.k());
    }
    this.codebook = codebook.copy();
    this.packed = new PackedRows(this.codebook);
    this.params = params;
  }

  /** A trainer running {@link KMeans} with the given parameters. */
  public static QuantizerTrainer<VectorQuantizer> trainer(KMeansParams params) {
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      var result = new KMeans(params).train(data, seed, progress, "k-means");
      return new VectorQuantizer(result.centroids(), params);
    };
  }

  @Override
  public String method() {
    return "vq";
  }

  @Override
  public int dimension() {
    return codebook.cols();
  }

  @Override
  public int codebookCount() {
    return 1;
  }

  @Override
  public int codebookSize(int j) {
    if (j != 0) {
      throw new IndexOutOfBoundsException("VQ has one codebook, asked for " + j);
    }
    return codebook.rows();
  }

  @Override
  public List<FloatMatrix> codebooks() {
    return List.of(codebook.copy());
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("K", params.k());
    p.put("niter", params.niter());
    p.put("maxPointsPerCentroid", params.maxPointsPerCentroid());
    p.put("tolerance", params.tolerance());
    p.put("kmeansPlusPlus", params.kmeansPlusPlus());
    return p;
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    return Codes.wrap(NearestCodes.assign(x, packed, DistanceKernels.get(), null), x.rows(), 1);
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    FloatMatrix out = new FloatMatrix(codes.rows(), dimension());
    for (int i = 0; i < codes.rows(); i++) {
      System.arraycopy(codebook.data(), codebook.offset(codes.get(i, 0)), out.data(), out.offset(i), dimension());
    }
    return out;
  }
}
