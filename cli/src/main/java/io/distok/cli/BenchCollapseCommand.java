package io.distok.cli;

import io.distok.bench.BenchData;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.gradient.Activation;
import io.distok.quant.gradient.GradientTrainer;
import io.distok.quant.gradient.GradientTraining;
import io.distok.quant.gradient.Mlp;
import io.distok.quant.gradient.QuantizedAutoencoder;
import io.distok.quant.gradient.ResidualVqLayer;
import io.distok.quant.gradient.VqLayer;
import io.distok.quant.gradient.VqOptions;
import io.distok.quant.io.MatrixReader;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.vq.VectorQuantizer;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench collapse}: the codebook-collapse table. A gradient-trained VQ of K codes started uniform in
 * {@code +-1/K} (far from the data) with the plain codebook loss, trained with no mitigation and with each
 * mitigation alone, beside k-means at the same K; then the training throughput of an MLP encoder with a residual
 * VQ, at one thread and at all.
 */
@Command(name = "collapse", mixinStandardHelpOptions = true,
    description = "Codebook collapse of a gradient-trained VQ and the four mitigations (dead-code reset, linear "
        + "reparameterisation, soft quantisation, entropy regularisation), beside k-means at equal K; then the "
        + "training throughput of an MLP encoder + residual VQ.")
