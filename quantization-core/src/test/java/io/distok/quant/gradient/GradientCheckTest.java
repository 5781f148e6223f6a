package io.distok.quant.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Every analytic gradient of the package against central finite differences of the loss it claims to
 * differentiate, on random sizes and values; jqwik prints the seed of every run.
 */
class GradientCheckTest {
  private static final double H = 1e-2;

  static FloatMatrix gaussian(int n, int d, double scale, SplittableRandom rng) {
    FloatMatrix x = new FloatMatrix(n, d);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) (scale * rng.nextGaussian());
    }
    return x;
  }

  private static double dot(FloatMatrix a, FloatMatrix b) {
    double s = 0;
    for (int i = 0; i < a.data().length; i++) {
      s += (double) a.data()[i] * b.data()[i];
    }
    return s;
  }

  /** Central difference of {@code loss} along coordinate {@code i} of {@code values}. */
  private static double numeric(float[] values, int i, DoubleSupplier loss) {
    float keep = values[i];
    values[i] = (float) (keep + H);
    double up = loss.getAsDouble();
    values[i] = (float) (keep - H);
    double down = loss.getAsDouble();
    values[i] = keep;
    return (up - down) / (2 * H);
  }

  /** Compares analytic to numeric derivatives on (up to) {@code checks} random coordinates. */
  private static void check(String what, float[] values, float[] analytic, DoubleSupplier loss, int checks,
      SplittableRandom rng) {
    for (int c = 0; c < checks; c++) {
      int i = rng.nextInt(values.length);
      double num = numeric(values, i, loss);
      if (Double.isNaN(num)) {
        // the step crossed an assignment boundary, where the loss has a kink: no derivative to compare
        continue;
      }
      double tolerance = 2e-3 + 3e-2 * Math.max(Math.abs(num), Math.abs(analytic[i]));
      assertEquals(num, analytic[i], tolerance, what + "[" + i + "]");
    }
  }

  /** {@code value}, or NaN when the pass's hard codes differ from {@code codes} (the step crossed a boundary). */
  private static double unlessCodesMoved(int[] codes, VqLayer.VqPass pass, double value) {
    return java.util.Arrays.equals(codes, pass.codes) ? value : Double.NaN;
  }

  /** The layer's own loss on z after its parameters moved, NaN when that moved a row's code. */
  private static DoubleSupplier auxiliaryWithCodesHeld(VqLayer layer, FloatMatrix z, VqLayer.VqPass base) {
    return () -> {
      refresh(layer);
      VqLayer.VqPass p = layer.forward(z, 0);
      return unlessCodesMoved(base.codes, p, p.auxiliaryLoss());
    };
  }

  private static void zero(List<Parameter> parameters) {
    parameters.forEach(Parameter::zeroGradient);
  }

  @Property(tries = 25)
  void mlpGradientsMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int in = 1 + rng.nextInt(5);
    int hidden = 1 + rng.nextInt(6);
    int out = 1 + rng.nextInt(4);
    Mlp mlp = Mlp.of(new int[] {in, hidden, out}, Activation.TANH, rng);
    FloatMatrix x = gaussian(1 + rng.nextInt(6), in, 1, rng);
    FloatMatrix w = gaussian(x.rows(), out, 1, rng);
    DoubleSupplier loss = () -> dot(mlp.apply(x), w);
    zero(mlp.parameters());
    FloatMatrix gx = mlp.backward(mlp.forward(x), w);
    for (Parameter p : mlp.parameters()) {
      check(p.name(), p.value(), p.gradient(), loss, 6, rng);
    }
    check("x", x.data(), gx.data(), loss, 6, rng);
  }

  @Property(tries = 25)
  void reluLayerGradientsMatchAwayFromTheKink(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DenseLayer layer = new DenseLayer(3, 4, Activation.RELU, rng);
    FloatMatrix x = gaussian(5, 3, 1, rng);
    FloatMatrix w = gaussian(5, 4, 1, rng);
    FloatMatrix y = layer.forward(x);
    // skip draws where a pre-activation sits within the difference step of zero (the kink)
    FloatMatrix linear = new DenseLayer(3, 4, Activation.IDENTITY, layer.weights().data(), layer.bias()).forward(x);
    for (float v : linear.data()) {
      if (Math.abs(v) < 0.1) {
        return;
      }
    }
    zero(layer.parameters());
    FloatMatrix gx = layer.backward(x, y, w);
    check("x", x.data(), gx.data(), () -> dot(layer.forward(x), w), 6, rng);
  }

  /** A hard VQ layer's straight-through gradient copies the decoder's gradient to z, plus beta's commitment. */
  @Property(tries = 25)
  void straightThroughPassesTheOutputGradientAndCommitment(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(6);
    double beta = rng.nextDouble();
    FloatMatrix z = gaussian(8, d, 1, rng);
    VqLayer layer = new VqLayer(gaussian(5, d, 1, rng), VqOptions.DEFAULT.withBeta(beta));
    VqLayer.VqPass pass = layer.forward(z, 0);
    FloatMatrix g = gaussian(8, d, 1, rng);
    FloatMatrix withG = layer.backward(pass, g);
    zero(layer.parameters());
    FloatMatrix without = layer.backward(pass, null);
    for (int i = 0; i < g.data().length; i++) {
      assertEquals(g.data()[i], withG.data()[i] - without.data()[i], 1e-5);
    }
    // the commitment term is beta ||z - sg(c)||^2 / n: its z-gradient, finite-differenced with the codes fixed
    float[] codebook = layer.codebook().data();
    for (int i = 0; i < z.rows(); i++) {
      for (int t = 0; t < d; t++) {
        double expected = 2 * beta * (z.get(i, t) - codebook[pass.codes[i] * d + t]) / z.rows();
        assertEquals(expected, without.get(i, t), 1e-5);
      }
    }
  }

  /** The codebook loss {@code ||sg(z) - c||^2 / n} and its gradient at the codewords. */
  @Property(tries = 25)
  void codebookLossGradientMatchesFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(5);
    FloatMatrix z = gaussian(10, d, 1, rng);
    VqLayer layer = new VqLayer(gaussian(4, d, 1, rng), VqOptions.DEFAULT.withBeta(0));
    Parameter book = layer.parameters().get(0);
    zero(layer.parameters());
    VqLayer.VqPass base = layer.forward(z, 0);
    layer.backward(base, null);
    DoubleSupplier loss = auxiliaryWithCodesHeld(layer, z, base);
    check("codebook", book.value(), book.gradient(), loss, 8, rng);
  }

  /** Soft quantisation: the mixture's gradient at z and at the codewords, the temperature's unit held fixed. */
  @Property(tries = 25)
  void softAssignmentGradientsMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(5);
    int k = 2 + rng.nextInt(6);
    FloatMatrix z = gaussian(6, d, 1, rng);
    double temperature = 0.3 + rng.nextDouble();
    VqLayer layer = new VqLayer(gaussian(k, d, 1, rng), VqOptions.DEFAULT.withBeta(0)
        .withSoftQuantisation(temperature, temperature));
    layer.fixTemperatureScale(1);
    FloatMatrix w = gaussian(6, d, 1, rng);
    Parameter book = layer.parameters().get(0);
    zero(layer.parameters());
    VqLayer.VqPass base = layer.forward(z, 0);
    FloatMatrix gz = layer.backward(base, w);
    // with beta 0 the only z-dependence besides the mixture is the codebook loss, which stops z's gradient
    check("z", z.data(), gz.data(), () -> dot(layer.forward(z, 0).output(), w), 6, rng);
    // the soft codebook loss mean_i sum_k p_ik ||z_i - c_k||^2 is differentiated with p held at the pass's values
    float[] fixedP = base.soft.data().clone();
    DoubleSupplier full = () -> {
      refresh(layer);
      VqLayer.VqPass p = layer.forward(z, 0);
      float[] c = book.value();
      double expected = 0;
      for (int i = 0; i < z.rows(); i++) {
        for (int j = 0; j < k; j++) {
          double dist = 0;
          for (int t = 0; t < d; t++) {
            double e = z.get(i, t) - c[j * d + t];
            dist += e * e;
          }
          expected += fixedP[i * k + j] * dist;
        }
      }
      return dot(p.output(), w) + expected / z.rows();
    };
    check("codebook", book.value(), book.gradient(), full, 8, rng);
  }

  /** The regulariser's gradient at z: the layer's auxiliary loss less its codebook loss (the mean nearest distance). */
  private static void checkRegulariserAtZ(VqLayer layer, FloatMatrix z, FloatMatrix gz, SplittableRandom rng) {
    DoubleSupplier regulariser = () -> {
      VqLayer.VqPass p = layer.forward(z, 0);
      double meanNearest = 0;
      for (float v : p.nearest) {
        meanNearest += v;
      }
      return p.auxiliaryLoss() - meanNearest / z.rows();
    };
    check("z", z.data(), gz.data(), regulariser, 6, rng);
  }

  /** The usage regulariser {@code lambda (ln K - H(mean softmax))} at z and at the codewords. */
  @Property(tries = 25)
  void entropyRegulariserGradientsMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(5);
    int k = 2 + rng.nextInt(6);
    FloatMatrix z = gaussian(7, d, 1, rng);
    double lambda = 0.1 + rng.nextDouble();
    VqLayer layer = new VqLayer(gaussian(k, d, 1, rng), VqOptions.DEFAULT.withBeta(0)
        .withEntropy(lambda, 0.3 + rng.nextDouble()));
    layer.fixTemperatureScale(1);
    Parameter book = layer.parameters().get(0);
    zero(layer.parameters());
    VqLayer.VqPass base = layer.forward(z, 0);
    FloatMatrix gz = layer.backward(base, null);
    checkRegulariserAtZ(layer, z, gz, rng);
    DoubleSupplier full = auxiliaryWithCodesHeld(layer, z, base);
    check("codebook", book.value(), book.gradient(), full, 8, rng);
  }

  /**
   * The usage regulariser against a running usage u ({@code lambda / (1 - decay) KL(decay u + (1 - decay) pbar ||
   * uniform)}, u from earlier batches and fixed within a step) at z and at the codewords, after a few steps.
   */
  @Property(tries = 25)
  void runningEntropyRegulariserGradientsMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(5);
    int k = 2 + rng.nextInt(6);
    double lambda = 0.1 + rng.nextDouble();
    VqLayer layer = new VqLayer(gaussian(k, d, 1, rng), VqOptions.DEFAULT.withBeta(0)
        .withEntropy(lambda, 0.3 + rng.nextDouble(), 0.5 + 0.49 * rng.nextDouble()));
    layer.fixTemperatureScale(1);
    for (int step = 0; step < 3; step++) {
      layer.afterUpdate(layer.forward(gaussian(7, d, 1, rng), 0), new SplittableRandom(seed));
    }
    FloatMatrix z = gaussian(7, d, 1, rng);
    Parameter book = layer.parameters().get(0);
    zero(layer.parameters());
    VqLayer.VqPass base = layer.forward(z, 0);
    assertTrue(base.mixedUsage != null, "the running usage is in use after the first steps");
    FloatMatrix gz = layer.backward(base, null);
    checkRegulariserAtZ(layer, z, gz, rng);
    // the codebook is perturbed in place; a step (afterUpdate) would also move the running usage, so only the
    // packed copy is refreshed
    DoubleSupplier full = () -> {
      layer.codebookWritten();
      VqLayer.VqPass p = layer.forward(z, 0);
      return unlessCodesMoved(base.codes, p, p.auxiliaryLoss());
    };
    check("codebook", book.value(), book.gradient(), full, 8, rng);
  }

  /** SimVQ: the codebook is B W + 1 b^T; the codebook loss's gradient reaches W as {@code B^T dC}, b as its sum. */
  @Property(tries = 25)
  void linearReparameterisationGradientMatchesFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(4);
    FloatMatrix z = gaussian(9, d, 1, rng);
    VqLayer layer = new VqLayer(gaussian(5, d, 1, rng), VqOptions.DEFAULT.withBeta(0).withLinearReparameterisation());
    Parameter w = layer.parameters().get(0);
    assertEquals("W", w.name());
    zero(layer.parameters());
    VqLayer.VqPass base = layer.forward(z, 0);
    layer.backward(base, null);
    DoubleSupplier loss = auxiliaryWithCodesHeld(layer, z, base);
    check("W", w.value(), w.gradient(), loss, 8, rng);
    Parameter b = layer.parameters().get(1);
    assertEquals("b", b.name());
    check("b", b.value(), b.gradient(), loss, 4, rng);
  }

  /** Brings derived state (SimVQ's codebook, the packed rows) up to the parameters' current values. */
  private static void refresh(VqLayer layer) {
    FloatMatrix probe = new FloatMatrix(1, layer.dimension());
    layer.afterUpdate(layer.forward(probe, 0), new SplittableRandom(0));
  }

  @Property(tries = 50)
  void rotationTrickIsAScaledRotationTakingZToC(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 2 + rng.nextInt(7);
    float[] z = gaussian(1, d, 1, rng).data();
    float[] c = gaussian(1, d, 1, rng).data();
    float[] g = gaussian(1, d, 1, rng).data();
    double zn = norm(z);
    double cn = norm(c);
    float[] out = new float[d];
    VqLayer.rotateGradient(z, 0, c, 0, g, 0, out, 0, d);
    // R is orthogonal, so the gradient's length scales by |c| / |z| exactly
    assertEquals(cn / zn * norm(g), norm(out), 1e-4 * (1 + norm(out)));
    // R^T takes c's direction back to z's: the gradient along c^ becomes (|c|/|z|) z^
    float[] cHat = new float[d];
    for (int t = 0; t < d; t++) {
      cHat[t] = (float) (c[t] / cn);
    }
    VqLayer.rotateGradient(z, 0, c, 0, cHat, 0, out, 0, d);
    for (int t = 0; t < d; t++) {
      assertEquals(cn / zn * z[t] / zn, out[t], 1e-4 * (1 + cn / zn));
    }
    // z parallel to c: no rotation, only the scale
    float[] along = new float[d];
    for (int t = 0; t < d; t++) {
      along[t] = 3 * z[t];
    }
    VqLayer.rotateGradient(z, 0, along, 0, g, 0, out, 0, d);
    for (int t = 0; t < d; t++) {
      assertEquals(3 * g[t], out[t], 1e-4 * (1 + Math.abs(g[t])));
    }
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  @Property(tries = 20)
  void residualLevelsSumToTheOutputAndPassTheirOwnTerms(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = 1 + rng.nextInt(5);
    FloatMatrix z = gaussian(40, d, 1, rng);
    ResidualVqLayer rvq = ResidualVqLayer.initialise(z, new int[] {4, 3}, VqLayer.Init.SAMPLE,
        VqOptions.DEFAULT.withBeta(0.5), seed);
    QuantizerLayer.Pass pass = rvq.forward(z, 0);
    // the frozen residual quantizer (greedy, beam 1) decodes to what the training pass produced
    io.distok.quant.Quantizer frozen = rvq.freeze();
    FloatMatrix decoded = frozen.decode(frozen.encode(z));
    assertArrayEquals(pass.output().data(), decoded.data(), 1e-5f);
    FloatMatrix g = gaussian(40, d, 1, rng);
    FloatMatrix withG = rvq.backward(pass, g);
    zero(rvq.parameters());
    FloatMatrix own = rvq.backward(pass, FloatMatrix.wrap(new float[g.data().length], 40, d));
    for (int i = 0; i < g.data().length; i++) {
      assertEquals(g.data()[i], withG.data()[i] - own.data()[i], 1e-5);
    }
    assertTrue(pass.auxiliaryLoss() > 0);
  }

  /**
   * Sign-code layers: the straight-through gradient plus commitment and the factorised entropy regulariser, for
   * LFQ and through BSQ's normalisation, against finite differences of the loss with the signs held (steps that
   * flip a sign are skipped, the same kink as an assignment boundary).
   */
  @Property(tries = 30)
  void signCodeGradientsMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int bits = 1 + rng.nextInt(6);
    boolean spherical = rng.nextBoolean();
    double beta = rng.nextDouble();
    SignCodeLayer layer = new SignCodeLayer(bits, 1, spherical, beta, 0.1 + rng.nextDouble(), rng.nextDouble() * 2,
        0.2 + rng.nextDouble());
    FloatMatrix z = gaussian(6, bits, 1, rng);
    if (spherical) {
      // BSQ's normalisation curves on the scale of a row's norm: the difference step must stay well below it, so
      // rows shorter than 0.5 are stretched to 0.5 (a row of norm 0.03 gave a 8% truncation error at step 0.01)
      for (int i = 0; i < z.rows(); i++) {
        double norm = 0;
        for (int t = 0; t < bits; t++) {
          norm += z.get(i, t) * z.get(i, t);
        }
        norm = Math.sqrt(norm);
        for (int t = 0; norm < 0.5 && t < bits; t++) {
          z.set(i, t, (float) (norm > 0 ? z.get(i, t) * 0.5 / norm : 0.5 / Math.sqrt(bits)));
        }
      }
    }
    FloatMatrix w = gaussian(6, bits, 1, rng);
    SignCodeLayer.SignPass base = layer.forward(z, 0);
    FloatMatrix gz = layer.backward(base, w);
    float[] signs = base.output().data().clone();
    // the straight-through part: the output's gradient w reaches v unchanged, so the loss seen is <w, v> + aux
    DoubleSupplier loss = () -> {
      SignCodeLayer.SignPass p = layer.forward(z, 0);
      if (!java.util.Arrays.equals(signs, p.output().data())) {
        return Double.NaN;
      }
      return dot(FloatMatrix.wrap(p.values, z.rows(), bits), w) + p.auxiliaryLoss();
    };
    check(spherical ? "bsq z" : "lfq z", z.data(), gz.data(), loss, 8, rng);
    // the frozen quantizer gives the pass's bits and decodes to its output
    io.distok.quant.Quantizer frozen = layer.freeze();
    assertArrayEquals(signs, frozen.decode(frozen.encode(z)).data(), 1e-6f);
    assertTrue(base.auxiliaryLoss() >= 0);
  }

  /** FSQ: the rounding passes straight through, the tanh bound as its derivative; training encodes as the frozen model. */
  @Property(tries = 25)
  void fsqGradientIsTheBoundsDerivative(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int dims = 1 + rng.nextInt(5);
    int[] levels = new int[dims];
    for (int t = 0; t < dims; t++) {
      levels[t] = 2 + rng.nextInt(7);
    }
    FsqLayer layer = new FsqLayer(levels, new int[] {0});
    FloatMatrix z = gaussian(7, dims, 1.5, rng);
    FloatMatrix w = gaussian(7, dims, 1, rng);
    QuantizerLayer.Pass pass = layer.forward(z, 0);
    FloatMatrix gz = layer.backward(pass, w);
    DoubleSupplier bounded = () -> {
      double s = 0;
      for (int i = 0; i < z.data().length; i++) {
        s += Math.tanh(z.data()[i]) * w.data()[i];
      }
      return s;
    };
    check("fsq z", z.data(), gz.data(), bounded, 8, rng);
    io.distok.quant.Quantizer frozen = layer.freeze();
    assertArrayEquals(frozen.decode(frozen.encode(z)).data(), pass.output().data());
    // every output value is one of its dimension's levels, evenly spaced in [-1, 1]
    for (int i = 0; i < pass.output().data().length; i++) {
      int l = levels[i % dims];
      double q = (pass.output().data()[i] + 1) * (l - 1) / 2;
      assertEquals(Math.rint(q), q, 1e-4);
    }
  }

  /** PQ: each sub-space quantized by its own layer, gradients straight through per sub-space. */
  @Property(tries = 20)
  void productLayerQuantizesEachSubspace(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int m = 1 + rng.nextInt(3);
    int sub = 1 + rng.nextInt(3);
    FloatMatrix z = gaussian(30, m * sub, 1, rng);
    ProductVqLayer layer = ProductVqLayer.initialise(z, m, 4, VqLayer.Init.SAMPLE, VqOptions.DEFAULT, seed);
    QuantizerLayer.Pass pass = layer.forward(z, 0);
    io.distok.quant.Quantizer frozen = layer.freeze();
    assertArrayEquals(frozen.decode(frozen.encode(z)).data(), pass.output().data());
    FloatMatrix g = gaussian(30, m * sub, 1, rng);
    FloatMatrix withG = layer.backward(pass, g);
    FloatMatrix own = layer.backward(pass, null);
    for (int i = 0; i < g.data().length; i++) {
      assertEquals(g.data()[i], withG.data()[i] - own.data()[i], 1e-5);
    }
    assertEquals(m, layer.parameters().size());
  }
}
