package io.distok.quant.vq;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ExplicitCodebooks;
import io.distok.util.FloatMatrix;
import io.distok.quant.NearestCodes;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.AdditiveCodeScorer;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import io.distok.quant.kmeans.KMeansParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vector quantization: one codebook of K centroids trained by k-means; each vector becomes the index of its
 * nearest centroid (m = 1). Encoding costs O(n K d), decoding O(n d).
 */
public final class VectorQuantizer implements Quantizer, ExplicitCodebooks {
  private final FloatMatrix codebook;
  private final PackedRows packed;
  private final KMeansParams params;
  private final CodeLayout layout;
  /** Norms for scoring, built on first use (racy but idempotent: every thread builds the same tables). */
  private volatile AdditiveCodeScorer.CrossTerms cross;

  /** Wraps a trained codebook (copied). */
  public VectorQuantizer(FloatMatrix codebook, KMeansParams params) {
    if (codebook.rows() != params.k() || codebook.cols() < 1) {
      throw new IllegalArgumentException("a codebook of " + codebook.rows() + " x " + codebook.cols()
          + " does not match K = " + params.k());
    }
    this.codebook = codebook.copy();
    this.packed = new PackedRows(this.codebook);
    this.params = params;
    this.layout = CodeLayout.of(this.codebook.rows());
  }

  /** A trainer running {@link KMeans} with the given parameters, frozen from its trainable state. */
  public static QuantizerTrainer<VectorQuantizer> trainer(KMeansParams params) {
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      KMeans kmeans = new KMeans(params);
      KMeans.Lloyd<VectorQuantizer> state = kmeans.start(data, seed, "k-means",
          centroids -> new VectorQuantizer(centroids, params));
      kmeans.run(state, progress, "k-means");
      return state.freeze();
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
  public CodeLayout layout() {
    return layout;
  }

  @Override
  public List<FloatMatrix> codebooks() {
    return List.of(codebook.copy());
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("K", params.k());
    KMeansFamilyParameters.put(params, p);
    return p;
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    return Codes.wrap(NearestCodes.assign(x, packed, DistanceKernels.get(), null), x.rows(), 1);
  }

  /**
   * A look-up-table scorer: the query's distance and inner product to every centroid, O(K d) to build, O(1) per
   * item.
   */
  @Override
  public LookupTableScorer scorer(float[] query) {
    float[] q = QueryScorer.requireQuery(this, query);
    return new AdditiveCodeScorer(List.of(codebook), crossTerms(), q);
  }

  private AdditiveCodeScorer.CrossTerms crossTerms() {
    AdditiveCodeScorer.CrossTerms c = cross;
    if (c == null) {
      c = AdditiveCodeScorer.CrossTerms.of(List.of(codebook), List.of(packed));
      cross = c;
    }
    return c;
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