public final class BenchCollapseCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "Vectors (.npy, .fvecs, IDX images, CSV).")
  Path data;

  @Option(names = "--K", defaultValue = "4096", description = "Codes (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--epochs", defaultValue = "20", description = "Training epochs of every gradient-trained row "
      + "(default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--learning-rate", defaultValue = "0.003", description = "Adam's learning rate (default: "
      + "${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--batch-size", defaultValue = "256", description = "Rows per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--rows", description = "Use only the first N rows.")
  Integer rows;

  @Option(names = "--settings", split = ",",
      defaultValue = "kmeans,none,reset,ema-reset,linear,soft,entropy,entropy-running",
      description = "Rows of the table, any of kmeans, none, reset, ema-reset, linear, soft, entropy (against the "
      + "batch's usage), entropy-running (against a running usage, decay 0.9), rotation (default: ${DEFAULT-VALUE}).")
  List<String> settings;

  @Option(names = "--throughput", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also measure the training throughput of a d -> 128 -> d MLP encoder and decoder with RQ 3 x 256 "
      + "(default: on).")
  boolean throughput;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Write all figures as JSON to this file.")
  Path json;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** The options of a table row, or null for k-means. */
  VqOptions options(String setting, int window) {
    return switch (setting) {
      case "kmeans" -> null;
      case "none" -> VqOptions.DEFAULT;
      case "reset" -> VqOptions.DEFAULT.withDeadCodeReset(window, 1);
      case "ema-reset" -> VqOptions.DEFAULT.withEma(0.99).withDeadCodeReset(window, 1);
      case "linear" -> VqOptions.DEFAULT.withLinearReparameterisation();
      case "soft" -> VqOptions.DEFAULT.withSoftQuantisation(1, 0.01);
      case "entropy" -> VqOptions.DEFAULT.withEntropy(1, 0.03);
      case "entropy-running" -> VqOptions.DEFAULT.withEntropy(1, 0.03, 0.9);
      case "rotation" -> VqOptions.DEFAULT.withEstimator(VqOptions.Estimator.ROTATION);
      default -> throw CliSupport.usage(spec, "unknown setting '" + setting + "'; expected kmeans, none, reset, "
          + "ema-reset, linear, soft, entropy, entropy-running or rotation");
    };
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if (k < 2 || epochs < 1 || batchSize < 1 || !(learningRate > 0) || rows != null && rows < 2) {
      throw CliSupport.usage(spec, "need --K >= 2, --epochs >= 1, --batch-size >= 1, --learning-rate > 0 and "
          + "--rows >= 2");
    }
    int window = 1;
    for (String s : settings) {
      options(s, window); // unknown names before any loading
    }
    BenchData.require(data);
    FloatMatrix x = MatrixReader.read(data).matrix();
    if (rows != null && rows < x.rows()) {
      x = x.selectRows(java.util.stream.IntStream.range(0, rows).toArray());
    }
    // one window is one epoch of steps: a code no row chose for a whole pass over the data is dead
    window = (x.rows() + batchSize - 1) / batchSize;
    w.printf(Locale.ROOT, "data %s: %d x %d; K %d; %d epochs of Adam lr %g, batches of %d, seed %d; %d cores%n",
        data, x.rows(), x.cols(), k, epochs, learningRate, batchSize, seed, Runtime.getRuntime()
        .availableProcessors());
    w.printf(Locale.ROOT, "start: uniform in +-1/K (far from the data), plain codebook loss, beta 0.25, no encoder%n");
    w.printf(Locale.ROOT, "%-12s %8s %10s %7s %10s %9s %8s %10s%n", "setting", "used", "perplexity", "dead", "MSE",
        "MSE/kmeans", "train s", "rows/s");
    List<Map<String, Object>> table = new ArrayList<>();
    double kmeansMse = Double.NaN;
    for (String s : settings) {
      VqOptions o = options(s, window);
      long t0 = System.nanoTime();
      Quantizer model;
      double rowsPerSecond = Double.NaN;
      if (o == null) {
        model = VectorQuantizer.trainer(KMeansParams.of(k)).train(x, seed, ProgressListener.NONE);
      } else {
        VqLayer layer = VqLayer.initialise(x, k, VqLayer.Init.RANDOM, o, seed);
        GradientTrainer.Result r = GradientTrainer.train(QuantizedAutoencoder.of(layer), x, GradientTraining.of(
            epochs, learningRate, seed).withBatchSize(batchSize), ProgressListener.NONE, e -> {});
        model = r.model();
        rowsPerSecond = r.samplesPerSecond();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      UsageMetrics u = UsageMetrics.of(model, x, model.encode(x));
      var book = u.codebooks().get(0);
      if (o == null) {
        kmeansMse = u.mse();
      }
      w.printf(Locale.ROOT, "%-12s %7.1f%% %10.1f %7d %10.5g %9.3f %8.1f %10.0f%n", s, 100 * book.utilization(),
          book.perplexity(), book.size() - book.used(), u.mse(), u.mse() / kmeansMse, seconds, rowsPerSecond);
      w.flush();
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("setting", s);
      row.put("options", o == null ? "k-means++ and 25 Lloyd iterations" : o.toString());
      row.put("utilization", book.utilization());
      row.put("perplexity", book.perplexity());
      row.put("dead_codes", book.size() - book.used());
      row.put("mse", u.mse());
      row.put("train_s", seconds);
      row.put("rows_per_s", rowsPerSecond);
      table.add(row);
    }
    w.println("(used = share of the K codes some row encodes to; MSE/kmeans against the kmeans row when it ran first; "
        + "rows/s = training rows stepped per second)");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("data", data.toString());
    doc.put("rows", x.rows());
    doc.put("dimension", x.cols());
    doc.put("K", k);
    doc.put("epochs", epochs);
    doc.put("table", table);
    if (throughput) {
      doc.put("throughput", throughput(w, x));
    }
    if (json != null) {
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /** Steps of a d -> 128 -> d encoder, RQ 3 x 256 and d -> 128 -> d decoder, at one thread and at all. */
  private Map<String, Object> throughput(PrintWriter w, FloatMatrix x) {
    int cores = Runtime.getRuntime().availableProcessors();
    Map<String, Object> out = new LinkedHashMap<>();
    w.printf(Locale.ROOT, "%ntraining throughput, MLP %d -> 128 -> %d encoder and decoder (ReLU), RQ 3 x 256, batches "
        + "of %d, 3 epochs after one of warm-up:%n", x.cols(), x.cols(), batchSize);
    for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
      double perSecond = Parallel.withThreads(threads, () -> {
        SplittableRandom init = new SplittableRandom(seed);
        Mlp encoder = Mlp.of(new int[] {x.cols(), 128, x.cols()}, Activation.RELU, init);
        Mlp decoder = Mlp.of(new int[] {x.cols(), 128, x.cols()}, Activation.RELU, init);
        ResidualVqLayer rq = ResidualVqLayer.initialise(encoder.apply(x), new int[] {256, 256, 256},
            VqLayer.Init.SAMPLE, VqOptions.DEFAULT, seed);
        QuantizedAutoencoder net = new QuantizedAutoencoder(encoder, rq, decoder);
        GradientTraining t = GradientTraining.of(1, 1e-3, seed).withBatchSize(batchSize);
        GradientTrainer.train(net, x, t, ProgressListener.NONE, e -> {});
        return GradientTrainer.train(net, x, GradientTraining.of(3, 1e-3, seed).withBatchSize(batchSize),
            ProgressListener.NONE, e -> {}).samplesPerSecond();
      });
      w.printf(Locale.ROOT, "  %d thread%s: %,.0f rows/s, %,.0f rows/s per thread%n", threads, threads == 1 ? "" : "s",
          perSecond, perSecond / threads);
      out.put("rows_per_s_" + threads + "_threads", perSecond);
    }
    return out;
  }
}
