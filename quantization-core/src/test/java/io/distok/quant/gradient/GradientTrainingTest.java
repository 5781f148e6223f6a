package io.distok.quant.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.io.ModelStore;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.quant.train.SoftAssigner;
import io.distok.quant.vq.VectorQuantizer;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Training-loop behaviour on small generated data; jqwik prints the seed of every run. */
class GradientTrainingTest {

  /** Points spread uniformly over a cube (one blob per point): no cluster structure for a codebook to hide in. */
  private static FloatMatrix cube(int n, int d, long seed) {
    return SyntheticData.gaussianClusters(n, d, n, 0.05, seed);
  }

  private static double utilisation(Quantizer model, FloatMatrix x) {
    return UsageMetrics.of(model, x, model.encode(x)).codebooks().get(0).utilization();
  }

  private static GradientTrainer.Result trainVq(FloatMatrix x, int k, VqOptions options, int epochs, long seed) {
    VqLayer layer = VqLayer.initialise(x, k, VqLayer.Init.RANDOM, options, seed);
    return GradientTrainer.train(QuantizedAutoencoder.of(layer), x,
        GradientTraining.of(epochs, 0.003, seed).withBatchSize(256), ProgressListener.NONE, e -> {});
  }

  /**
   * The collapsing setting (codebook uniform in +-1/K, far from the data, plain codebook loss) leaves most codes
   * dead; each mitigation alone brings the utilisation close to full. The figures of every run are printed.
   */
  @Property(tries = 3)
  void eachMitigationLiftsTheUtilisationOfACollapsingCodebook(@ForAll long seed) {
    FloatMatrix x = cube(3000, 8, seed);
    int k = 256;
    int window = (3000 + 255) / 256;
    double none = utilisation(trainVq(x, k, VqOptions.DEFAULT, 20, seed).model(), x);
    List<VqOptions> mitigations = List.of(VqOptions.DEFAULT.withDeadCodeReset(window, 1),
        VqOptions.DEFAULT.withDeadCodeReset(window, 0.5), VqOptions.DEFAULT.withLinearReparameterisation(),
        VqOptions.DEFAULT.withSoftQuantisation(1, 0.01), VqOptions.DEFAULT.withEntropy(1, 0.03),
        VqOptions.DEFAULT.withEma(0.99).withDeadCodeReset(window, 1));
    System.out.printf("seed %d: no mitigation uses %.3f of %d codes%n", seed, none, k);
    assertTrue(none < 0.5, "the setting must collapse without help, used " + none);
    for (VqOptions o : mitigations) {
      double used = utilisation(trainVq(x, k, o, 20, seed).model(), x);
      System.out.printf("  %s uses %.3f%n", o, used);
      assertTrue(used > 0.9, o + " used " + used);
    }
  }

  /**
   * A codebook eight times the batch (K = 2048, batches of 256, 4000 rows): the batch's own mean assignment cannot
   * cover it; against the running usage (decay 0.9) the regulariser spreads the rows over clearly more codes.
   * Figures printed per seed.
   */
  @Property(tries = 3)
  void runningUsageLetsTheEntropyRegulariserCoverALargeCodebook(@ForAll long seed) {
    FloatMatrix x = cube(4000, 8, seed);
    int k = 2048;
    double batch = utilisation(trainVq(x, k, VqOptions.DEFAULT.withEntropy(1, 0.03), 20, seed).model(), x);
    double running = utilisation(trainVq(x, k, VqOptions.DEFAULT.withEntropy(1, 0.03, 0.9), 20, seed).model(), x);
    System.out.printf("seed %d: entropy against the batch uses %.3f of %d codes, against the running usage %.3f%n",
        seed, batch, k, running);
    assertTrue(running > batch + 0.03, "running " + running + " vs batch " + batch);
  }

  private static double signCodeUtilisation(FloatMatrix x, boolean spherical, double lambda, long seed) {
    SplittableRandom init = new SplittableRandom(seed);
    Mlp encoder = Mlp.of(new int[] {x.cols(), 32, 8}, Activation.RELU, init);
    Mlp decoder = Mlp.of(new int[] {8, 32, x.cols()}, Activation.RELU, init);
    SignCodeLayer bits = new SignCodeLayer(8, 8, spherical, 0.25, lambda, 1, 1);
    Quantizer model = GradientTrainer.train(new QuantizedAutoencoder(encoder, bits, decoder), x,
        GradientTraining.of(15, 0.003, seed).withBatchSize(128), ProgressListener.NONE, e -> {}).model();
    return utilisation(model, x);
  }

