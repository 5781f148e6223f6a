package io.distok.quant.gradient;

import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.util.FloatMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Residual vector quantization as the bottleneck of an RQ-VAE (Lee et al. 2022; TIGER's semantic IDs): level l
 * quantizes what the levels before it left, {@code r_l = z - sum_{j < l} q_j}, and the output is {@code sum_l q_l}.
 * The reconstruction gradient passes the whole sum at once (straight-through, or the rotation trick on z and the
 * sum), and every level adds its own commitment, codebook and usage terms on its residual. A step costs the sum
 * of the levels' costs.
 */
public final class ResidualVqLayer implements QuantizerLayer {
  private final List<VqLayer> levels;
  private final VqOptions.Estimator estimator;

  /** Levels of one dimension, hard assignment each (soft quantisation is for single codebooks). */
  public ResidualVqLayer(List<VqLayer> levels, VqOptions.Estimator estimator) {
    if (levels.isEmpty()) {
      throw new IllegalArgumentException("residual quantization needs at least one level");
    }
    for (VqLayer level : levels) {
      if (level.dimension() != levels.get(0).dimension()) {
        throw new IllegalArgumentException("levels of dimensions " + levels.get(0).dimension() + " and "
            + level.dimension());
      }
      if (level.options().soft()) {
        throw new IllegalArgumentException("soft quantisation is not available in residual levels: the residual"
            + " of a mixture is not what the next level should encode");
      }
    }
    this.levels = List.copyOf(levels);
    this.estimator = estimator;
  }

  /**
   * Levels initialised one after the other on the residuals of {@code z} left by the levels before (k-means on
   * each residual: RQ-KMeans as the RQ-VAE's start when {@code init} is {@code KMEANS}).
   */
  public static ResidualVqLayer initialise(FloatMatrix z, int[] sizes, VqLayer.Init init, VqOptions options,
      long seed) {
    List<VqLayer> levels = new ArrayList<>();
    FloatMatrix residual = z.copy();
    for (int l = 0; l < sizes.length; l++) {
      VqLayer level = VqLayer.initialise(residual, sizes[l], init, options, seed + l);
      levels.add(level);
      int[] codes = level.nearestCodes(residual);
      FloatMatrix book = level.codebook();
      float[] r = residual.data();
      int d = z.cols();
      for (int i = 0; i < residual.rows(); i++) {
        for (int t = 0; t < d; t++) {
          r[i * d + t] -= book.get(codes[i], t);
        }
      }
    }
    return new ResidualVqLayer(levels, options.estimator());
  }

  public List<VqLayer> levels() {
    return levels;
  }

  @Override
  public int dimension() {
    return levels.get(0).dimension();
  }

  private record ResidualPass(FloatMatrix input, List<VqLayer.VqPass> passes, FloatMatrix output, double auxiliary)
      implements Pass {
    @Override
    public double auxiliaryLoss() {
      return auxiliary;
    }
  }

  @Override
  public Pass forward(FloatMatrix z, double progress) {
    int n = z.rows();
    int d = dimension();
    FloatMatrix residual = z;
    FloatMatrix sum = new FloatMatrix(n, d);
    List<VqLayer.VqPass> passes = new ArrayList<>();
    double aux = 0;
    for (VqLayer level : levels) {
      VqLayer.VqPass pass = level.forward(residual, progress);
      passes.add(pass);
      aux += pass.auxiliaryLoss();
      FloatMatrix next = residual.copy();
      float[] q = pass.output().data();
      float[] r = next.data();
      float[] s = sum.data();
      for (int i = 0; i < q.length; i++) {
        r[i] -= q[i];
        s[i] += q[i];
      }
      residual = next;
    }
    return new ResidualPass(z, passes, sum, aux);
  }

  @Override
  public FloatMatrix backward(Pass p, FloatMatrix g) {
    ResidualPass pass = (ResidualPass) p;
    int n = pass.input.rows();
    int d = dimension();
    FloatMatrix gz;
    if (estimator == VqOptions.Estimator.ROTATION) {
      gz = new FloatMatrix(n, d);
      for (int i = 0; i < n; i++) {
        VqLayer.rotateGradient(pass.input.data(), i * d, pass.output.data(), i * d, g.data(), i * d, gz.data(), i * d,
            d);
      }
    } else {
      gz = g.copy();
    }
    // each residual is z less codewords under stop-gradient, so a level's own terms reach z unchanged
    for (int l = 0; l < levels.size(); l++) {
      FloatMatrix own = levels.get(l).backward(pass.passes.get(l), null);
      Matrices.addScaled(gz.data(), own, 1f);
    }
    return gz;
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (VqLayer level : levels) {
      out.addAll(level.parameters());
    }
    return out;
  }

  @Override
  public void afterUpdate(Pass p, SplittableRandom random) {
    ResidualPass pass = (ResidualPass) p;
    for (int l = 0; l < levels.size(); l++) {
      levels.get(l).afterUpdate(pass.passes.get(l), random);
    }
  }

  /** The codebooks as a greedy (beam 1), unrefined {@link ResidualQuantizer}. */
  @Override
  public ResidualQuantizer freeze() {
    int[] sizes = levels.stream().mapToInt(VqLayer::size).toArray();
    List<FloatMatrix> books = levels.stream().map(VqLayer::codebook).toList();
    return new ResidualQuantizer(books, null, new ResidualQuantizerParams(sizes, KMeansParams.of(sizes[0]), 1, false,
        0));
  }
}
