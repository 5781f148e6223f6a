package io.distok.quant.transform;

import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.family.FamilyParameter;
import io.distok.quant.family.ParameterValues;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.util.List;
import java.util.Locale;

/**
 * The training-free projection that the implicit-codebook families (FSQ, LFQ, BSQ) put before their scalar or sign
 * quantizer, fitted in closed form: PCA (largest variance first, which is the order FSQ's level tables assume),
 * whitened PCA, or PCA followed by an ITQ rotation (Gong and Lazebnik 2011) that moves the projections towards the
 * corners of the hypercube, the right target for sign codes. {@code none} keeps the input, and then needs the
 * input dimension to equal the quantizer's. The fitted projection is an ordinary {@link LinearTransform}, saved with
 * the model as every transform is.
 */
public enum Projection {
  NONE("none"),
  PCA("pca"),
  PCA_WHITEN("pca-whiten"),
  ITQ("itq");

  /** ITQ's Procrustes iterations, as the paper uses. */
  public static final int ITQ_ITERATIONS = 50;

  private final String label;

  Projection(String label) {
    this.label = label;
  }

  /** The name on the command line and in saved models. */
  public String label() {
    return label;
  }

  /**
   * The projection named {@code label}.
   *
   * @throws InvalidInputException naming the known projections if there is none
   */
  public static Projection of(String label) {
    for (Projection p : values()) {
      if (p.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new InvalidInputException("unknown projection '" + label + "'; known: none, pca, pca-whiten, itq");
  }

  /** The family parameter that chooses the projection, with {@code defaultValue} as its default. */
  public static FamilyParameter parameter(Projection defaultValue, String description) {
    return FamilyParameter.choice("projection", "--projection", defaultValue.label,
        List.of("none", "pca", "pca-whiten", "itq"), description);
  }

  /** The projection given in {@code values} (parameter {@code projection}). */
  public static Projection from(ParameterValues values) {
    return of(values.getChoice("projection"));
  }

  /**
   * Fits this projection from {@code x.cols()} to {@code dims} dimensions: O(n d^2 + d^3) for PCA, plus O(50 n
   * dims^2) for ITQ. Returns null for {@link #NONE}.
   *
   * <p>More dimensions than the input has (64 sign bits of 25-dimensional vectors) are made by a frame: the
   * projection to d dimensions, followed by the first {@code dims} rows of {@code ceil(dims / d)} stacked random
   * rotations, each scaled by {@code 1/sqrt(ceil(dims / d))}, so that every output direction is a unit-variance mix
   * and the reverse (the pseudo-inverse) averages the redundant ones.
   *
   * @throws InvalidInputException if {@code dims} differs from the input dimension for {@code none}
   */
  public VectorTransform fit(FloatMatrix x, int dims, long seed) {
    if (dims > x.cols() && this != NONE) {
      return overcomplete(fit(x, x.cols(), seed), dims, seed);
    }
    return switch (this) {
      case NONE -> {
        if (dims != x.cols()) {
          throw new InvalidInputException("--projection none needs " + dims + "-dimensional input, got "
              + x.cols() + " dimensions");
        }
        yield null;
      }
      case PCA -> LinearTransform.pca(x, dims, false);
      case PCA_WHITEN -> LinearTransform.pca(x, dims, true);
      case ITQ -> Itq.train(x, dims, ITQ_ITERATIONS, seed).transform();
    };
  }

  private static LinearTransform overcomplete(VectorTransform base, int dims, long seed) {
    LinearTransform b = (LinearTransform) base;
    int d = b.outputDimension();
    int copies = (dims + d - 1) / d;
    FloatMatrix a = b.matrix();
    FloatMatrix combined = new FloatMatrix(dims, a.cols());
    double scale = 1 / Math.sqrt(copies);
    for (int c = 0; c < copies; c++) {
      FloatMatrix r = LinearTransform.randomRotation(d, seed + 1000 + c).matrix();
      for (int row = 0; row < d && c * d + row < dims; row++) {
        for (int t = 0; t < a.cols(); t++) {
          double s = 0;
          for (int k = 0; k < d; k++) {
            s += (double) r.get(row, k) * a.get(k, t);
          }
          combined.set(c * d + row, t, (float) (s * scale));
        }
      }
    }
    return new LinearTransform(combined, b.mean(), b.source() + "-frame");
  }

  /**
   * A trainer that fits this projection to {@code dims} dimensions and then {@code inner} on the projected rows;
   * the model is a {@link TransformedQuantizer} (or {@code inner}'s model alone for {@link #NONE}).
   */
  public QuantizerTrainer<Quantizer> trainer(int dims, QuantizerTrainer<? extends Quantizer> inner) {
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      if (data.rows() < 2) {
        throw new InvalidInputException("training needs at least 2 vectors, got " + data.rows());
      }
      progress.progress("projection " + label, 0, 1);
      VectorTransform t = fit(data, dims, seed + 1);
      progress.progress("projection " + label, 1, 1);
      if (t == null) {
        return inner.train(data, seed, progress);
      }
      return new TransformedQuantizer(List.of(t), inner.train(t.apply(data), seed, progress));
    };
  }
}
