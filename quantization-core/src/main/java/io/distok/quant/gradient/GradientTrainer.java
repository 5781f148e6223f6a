package io.distok.quant.gradient;

import io.distok.quant.Codes;
import io.distok.quant.CodebookUsage;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The mini-batch training loop of a {@link QuantizedAutoencoder}: a seeded held-out split, a seeded shuffle per
 * epoch, one optimiser step per batch, per-epoch loss, held-out MSE and codebook use, early stopping that keeps
 * the best epoch's frozen model. Bit-identical for a given seed whatever the thread count. An epoch costs its
 * steps plus one encoding of the training rows for the usage figures.
 */
public final class GradientTrainer {
  private GradientTrainer() {}

  /**
   * One epoch's figures.
   *
   * @param epoch 1-based
   * @param loss mean training loss of the epoch's steps (reconstruction plus the quantizer's terms)
   * @param trainMse MSE of the frozen model on the training rows (hard codes)
   * @param validationMse the same on the held-out rows (NaN without a split)
   * @param utilization mean over codebooks of the share of codes used on the training rows
   * @param perplexity mean over codebooks of {@code exp(H)} of the code usage
   * @param deadCodes codes no training row takes, over all codebooks
   * @param stepSeconds wall time of the epoch's steps (the usage encoding excluded)
   */
  public record Epoch(int epoch, double loss, double trainMse, double validationMse, double utilization,
      double perplexity, long deadCodes, double stepSeconds) {

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "epoch %d: loss %.5g, MSE %.5g, held-out %.5g, used %.1f%%, perplexity %.1f,"
          + " dead %d", epoch, loss, trainMse, validationMse, 100 * utilization, perplexity, deadCodes);
    }
  }

  /** Receives every epoch's figures as it ends. */
  @FunctionalInterface
  public interface EpochListener {
    EpochListener NONE = e -> { };

    void epochEnded(Epoch epoch);
  }

  /**
   * What training gave.
   *
   * @param model the best epoch's frozen model (lowest held-out MSE, or the last epoch without a split)
   * @param history every epoch run
   * @param bestEpoch the epoch of {@code model}, 1-based
   * @param samples training rows stepped through
   * @param stepSeconds wall time of all steps
   */
  public record Result(Quantizer model, List<Epoch> history, int bestEpoch, long samples, double stepSeconds) {
    /** Training throughput: rows per second of stepping. */
    public double samplesPerSecond() {
      return samples / Math.max(stepSeconds, 1e-9);
    }
  }

  /** Trains {@code net} on the rows of {@code data}. */
  public static Result train(QuantizedAutoencoder net, FloatMatrix data, GradientTraining training,
      ProgressListener progress, EpochListener listener) {
    if (data.cols() != net.dimension()) {
      throw new InvalidInputException("training data: dimension " + data.cols() + " != " + net.dimension()
          + " of the network");
    }
    data.requireFinite("training data");
    int n = data.rows();
    SplittableRandom root = new SplittableRandom(training.seed());
    SplittableRandom splitRandom = root.split();
    SplittableRandom shuffleRandom = root.split();
    SplittableRandom layerRandom = root.split();
    int held = (int) Math.floor(n * training.validationFraction());
    int[] order = permutation(n, splitRandom);
    int[] validationRows = java.util.Arrays.copyOfRange(order, 0, held);
    int[] trainRows = java.util.Arrays.copyOfRange(order, held, n);
    java.util.Arrays.sort(validationRows);
    java.util.Arrays.sort(trainRows);
    if (trainRows.length == 0) {
      throw new InvalidInputException("training data: no rows left to train on after holding out " + held);
    }
    FloatMatrix trainSet = data.selectRows(trainRows);
    FloatMatrix validationSet = held > 0 ? data.selectRows(validationRows) : null;
    int batch = Math.min(training.batchSize(), trainRows.length);
    int stepsPerEpoch = (trainRows.length + batch - 1) / batch;
    long totalSteps = (long) stepsPerEpoch * training.epochs();
    Optimizer.Updater updater = training.optimizer().start(net.parameters());
    List<Epoch> history = new ArrayList<>();
    Quantizer best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    long samples = 0;
    double stepSeconds = 0;
    long step = 0;
    for (int epoch = 1; epoch <= training.epochs(); epoch++) {
      int[] perm = permutation(trainRows.length, shuffleRandom);
      double lossSum = 0;
      long start = System.nanoTime();
      for (int s = 0; s < stepsPerEpoch; s++) {
        int from = s * batch;
        int to = Math.min(trainRows.length, from + batch);
        FloatMatrix x = trainSet.selectRows(java.util.Arrays.copyOfRange(perm, from, to));
        QuantizedAutoencoder.StepOutcome outcome = net.forwardBackward(x, step / (double) Math.max(1, totalSteps - 1));
        requireFinite(outcome.loss().total(), epoch, s);
        updater.update();
        net.afterUpdate(outcome, layerRandom);
        lossSum += outcome.loss().total() * (to - from);
        samples += to - from;
        step++;
        progress.progress("epoch " + epoch + "/" + training.epochs(), step, totalSteps);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      stepSeconds += seconds;
      Quantizer model = net.freeze();
      Codes codes = model.encode(trainSet);
      UsageMetrics usage = UsageMetrics.of(model, trainSet, codes);
      double validationMse = Double.NaN;
      if (validationSet != null) {
        validationMse = UsageMetrics.of(model, validationSet, model.encode(validationSet)).mse();
      }
      Epoch e = epochFigures(epoch, lossSum / trainRows.length, usage, validationMse, seconds);
      history.add(e);
      listener.epochEnded(e);
      double score = validationSet != null ? validationMse : usage.mse();
      if (validationSet == null || score < bestScore) {
        best = model;
        bestScore = score;
        bestEpoch = epoch;
      } else if (training.patience() > 0 && epoch - bestEpoch >= training.patience()) {
        break;
      }
    }
    return new Result(best, List.copyOf(history), bestEpoch, samples, stepSeconds);
  }

  /** A uniformly random order of {@code [0, n)} (Fisher-Yates). O(n). */
  static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static void requireFinite(double loss, int epoch, int step) {
    if (!Double.isFinite(loss)) {
      throw new InvalidInputException("training diverged: the loss is " + loss + " at epoch " + epoch + ", step "
          + (step + 1) + "; lower the learning rate");
    }
  }

  private static Epoch epochFigures(int epoch, double loss, UsageMetrics usage, double validationMse,
      double seconds) {
    double utilization = 0;
    double perplexity = 0;
    long dead = 0;
    for (CodebookUsage c : usage.codebooks()) {
      utilization += c.utilization();
      perplexity += c.perplexity();
      dead += c.size() - c.used();
    }
    int books = Math.max(1, usage.codebooks().size());
    return new Epoch(epoch, loss, usage.mse(), validationMse, utilization / books, perplexity / books, dead, seconds);
  }
}
