package io.distok.cli;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.transform.TransformStep;
import io.distok.quant.transform.TransformedQuantizer;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import io.distok.util.io.Inputs;
import io.distok.quant.io.LabeledMatrix;
import io.distok.quant.io.MatrixReader;
import io.distok.quant.io.ModelStore;
import io.distok.quant.io.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok quantize fit|encode|eval}. */
@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Train, apply and evaluate vector quantizers of every family on the class path (vq, rq, pq, ...).",
    subcommands = {QuantizeCommand.Fit.class, QuantizeCommand.Encode.class, QuantizeCommand.Eval.class})
public final class QuantizeCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Adds the families' options to {@code fit} and {@code encode}; called once when the command line is built. */
  static void registerFamilyOptions(picocli.CommandLine quantize) {
    // one class-path scan at start-up serves both commands
    List<QuantizerFamily> families = QuantizerFamily.all();
    FamilyOptions.register(quantize.getSubcommands().get("fit"), FamilyOptions.Kind.TRAINING, families);
    FamilyOptions.register(quantize.getSubcommands().get("encode"), FamilyOptions.Kind.ENCODING, families);
  }

  /** The family names, for help and completion. */
  static final class FamilyNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return QuantizerFamily.all().stream().map(QuantizerFamily::name).iterator();
    }
  }

  /** The family named on the command line (any case), or a usage error listing the known ones. */
  static QuantizerFamily family(picocli.CommandLine.Model.CommandSpec spec, String name) {
    try {
      return QuantizerFamily.forName(name.toLowerCase(Locale.ROOT));
    } catch (io.distok.util.InvalidInputException e) {
      throw CliSupport.usage(spec, "--method: " + e.getMessage());
    }
  }

  @Command(name = "fit", mixinStandardHelpOptions = true,
      description = "Train a quantizer on a vector file (.npy, .fvecs, CSV/TSV, IDX; gzip ok) and save it.")
  static final class Fit implements Callable<Integer> {
    @Option(names = "--method", required = true, completionCandidates = FamilyNames.class,
        description = "Quantizer family: ${COMPLETION-CANDIDATES}. Each family's options are listed below.")
    String method;

    @Option(names = "--input", required = true, description = "Training vectors.")
    Path input;

    @Option(names = "--transform", paramLabel = "STEPS", description = "Vector transforms fitted on the training "
        + "data and applied before the quantizer, comma-separated and saved with the model: l2, pca:D, "
        + "pca-whiten:D, rotation, itq:D.")
    String transform;

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
      QuantizerFamily family = family(spec, method);
      ParameterValues values = FamilyOptions.values(spec, family, FamilyOptions.Kind.TRAINING,
          "--method " + family.name());
      QuantizerTrainer<? extends Quantizer> trainer;
      try {
        QuantizerTrainer<? extends Quantizer> inner = CliSupport.options(spec, () -> family.trainer(values));
        trainer = transform == null ? inner : TransformedQuantizer.trainer(TransformStep.parse(transform), inner);
      } catch (io.distok.util.InvalidInputException e) {
        throw CliSupport.usage(spec, e.getMessage());
      }
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
      Quantizer loaded = ModelStore.load(model);
      QuantizerFamily family = QuantizerFamily.forName(loaded.method());
      ParameterValues values = FamilyOptions.values(spec, family, FamilyOptions.Kind.ENCODING,
          model + " (a " + loaded.method() + " model)");
      Quantizer q;
      try {
        q = CliSupport.options(spec, () -> family.reconfigure(loaded, values));
      } catch (io.distok.util.InvalidInputException e) {
        throw CliSupport.usage(spec, e.getMessage());
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
        io.distok.util.io.JsonFiles.write(json, doc);
      }
      return 0;
    }
  }
}
