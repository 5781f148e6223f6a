package io.distok.quant.gradient;

import io.distok.quant.Codes;
import io.distok.quant.fsq.FiniteScalarQuantizer;
import io.distok.util.FloatMatrix;

/**
 * A trainable finite scalar quantizer (Mentzer et al. 2023): each dimension t is bounded by {@code tanh} and rounded
 * to one of {@code L_t} evenly spaced levels in [-1, 1], the code of a group of dimensions is the mixed-radix number
 * of its levels. FSQ has no codebook and, as the paper, no auxiliary loss: the encoder before it learns, and the
 * gradient passes the rounding straight through and the bound as {@code 1 - tanh^2}. The training pass encodes with
 * the frozen quantizer itself, so training and inference agree on every boundary. O(n sum L_t) per step.
 */
public final class FsqLayer implements QuantizerLayer {
  private final FiniteScalarQuantizer frozen;

  /**
   * A layer of {@code levels.length} dimensions, grouped into code positions starting at {@code groupStarts}.
   *
   * @throws IllegalArgumentException as {@link FiniteScalarQuantizer}'s constructor for levels and groups
   */
  public FsqLayer(int[] levels, int[] groupStarts) {
    int dims = levels.length;
    float[][] values = new float[dims][];
    for (int t = 0; t < dims; t++) {
      if (levels[t] < 2) {
        throw new IllegalArgumentException("dimension " + t + " has " + levels[t] + " levels; use at least 2");
      }
      values[t] = new float[levels[t]];
      for (int q = 0; q < levels[t]; q++) {
        values[t][q] = (float) (2.0 * q / (levels[t] - 1) - 1);
      }
    }
    float[] center = new float[dims];
    float[] scale = new float[dims];
    java.util.Arrays.fill(scale, 1f);
    this.frozen = new FiniteScalarQuantizer(levels, groupStarts, FiniteScalarQuantizer.Bound.TANH, center, scale,
        values);
  }

  @Override
  public int dimension() {
    return frozen.dimension();
  }

  private record FsqPass(FloatMatrix input, FloatMatrix output) implements Pass {
    @Override
    public double auxiliaryLoss() {
      return 0;
    }
  }

  @Override
  public Pass forward(FloatMatrix z, double progress) {
    if (z.cols() != dimension()) {
      throw new IllegalArgumentException("a " + dimension() + "-dimensional FSQ layer got rows of " + z.cols());
    }
    Codes codes = frozen.encode(z);
    return new FsqPass(z, frozen.decode(codes));
  }

  @Override
  public FloatMatrix backward(Pass p, FloatMatrix g) {
    FsqPass pass = (FsqPass) p;
    FloatMatrix gz = new FloatMatrix(pass.input.rows(), dimension());
    if (g == null) {
      return gz;
    }
    float[] z = pass.input.data();
    float[] gv = g.data();
    float[] out = gz.data();
    for (int i = 0; i < out.length; i++) {
      double t = Math.tanh(z[i]);
      out[i] = (float) (gv[i] * (1 - t * t));
    }
    return gz;
  }

  @Override
  public FiniteScalarQuantizer freeze() {
    return frozen;
  }
}