  /**
   * The factorised entropy regulariser spreads LFQ's 8-bit codes: an encoder trained on reconstruction alone uses
   * about half of the 256 codes, with the regulariser (lambda 5) clearly more; BSQ spreads its codes without help
   * here and keeps them with it.
   */
  @Property(tries = 2)
  void bitEntropyRegulariserSpreadsSignCodes(@ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(2000, 16, 2000, 0.05, seed);
    for (boolean spherical : new boolean[] {false, true}) {
      double without = signCodeUtilisation(x, spherical, 0, seed);
      double with = signCodeUtilisation(x, spherical, 5, seed);
      System.out.printf("seed %d, %s: 8-bit codes used %.3f without the regulariser, %.3f with%n", seed,
          spherical ? "BSQ" : "LFQ", without, with);
      if (spherical) {
        // BSQ's normalised codes already spread here: the regulariser must not cost codes
        assertTrue(with > without - 0.05, "BSQ " + without + " -> " + with);
      } else {
        assertTrue(with > without + 0.15, "LFQ " + without + " -> " + with);
      }
    }
  }

  /** Dead-code reset keeps a tiny codebook whole too, reseeding only the unused codes. */
  @Property(tries = 10)
  void deadCodeResetWorksForTinyCodebooks(@ForAll long seed) {
    FloatMatrix x = cube(400, 3, seed);
    // one code in the data, one far from every row: the second stays dead unless it is reset
    FloatMatrix start = FloatMatrix.wrap(new float[] {0, 0, 0, 100, 100, 100}, 2, 3);
    VqLayer layer = new VqLayer(start, VqOptions.DEFAULT.withDeadCodeReset(1, 0.5));
    GradientTrainer.train(QuantizedAutoencoder.of(layer), x, GradientTraining.of(3, 0.003, seed).withBatchSize(64),
        ProgressListener.NONE, e -> {});
    assertEquals(1.0, utilisation(layer.freeze(), x), 1e-12);
    assertTrue(layer.resets() >= 1);
  }

  private static Quantizer trainAutoencoder(FloatMatrix x, long seed) {
    SplittableRandom init = new SplittableRandom(seed);
    Mlp encoder = Mlp.of(new int[] {x.cols(), 12, 4}, Activation.RELU, init);
    Mlp decoder = Mlp.of(new int[] {4, 12, x.cols()}, Activation.TANH, init);
    VqOptions options = VqOptions.DEFAULT.withDeadCodeReset(3, 1).withEntropy(0.1, 0.03);
    ResidualVqLayer rq = ResidualVqLayer.initialise(encoder.apply(x), new int[] {16, 8}, VqLayer.Init.KMEANS,
        options, seed);
    return GradientTrainer.train(new QuantizedAutoencoder(encoder, rq, decoder), x,
        GradientTraining.of(3, 0.01, seed).withBatchSize(64).withValidation(0.2, 2), ProgressListener.NONE,
        e -> {}).model();
  }

  /** Training is bit-identical whatever the thread count: every weight, codeword and code. */
  @Property(tries = 4)
  void trainingIsBitIdenticalWhateverTheThreadCount(@ForAll long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(700, 6, 9, 0.3, seed);
    Quantizer one = Parallel.withThreads(1, () -> trainAutoencoder(x, seed));
    Quantizer two = Parallel.withThreads(2, () -> trainAutoencoder(x, seed));
    assertEquals(one.encode(x), two.encode(x));
    assertArrayEquals(one.decode(one.encode(x)).data(), two.decode(two.encode(x)).data());
    MlpTransform a = (MlpTransform) ((TransformedQuantizer) one).transforms().get(0);
    MlpTransform b = (MlpTransform) ((TransformedQuantizer) two).transforms().get(0);
    for (int l = 0; l < a.encoder().layers().size(); l++) {
      assertArrayEquals(a.encoder().layers().get(l).weights().data(), b.encoder().layers().get(l).weights().data());
    }
  }

