package io.distok.cli;

import io.distok.quant.Codes;
import io.distok.quant.FloatMatrix;
import io.distok.quant.Parallel;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.io.AtomicFiles;
import io.distok.quant.io.CsvWriter;
import io.distok.quant.io.Inputs;
import io.distok.quant.io.LabeledMatrix;
import io.distok.quant.io.MatrixReader;
import io.distok.quant.io.ModelStore;
import io.distok.quant.io.Npy;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok quantize fit|encode|eval}. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Train, apply and evaluate vector quantizers (VQ, RQ, PQ).",
    subcommands = {QuantizeCommand.Fit.class, QuantizeCommand.Encode.class, QuantizeCommand.Eval.class})
public final class QuantizeCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The quantizer families. */
  enum Method {
    VQ, RQ, PQ;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** k-means seeding. */
  enum Init {
    KMEANS_PLUS_PLUS("kmeans++"), RANDOM("random");

    private final String spelling;

    Init(String spelling) {
      this.spelling = spelling;
    }

    @Override
    public String toString() {
      return spelling;
    }
  }

  /** Method parameters, named as the papers and faiss name them. */
  static final class MethodOptions {
    @Option(names = "--method", required = true, description = "${COMPLETION-CANDIDATES}.")
    Method method;

    @Option(names = "--K", defaultValue = "256", description = "Codes per codebook (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--M", defaultValue = "8", description = "PQ sub-spaces (default: ${DEFAULT-VALUE}).")
    int m;

    @Option(names = {"--L", "--levels"}, defaultValue = "3",
        description = "RQ levels (default: ${DEFAULT-VALUE}).")
    int levels;

    @Option(names = "--beam", defaultValue = "1", description = "RQ encoder beam width, 1 = greedy (default: "
        + "${DEFAULT-VALUE}).")
    int beam;

    @Option(names = "--train-beam", defaultValue = "1", description = "RQ training beam width: each level's "
        + "k-means sees the residuals of the B best partial encodings of every row, as faiss trains (default: "
        + "${DEFAULT-VALUE} = greedy RQ-KMeans).")
    int trainBeam;

    @Option(names = "--refine-rounds", description = "RQ joint codebook refinement rounds after level-wise "
        + "training (default: 6, 0 with --normalize-residuals).")
    Integer refineRounds;

    @Option(names = "--normalize-residuals", description = "RQ: assign each level by residual direction.")
    boolean normalizeResiduals;

    @Option(names = "--niter", defaultValue = "20", description = "k-means iterations (default: ${DEFAULT-VALUE}).")
    int niter;

    @Option(names = "--max-points-per-centroid", defaultValue = "256",
        description = "Subsample training data to K times this, 0 = all (default: ${DEFAULT-VALUE}).")
    int maxPointsPerCentroid;

    @Option(names = "--tolerance", defaultValue = "0",
        description = "Stop k-means when the objective improves by less than this fraction (default: 0 = never).")
    double tolerance;

    @Option(names = "--init", defaultValue = "kmeans++", description = "Seeding: ${COMPLETION-CANDIDATES} "
        + "(default: ${DEFAULT-VALUE}).")
    Init init;

    QuantizerTrainer<? extends Quantizer> trainer(picocli.CommandLine.Model.CommandSpec spec) {
      if (levels < 1) {
        throw CliSupport.usage(spec, "--L must be >= 1, got " + levels);
      }
      return CliSupport.options(spec, () -> {
        KMeansParams km = new KMeansParams(k, niter, maxPointsPerCentroid, tolerance, init == Init.KMEANS_PLUS_PLUS);
        return switch (method) {
          case VQ -> VectorQuantizer.trainer(km);
          case RQ -> {
            int[] ks = new int[levels];
            java.util.Arrays.fill(ks, k);
            var rq = new ResidualQuantizerParams(ks, km, beam, normalizeResiduals);
            if (refineRounds != null) {
              rq = rq.withRefineRounds(refineRounds);
            }
            yield ResidualQuantizer.trainer(rq.withTrainBeam(trainBeam));
          }
          case PQ -> ProductQuantizer.trainer(m, km);
        };
      });
    }
  }

  @Command(name = "fit", mixinStandardHelpOptions = true,
      description = "Train a quantizer on a vector file (.npy, .fvecs, CSV/TSV, IDX; gzip ok) and save it.")
  static final class Fit implements Callable<Integer> {
    @ArgGroup(exclusive = false, multiplicity = "1")
    MethodOptions method;

    @Option(names = "--input", required = true, description = "Training vectors.")
    Path input;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @picocli.CommandLine.Mixin
    ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    TextInputOptions text;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      QuantizerTrainer<? extends Quantizer> trainer = method.trainer(spec);
      CliSupport.requireDistinct(spec, "--out", out, input);
      FloatMatrix x = text.read(input, spec.commandLine().getErr()).matrix();
      long t0 = System.nanoTime();
      Quantizer q;
      try (TerminalProgress progress = TerminalProgress.create()) {
        q = threads.run(() -> trainer.train(x, seed, progress));
      }
      double trainS = (System.nanoTime() - t0) / 1e9;
      Codes codes = threads.run(() -> q.encode(x));
      ModelStore.save(q, seed, out);
      w.printf(Locale.ROOT, "trained %s (%s) on %d x %d in %.2f s; saved to %s%n", q.method(),
          CliSupport.describe(q.parameters()),
          x.rows(), x.cols(), trainS, out);
      w.print(UsageMetrics.of(q, x, codes).toTable());
      return 0;
    }
  }

  /** The {@code --threads} option as a picocli mixin. */
  static final class ThreadsMixin {
    @Option(names = "--threads", description = "Worker threads (default: all cores). Results do not depend on it.")
    Integer threads;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    <T> T run(Supplier<T> work) {
      if (threads != null && threads < 1) {
        throw CliSupport.usage(spec, "--threads must be >= 1, got " + threads);
      }
      return threads == null ? work.get() : Parallel.withThreads(threads, work);
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Encode a vector file with a saved model; writes codes as .npy (int32) or CSV/TSV.")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--input", required = true, description = "Vectors to encode.")
    Path input;

    @Option(names = "--out", required = true, description = "Codes file: .npy, .csv or .tsv.")
    Path out;

    @Option(names = "--beam", description = "Override the RQ encoder beam width.")
    Integer beam;

    @picocli.CommandLine.Mixin
    ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    TextInputOptions text;

    @Override
    public Integer call() throws Exception {
      String base = Inputs.baseName(out);
      if (!base.endsWith(".npy") && !base.endsWith(".csv") && !base.endsWith(".tsv")) {
        throw CliSupport.usage(spec, "--out " + out + ": the codes file must end in .npy, .csv or .tsv");
      }
      CliSupport.requireDistinct(spec, "--out", out, input, model);
      Quantizer q = ModelStore.load(model);
      if (beam != null) {
        if (!(q instanceof ResidualQuantizer rq)) {
          throw CliSupport.usage(spec, "--beam applies to rq models only; " + model + " is " + q.method());
        }
        q = CliSupport.options(spec, () -> rq.withBeam(beam));
      }
      LabeledMatrix in = text.read(input, spec.commandLine().getErr());
      q.requireCompatible(in.matrix(), input.toString());
      Quantizer model = q;
      long t0 = System.nanoTime();
      Codes codes = threads.run(() -> model.encode(in.matrix()));
      double s = (System.nanoTime() - t0) / 1e9;
      if (base.endsWith(".npy")) {
        Npy.write(out, codes);
      } else {
        writeText(out, codes, in, base.endsWith(".tsv") ? '\t' : ',');
      }
      spec.commandLine().getOut().printf(Locale.ROOT, "encoded %d vectors in %.3f s (%.0f vectors/s) -> %s%n",
          codes.rows(), s, codes.rows() / Math.max(s, 1e-9), out);
      return 0;
    }

    private static void writeText(Path out, Codes codes, LabeledMatrix in, char sep) throws java.io.IOException {
      AtomicFiles.write(out, os -> {
        try (CsvWriter w = CsvWriter.open(os, sep)) {
          List<String> header = new ArrayList<>();
          if (in.hasIds()) {
            header.add("id");
          }
          for (int j = 0; j < codes.codesPerRow(); j++) {
            header.add("c" + j);
          }
          w.row(header);
          List<Object> row = new ArrayList<>();
          for (int i = 0; i < codes.rows(); i++) {
            row.clear();
            if (in.hasIds()) {
              row.add(in.ids().get(i));
            }
            for (int j = 0; j < codes.codesPerRow(); j++) {
              row.add(codes.get(i, j));
            }
            w.row(row);
          }
        }
      });
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Print usage metrics (MSE, utilisation, perplexity, dead codes, shared tuples) of a model on a "
          + "vector file.")
  static final class Eval implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--input", required = true, description = "Vectors to evaluate on.")
    Path input;

    @Option(names = "--json", description = "Also write the metrics as JSON to this file.")
    Path json;

    @picocli.CommandLine.Mixin
    ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    TextInputOptions text;

    @Override
    public Integer call() throws Exception {
      CliSupport.requireDistinct(spec, "--json", json, input, model);
      Quantizer q = ModelStore.load(model);
      FloatMatrix x = text.read(input, spec.commandLine().getErr()).matrix();
      q.requireCompatible(x, input.toString());
      UsageMetrics m = threads.run(() -> UsageMetrics.of(q, x, q.encode(x)));
      PrintWriter w = spec.commandLine().getOut();
      w.printf("%s (%s)%n", q.method(), CliSupport.describe(q.parameters()));
      w.print(m.toTable());
      if (json != null) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.toString());
        doc.put("method", q.method());
        doc.put("parameters", q.parameters());
        doc.put("input", input.toString());
        doc.putAll(m.toMap());
        io.distok.quant.io.JsonFiles.write(json, doc);
      }
      return 0;
    }
  }
}
