package io.distok.quant.gradient;

import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.util.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trainable product quantizer: the vector cut into M equal sub-spaces, each quantized by its own {@link VqLayer}
 * (with that layer's estimator, losses and mitigations). A step costs the sum of its sub-spaces', O(n K d) in all;
 * the frozen model is a {@link ProductQuantizer}.
 */
public final class ProductVqLayer implements QuantizerLayer {
  private final List<VqLayer> subspaces;
  private final int subDimension;

  /** Sub-space layers of one dimension and one K, in column order. */
  public ProductVqLayer(List<VqLayer> subspaces) {
    if (subspaces.isEmpty()) {
      throw new IllegalArgumentException("a product quantizer needs at least one sub-space");
    }
    for (VqLayer s : subspaces) {
      if (s.dimension() != subspaces.get(0).dimension() || s.size() != subspaces.get(0).size()) {
        throw new IllegalArgumentException("sub-spaces of " + subspaces.get(0).size() + " x "
            + subspaces.get(0).dimension() + " and " + s.size() + " x " + s.dimension() + "; all must be alike");
      }
    }
    this.subspaces = List.copyOf(subspaces);
    this.subDimension = subspaces.get(0).dimension();
  }

  /** M sub-space layers of K codes initialised on the column slices of {@code z}. */
  public static ProductVqLayer initialise(FloatMatrix z, int m, int k, VqLayer.Init init, VqOptions options,
      long seed) {
    if (m < 1 || z.cols() % m != 0) {
      throw new IllegalArgumentException("M = " + m + " must divide the dimension " + z.cols());
    }
    int sub = z.cols() / m;
    List<VqLayer> layers = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      layers.add(VqLayer.initialise(z.columns(j * sub, (j + 1) * sub), k, init, options, seed + j));
    }
    return new ProductVqLayer(layers);
  }

  public List<VqLayer> subspaces() {
    return subspaces;
  }

  @Override
  public int dimension() {
    return subspaces.size() * subDimension;
  }

  private record ProductPass(List<VqLayer.VqPass> passes, FloatMatrix output, double auxiliary) implements Pass {
    @Override
    public double auxiliaryLoss() {
      return auxiliary;
    }
  }

  @Override
  public Pass forward(FloatMatrix z, double progress) {
    if (z.cols() != dimension()) {
      throw new IllegalArgumentException("a " + dimension() + "-dimensional product layer got rows of " + z.cols());
    }
    List<VqLayer.VqPass> passes = new ArrayList<>();
    FloatMatrix out = new FloatMatrix(z.rows(), dimension());
    double aux = 0;
    for (int j = 0; j < subspaces.size(); j++) {
      VqLayer.VqPass pass = subspaces.get(j).forward(z.columns(j * subDimension, (j + 1) * subDimension), progress);
      passes.add(pass);
      aux += pass.auxiliaryLoss();
      place(pass.output(), out, j);
    }
    return new ProductPass(passes, out, aux);
  }

  /** Copies {@code part} into sub-space {@code j}'s columns of {@code whole}. */
  private void place(FloatMatrix part, FloatMatrix whole, int j) {
    for (int i = 0; i < part.rows(); i++) {
      System.arraycopy(part.data(), i * subDimension, whole.data(), i * whole.cols() + j * subDimension,
          subDimension);
    }
  }

  @Override
  public FloatMatrix backward(Pass p, FloatMatrix g) {
    ProductPass pass = (ProductPass) p;
    int n = pass.output.rows();
    FloatMatrix gz = new FloatMatrix(n, dimension());
    for (int j = 0; j < subspaces.size(); j++) {
      FloatMatrix part = g == null ? null : g.columns(j * subDimension, (j + 1) * subDimension);
      place(subspaces.get(j).backward(pass.passes.get(j), part), gz, j);
    }
    return gz;
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (VqLayer s : subspaces) {
      out.addAll(s.parameters());
    }
    return out;
  }

  @Override
  public void afterUpdate(Pass p, SplittableRandom random) {
    ProductPass pass = (ProductPass) p;
    for (int j = 0; j < subspaces.size(); j++) {
      subspaces.get(j).afterUpdate(pass.passes.get(j), random);
    }
  }

  @Override
  public ProductQuantizer freeze() {
    return new ProductQuantizer(subspaces.stream().map(VqLayer::codebook).toList(),
        KMeansParams.of(subspaces.get(0).size()));
  }
}