  /**
   * A saved MLP autoencoder around each family (residual VQ, PQ, FSQ, LFQ, BSQ) reads back to the same codes and
   * reconstructions, and its training lowered the reconstruction error.
   */
  @Property(tries = 3)
  void savedAutoencoderModelsGiveTheSameCodesAfterLoading(@ForAll long seed) throws Exception {
    FloatMatrix x = SyntheticData.gaussianClusters(500, 5, 7, 0.3, seed);
    List<Quantizer> models = new ArrayList<>(List.of(trainAutoencoder(x, seed)));
    for (int family = 0; family < 4; family++) {
      SplittableRandom init = new SplittableRandom(seed);
      Mlp encoder = Mlp.of(new int[] {5, 12, 4}, Activation.RELU, init);
      Mlp decoder = Mlp.of(new int[] {4, 12, 5}, Activation.RELU, init);
      QuantizerLayer layer = switch (family) {
        case 0 -> ProductVqLayer.initialise(encoder.apply(x), 2, 8, VqLayer.Init.SAMPLE, VqOptions.DEFAULT, seed);
        case 1 -> new FsqLayer(new int[] {5, 5, 4, 4}, new int[] {0});
        case 2 -> new SignCodeLayer(4, 4, false, 0.25, 0.1, 1, 1);
        default -> new SignCodeLayer(4, 2, true, 0.25, 0.1, 1, 1);
      };
      GradientTrainer.Result r = GradientTrainer.train(new QuantizedAutoencoder(encoder, layer, decoder), x,
          GradientTraining.of(8, 0.01, seed).withBatchSize(64), ProgressListener.NONE, e -> {});
      List<GradientTrainer.Epoch> h = r.history();
      assertTrue(h.get(h.size() - 1).trainMse() < h.get(0).trainMse(), layer + ": " + h);
      models.add(r.model());
    }
    for (Quantizer model : models) {
      Path dir = Files.createTempDirectory(Path.of("target"), "mlp-model");
      ModelStore.save(model, seed, dir);
      Quantizer back = ModelStore.load(dir);
      Codes codes = model.encode(x);
      assertEquals(codes, back.encode(x), model.method());
      assertArrayEquals(model.decode(codes).data(), back.decode(codes).data());
    }
  }

  /** Early stopping returns the epoch with the lowest held-out MSE and stops after {@code patience} worse ones. */
  @Property(tries = 5)
  void earlyStoppingKeepsTheBestHeldOutEpoch(@ForAll long seed) {
    FloatMatrix x = cube(800, 4, seed);
    VqLayer layer = VqLayer.initialise(x, 32, VqLayer.Init.SAMPLE, VqOptions.DEFAULT, seed);
    int patience = 2;
    // a large learning rate makes the held-out error wander, so that some epochs are worse than earlier ones
    GradientTrainer.Result r = GradientTrainer.train(QuantizedAutoencoder.of(layer), x,
        GradientTraining.of(25, 0.05, seed).withBatchSize(32).withValidation(0.25, patience), ProgressListener.NONE,
        e -> {});
    List<GradientTrainer.Epoch> h = r.history();
    double best = h.stream().mapToDouble(GradientTrainer.Epoch::validationMse).min().orElseThrow();
    assertEquals(best, h.get(r.bestEpoch() - 1).validationMse());
    assertTrue(h.size() == 25 || h.size() == r.bestEpoch() + patience, "stopped after " + h.size());
    // the returned model is the best epoch's: its held-out MSE is the recorded one
    int held = (int) Math.floor(x.rows() * 0.25);
    SplittableRandom root = new SplittableRandom(seed);
    int[] order = GradientTrainer.permutation(x.rows(), root.split());
    int[] validation = java.util.Arrays.copyOfRange(order, 0, held);
    java.util.Arrays.sort(validation);
    FloatMatrix v = x.selectRows(validation);
    assertEquals(best, UsageMetrics.of(r.model(), v, r.model().encode(v)).mse(), 1e-12);
  }

  @Test
  void progressReportsEveryEpochWithLossAndUtilisation() {
    FloatMatrix x = cube(300, 3, 1);
    List<GradientTrainer.Epoch> seen = new ArrayList<>();
    GradientTrainer.Result r = GradientTrainer.train(QuantizedAutoencoder.of(VqLayer.initialise(x, 8,
        VqLayer.Init.SAMPLE, VqOptions.DEFAULT, 1)), x, GradientTraining.of(4, 0.01, 1), ProgressListener.NONE,
        seen::add);
    assertEquals(4, seen.size());
    assertEquals(r.history(), seen);
    for (GradientTrainer.Epoch e : seen) {
      assertTrue(e.loss() > 0 && e.utilization() > 0 && e.utilization() <= 1 && e.perplexity() >= 1);
      assertTrue(e.toString().contains("used"), e.toString());
    }
    assertEquals(4L * 300, r.samples());
  }

  /** Adam and momentum SGD both drive a quadratic to its minimum. */
  @Property(tries = 10)
  void optimisersMinimiseAQuadratic(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] target = new float[5];
    for (int i = 0; i < target.length; i++) {
      target[i] = (float) rng.nextGaussian();
    }
    for (Optimizer o : List.of(Adam.of(0.05), new Sgd(0.1, 0.9), new Sgd(0.2, 0))) {
      Parameter p = new Parameter("x", new float[target.length]);
      Optimizer.Updater u = o.start(List.of(p));
      for (int step = 0; step < 400; step++) {
        for (int i = 0; i < target.length; i++) {
          p.gradient()[i] += 2 * (p.value()[i] - target[i]);
        }
        u.update();
      }
      assertArrayEquals(target, p.value(), 1e-2f, o.toString());
      assertEquals(0f, p.gradient()[0], "the update clears the gradient");
    }
  }

  /** Soft codes at inference: nearest first, weights a softmax of the distances, the first code the hard one. */
  @Property(tries = 20)
  void softCodesRankTheNearestCodesWithSoftmaxWeights(@ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix x = GradientCheckTest.gaussian(30, 4, 1, rng);
    VectorQuantizer q = new VectorQuantizer(GradientCheckTest.gaussian(12, 4, 1, rng),
        io.distok.quant.kmeans.KMeansParams.of(12));
    int top = 1 + rng.nextInt(12);
    double t = 0.1 + rng.nextDouble();
    // soft codes at inference are the core's SoftAssigner weights on the frozen codebook
    SoftAssigner.Weighted soft = new SoftAssigner(t, seed).weights(x, q.codebooks().get(0), top);
    Codes hard = q.encode(x);
    for (int i = 0; i < x.rows(); i++) {
      assertEquals(hard.get(i, 0), soft.codes()[i * top]);
      double total = 0;
      for (int j = 0; j < top; j++) {
        total += soft.weights()[i * top + j];
        if (j > 0) {
          assertTrue(soft.weights()[i * top + j] <= soft.weights()[i * top + j - 1]);
          double d0 = distance(x, i, q, soft.codes()[i * top]);
          double dj = distance(x, i, q, soft.codes()[i * top + j]);
          assertEquals(Math.exp(-(dj - d0) / t), soft.weights()[i * top + j] / soft.weights()[i * top], 1e-3);
        }
      }
      assertEquals(1, total, 1e-5);
    }
  }

  private static double distance(FloatMatrix x, int i, VectorQuantizer q, int code) {
    FloatMatrix c = q.codebooks().get(0);
    double s = 0;
    for (int t = 0; t < x.cols(); t++) {
      double e = x.get(i, t) - c.get(code, t);
      s += e * e;
    }
    return s;
  }

  @Test
  void badInputAndBadSettingsAreRefusedWithTheirReason() {
    FloatMatrix x = cube(100, 3, 2);
    QuantizedAutoencoder net = QuantizedAutoencoder.of(VqLayer.initialise(x, 4, VqLayer.Init.SAMPLE,
        VqOptions.DEFAULT, 2));
    InvalidInputException wrongDim = assertThrows(InvalidInputException.class, () -> GradientTrainer.train(net,
        cube(10, 4, 2), GradientTraining.of(1, 0.01, 2), ProgressListener.NONE, e -> {}));
    assertTrue(wrongDim.getMessage().contains("dimension 4 != 3"), wrongDim.getMessage());
    FloatMatrix bad = x.copy();
    bad.set(7, 1, Float.NaN);
    assertThrows(InvalidInputException.class, () -> GradientTrainer.train(net, bad, GradientTraining.of(1, 0.01, 2),
        ProgressListener.NONE, e -> {}));
    FloatMatrix huge = x.copy();
    for (int i = 0; i < huge.data().length; i++) {
      huge.data()[i] *= 1e20f;
    }
    QuantizedAutoencoder fresh = QuantizedAutoencoder.of(VqLayer.initialise(x, 4, VqLayer.Init.SAMPLE,
        VqOptions.DEFAULT, 2));
    InvalidInputException diverged = assertThrows(InvalidInputException.class, () -> GradientTrainer.train(fresh,
        huge, GradientTraining.of(2, 0.01, 2), ProgressListener.NONE, e -> {}));
    assertTrue(diverged.getMessage().contains("diverged"), diverged.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withBeta(-1));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withEma(1));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withDeadCodeReset(5, 0));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withSoftQuantisation(1, 0));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withEntropy(1, 0));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withEntropy(1, 0.03, 1));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withEntropy(1, 0.03, -0.1));
    assertThrows(IllegalArgumentException.class, () -> VqOptions.DEFAULT.withLinearReparameterisation().withEma(0.9));
    assertThrows(IllegalArgumentException.class,
        () -> VqOptions.DEFAULT.withLinearReparameterisation().withDeadCodeReset(3, 1));
    assertThrows(IllegalArgumentException.class, () -> GradientTraining.of(0, 0.01, 1));
    assertThrows(IllegalArgumentException.class, () -> Adam.of(0));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> VqLayer.initialise(x, 1, VqLayer.Init.SAMPLE,
        VqOptions.DEFAULT, 1));
    assertThrows(IllegalArgumentException.class, () -> Mlp.of(new int[] {3, 0}, Activation.RELU,
        new SplittableRandom(1)));
    assertThrows(IllegalArgumentException.class, () -> new ResidualVqLayer(List.of(VqLayer.initialise(x, 4,
        VqLayer.Init.SAMPLE, VqOptions.DEFAULT.withSoftQuantisation(1, 0.1), 1)), VqOptions.Estimator.ROTATION));
  }
}
