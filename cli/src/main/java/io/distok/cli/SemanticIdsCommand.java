package io.distok.cli;

import io.distok.source.neo4j.Neo4jNodeReader;
import io.distok.source.NodeVectors;
import io.distok.util.InvalidInputException;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import io.distok.recsys.CollisionPolicy;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.RqVaeSettings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdStore;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.recsys.SemanticIdWriteBack;
import io.distok.recsys.SampledFit;
import io.distok.recsys.StreamedAssignment;
import io.distok.quant.io.MatrixStream;
import io.distok.recsys.TokenFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.neo4j.driver.Driver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok semantic-ids fit|assign|report|export}. */
@Command(name = "semantic-ids", mixinStandardHelpOptions = true,
    description = "Semantic IDs for recommendation items: short token tuples like <a_12><b_200><c_37><d_0> from "
        + "item embeddings (files or Neo4j item nodes).",
    subcommands = {SemanticIdsCommand.Fit.class, SemanticIdsCommand.Assign.class, SemanticIdsCommand.Report.class,
        SemanticIdsCommand.Export.class})
public final class SemanticIdsCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where items come from: a file or Neo4j. */
  static final class ItemSource {
    @Option(names = "--input", description = "Embedding file: .npy, .fvecs, CSV/TSV (optional id column); gzip ok.")
    Path input;

    @Option(names = "--ids", description = "Item ids, one per line, in the order of the embedding rows.")
    Path ids;

    @Mixin
    Neo4jOptions neo4j;

    @Mixin
    TextInputOptions text;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** Items and, for Neo4j, the node keys for write-back. */
    record Loaded(ItemEmbeddings items, NodeVectors nodes, Driver driver) implements AutoCloseable {
      @Override
      public void close() {
        if (driver != null) {
          driver.close();
        }
      }
    }

    Loaded load(TerminalProgress progress) throws IOException {
      if ((input == null) == !neo4j.enabled()) {
        throw CliSupport.usage(spec, "give exactly one item source: --input FILE or --neo4j-uri URI");
      }
      if (neo4j.enabled() && neo4j.batchSize < 1) {
        throw CliSupport.usage(spec, "--batch-size must be >= 1, got " + neo4j.batchSize);
      }
      if (input != null) {
        if (neo4j.writeBack != null) {
          throw CliSupport.usage(spec, "--write-back needs items read from Neo4j (--neo4j-uri)");
        }
        return new Loaded(ItemEmbeddings.read(input, ids, text.layout(),
            note -> spec.commandLine().getErr().println("distok: reading " + note)), null, null);
      }
      Driver driver = neo4j.connection().open();
      try {
        NodeVectors nodes = new Neo4jNodeReader(neo4j.connection(), driver).readVectors(neo4j.label,
            neo4j.idPropertyOrNull(), neo4j.embeddingProperty, neo4j.batchSize, progress);
        return new Loaded(ItemEmbeddings.of(nodes), nodes, driver);
      } catch (RuntimeException e) {
        driver.close();
        throw e;
      }
    }

    void writeBack(Loaded loaded, SemanticIdModel model, PrintWriter w, TerminalProgress progress) {
      if (neo4j.writeBack == null) {
        return;
      }
      long n = SemanticIdWriteBack.toNeo4j(model, loaded.nodes().ids(), loaded.nodes().keys(), neo4j.connection(),
          loaded.driver(), neo4j.label, neo4j.idPropertyOrNull(), neo4j.writeBack, neo4j.batchSize, progress);
      w.printf("wrote %d semantic IDs to :%s.%s%n", n, neo4j.label, neo4j.writeBack);
    }
  }

  /** How semantic IDs are made: the options `semantic-ids fit` and `spark semantic-ids` share. */
  static final class SemanticIdOptions {
    @Option(names = "--levels", description = "RQ levels (default: from the catalogue size: 3, or more so that K^L "
        + ">= 64 items, e.g. 4 for 1M items of K = 256; the choice is printed and kept in the report).")
    Integer levels;

    @Option(names = "--K", defaultValue = "256", description = "Codes per level (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--codebook-sizes", split = ",", description = "Codes per level, e.g. 256,256,128 "
        + "(overrides --levels and --K).")
    int[] codebookSizes;

    @Option(names = "--niter", defaultValue = "20", description = "k-means iterations (default: ${DEFAULT-VALUE}).")
    int niter;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--normalize", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "L2-normalise embeddings first (default: on; --no-normalize for raw vectors).")
    boolean normalize;

    @Option(names = "--balance", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Balanced assignment within prefix groups (default: on; --no-balance for plain RQ-KMeans).")
    boolean balance;

    @Option(names = "--balance-slack", defaultValue = "1.0", description = "Code capacity is ceil(g (1 + slack) / "
        + "K) in a prefix group of g items (default: ${DEFAULT-VALUE}).")
    double balanceSlack;

    @Option(names = "--collision", defaultValue = "suffix", description = "Collision policy: "
        + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    CollisionPolicy.Kind collision;

    @Option(names = "--suffix-size", defaultValue = "256", description = "Range of the suffix token (default: "
        + "${DEFAULT-VALUE}).")
    int suffixSize;

    @Option(names = "--token-format", defaultValue = "angle", description = "${COMPLETION-CANDIDATES}: angle writes "
        + "<a_12><b_200>..., plain writes 12-200-... (default: ${DEFAULT-VALUE}).")
    TokenFormat.Style tokenFormat;

    @Option(names = "--begin-token", description = "Token opening every angle-style ID, e.g. <sid>.")
    String beginToken;

    @Option(names = "--end-token", description = "Token closing every angle-style ID, e.g. </sid>.")
    String endToken;

    /** The two ways of making the codebooks. */
    enum Recipe {
      RQ_KMEANS, RQ_VAE;

      @Override
      public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      }
    }

    @Option(names = "--recipe", defaultValue = "rq-kmeans", converter = RecipeConverter.class,
        description = "rq-kmeans (k-means level by level on the embeddings) or rq-vae (an MLP encoder, a residual VQ "
        + "with k-means-initialised codebooks and an MLP decoder trained together, as TIGER builds them; the IDs are "
        + "the frozen encoder's codes) (default: ${DEFAULT-VALUE}).")
    Recipe recipe;

    @Option(names = "--hidden", defaultValue = "128", description = "rq-vae: width of the encoder's and decoder's "
        + "hidden layer (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--latent", defaultValue = "0", description = "rq-vae: dimension of the encoder's output; 0 for "
        + "the embeddings' own (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--epochs", defaultValue = "50", description = "rq-vae: training epochs (default: "
        + "${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--learning-rate", defaultValue = "0.001", description = "rq-vae: Adam's learning rate "
        + "(default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(names = "--train-batch-size", defaultValue = "256", description = "rq-vae: rows per training step (default: "
        + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--beta", defaultValue = "0.25", description = "rq-vae: commitment-loss weight (default: "
        + "${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--patience", defaultValue = "5", description = "rq-vae: stop after this many epochs without a "
        + "better reconstruction of a held-out tenth; 0 trains every epoch on all items (default: ${DEFAULT-VALUE}).")
    int patience;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** Reads rq-kmeans / rq-vae. */
    static final class RecipeConverter implements picocli.CommandLine.ITypeConverter<Recipe> {
      @Override
      public Recipe convert(String value) {
        for (Recipe r : Recipe.values()) {
          if (r.toString().equals(value)) {
            return r;
          }
        }
        throw new picocli.CommandLine.TypeConversionException("expected rq-kmeans or rq-vae, got '" + value + "'");
      }
    }

    /** The configuration for {@code items} items (the level count comes from it when not given). */
    SemanticIdConfig config(int items) {
      int[] sizes = codebookSizes;
      if (sizes == null) {
        if (levels != null && levels < 1) {
          throw CliSupport.usage(spec, "--levels must be >= 1, got " + levels);
        }
        if (k < 2) {
          throw CliSupport.usage(spec, "--K must be >= 2, got " + k);
        }
        sizes = new int[levels != null ? levels : SemanticIdTrainer.recommendedLevels(items, k)];
        java.util.Arrays.fill(sizes, k);
      }
      int[] s = sizes;
      return CliSupport.options(spec, () -> new SemanticIdConfig(s, niter, seed, normalize, balance, 2, balanceSlack,
          collision, suffixSize, new TokenFormat(tokenFormat, beginToken, endToken), recipe == Recipe.RQ_VAE
          ? new RqVaeSettings(hidden, latent, epochs, learningRate, batchSize, beta, patience) : null));
    }
  }

  @Command(name = "fit", mixinStandardHelpOptions = true,
      description = "Build semantic IDs for a catalogue and save the model (codebooks, item -> ID map, report).")
  static final class Fit implements Callable<Integer> {
    @Mixin
    ItemSource source;

    @Option(names = "--out", required = true, description = "Model directory to write.")
    Path out;

    @Option(names = "--sample", defaultValue = "1000", description = "Items sampled for neighbourhood "
        + "preservation (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--fit-sample", defaultValue = "0", description = "Fit on this many items (chosen by a seeded "
        + "hash of their ids) and assign every other item with the frozen model, as new items are; for catalogues too "
        + "large to train on whole, and what `distok spark semantic-ids` computes; 0 fits on all (default: "
        + "${DEFAULT-VALUE}).")
    int fitSample;

    @Mixin
    SemanticIdOptions options;

    @Mixin
    QuantizeCommand.ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      options.config(1_000); // option errors before any loading
      if (fitSample < 0) {
        throw CliSupport.usage(spec, "--fit-sample must be >= 0, got " + fitSample);
      }
      CliSupport.requireDistinct(spec, "--out", out, source.input, source.ids);
      try (TerminalProgress progress = TerminalProgress.create();
          ItemSource.Loaded loaded = source.load(progress)) {
        SemanticIdConfig config = options.config(loaded.items().size());
        boolean sampled = fitSample > 0 && fitSample < loaded.items().size();
        // the loaded matrix is ours alone: training in it (normalised in place, residuals in place, rows restored
        // for the report) saves a copy of the embeddings; a sampled fit normalises the raw rows as Spark does
        ItemEmbeddings items = config.normalize() && !sampled ? loaded.items().normalizedInPlace() : loaded.items();
        boolean chosen = options.codebookSizes == null && options.levels == null;
        long t0 = System.nanoTime();
        SemanticIdModel model = threads.run(() -> sampled
            ? SampledFit.fit(items, config, fitSample, progress).model()
            : SemanticIdTrainer.fitInPlace(items, config, progress));
        double fitS = (System.nanoTime() - t0) / 1e9;
        if (sampled) {
          w.printf("fitted on a sample of %d items, the other %d assigned with the frozen model%n", fitSample,
              items.size() - fitSample);
        }
        String sizes = String.join(",", java.util.Arrays.stream(model.config().codebookSizes())
            .mapToObj(Integer::toString).toList());
        String levelChoice = (chosen ? "chosen from the catalogue size (K^L >= 64 items, K at most the item count): "
            : "given: ") + model.config().levels() + " levels, codebook sizes " + sizes;
        SemanticIdReport report = threads.run(() -> SemanticIdReport.of(model, items, sample, config.seed()))
            .with("fitSeconds", fitS).with("levelChoice", levelChoice);
        SemanticIdStore.save(model, report, out);
        w.printf(Locale.ROOT, "semantic IDs for %d items (%d-d) in %.2f s; model saved to %s%n", items.size(),
            items.dimension(), fitS, out);
        w.println("levels " + levelChoice);
        for (String id : model.items().subList(0, Math.min(3, model.size()))) {
          w.printf("  %s -> %s%n", id, model.tokens(id));
        }
        w.print(report.toTable());
        source.writeBack(loaded, model, w, progress);
      }
      return 0;
    }
  }

  @Command(name = "assign", mixinStandardHelpOptions = true,
      description = "Give IDs to new items with the frozen codebooks; existing IDs never change.")
  static final class Assign implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Mixin
    ItemSource source;

    @Option(names = "--out", description = "Write the updated model here. Default: update --model in place (the new "
        + "model replaces the old one only once it is complete).")
    Path out;

    @Option(names = "--ids-out", description = "Write item<TAB>tokens of the requested items to this TSV file.")
    Path idsOut;

    @Mixin
    QuantizeCommand.ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      CliSupport.requireDistinct(spec, "--ids-out", idsOut, source.input, source.ids, model);
      CliSupport.requireDistinct(spec, "--out", out, source.input, source.ids, idsOut);
      SemanticIdModel m = SemanticIdStore.load(model);
      if (source.input != null && !source.neo4j.enabled() && MatrixStream.supports(source.input)) {
        return streamed(m, w);
      }
      try (TerminalProgress progress = TerminalProgress.create();
          ItemSource.Loaded loaded = source.load(progress)) {
        if (loaded.items().dimension() != m.dimension()) {
          throw new InvalidInputException((source.input != null ? source.input.toString() : "the Neo4j items")
              + ": embeddings of dimension " + loaded.items().dimension() + ", but the model " + model
              + " was fitted on dimension " + m.dimension());
        }
        long t0 = System.nanoTime();
        SemanticIdModel.Assignment a = threads.run(() -> m.assign(loaded.items()));
        double s = (System.nanoTime() - t0) / 1e9;
        if (idsOut != null) {
          AtomicFiles.write(idsOut, os -> {
            try (CsvWriter cw = CsvWriter.open(os, '\t')) {
              cw.row("item", "tokens");
              for (Map.Entry<String, int[]> e : a.ids().entrySet()) {
                cw.row(e.getKey(), m.config().format().format(e.getValue()));
              }
            }
          });
        }
        saveGrown(a.model(), w);
        w.printf(Locale.ROOT, "%d items requested, %d new, in %.3f s%n", a.ids().size(), a.added().size(), s);
        for (String id : a.added().subList(0, Math.min(3, a.added().size()))) {
          w.printf("  %s -> %s%n", id, a.model().tokens(id));
        }
        source.writeBack(loaded, a.model(), w, progress);
      }
      return 0;
    }

    /** Saves the grown model to --out, or in place of --model, with its report refreshed. */
    private void saveGrown(SemanticIdModel grown, PrintWriter w) throws IOException {
      SemanticIdStore.save(grown, SemanticIdReport.refreshed(SemanticIdStore.loadReport(model), grown),
          out != null ? out : model);
      if (out == null) {
        w.printf("updated the model in place: %s%n", model);
      }
    }

    /**
     * Assigns the rows of an .npy / .fvecs file read in blocks of {@link StreamedAssignment#BLOCK}: memory for one
     * block plus the model's few bytes per item, so files larger than the heap work; --ids-out is written as the
     * IDs are made (to a temporary file, moved into place at the end).
     */
    private StreamedAssignment.Result streamRows(SemanticIdModel m, MatrixStream in, List<String> itemIds,
        StreamedAssignment.Sink sink, TerminalProgress progress) throws IOException {
      try {
        return threads.run(() -> {
          try {
            return StreamedAssignment.run(m, in, itemIds, sink, progress);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
    }

    private Integer streamed(SemanticIdModel m, PrintWriter w) throws IOException {
      if (source.neo4j.writeBack != null) {
        throw CliSupport.usage(spec, "--write-back needs items read from Neo4j (--neo4j-uri)");
      }
      List<String> itemIds = source.ids == null ? null : ItemEmbeddings.readIds(source.ids);
      long t0 = System.nanoTime();
      StreamedAssignment.Result[] result = new StreamedAssignment.Result[1];
      try (TerminalProgress progress = TerminalProgress.create();
          MatrixStream in = MatrixStream.open(source.input)) {
        if (idsOut != null) {
          AtomicFiles.write(idsOut, os -> {
            try (CsvWriter cw = CsvWriter.open(os, '\t')) {
              cw.row("item", "tokens");
              result[0] = streamRows(m, in, itemIds, (item, id) -> cw.row(item, m.config().format().format(id)),
                  progress);
            }
          });
        } else {
          result[0] = streamRows(m, in, itemIds, (item, id) -> { }, progress);
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      StreamedAssignment.Result r = result[0];
      saveGrown(r.model(), w);
      w.printf(Locale.ROOT, "%d items streamed from %s in blocks of %d, %d new, in %.3f s (%.2f s per million)%n",
          r.rows(), source.input, StreamedAssignment.BLOCK, r.added(), s, r.rows() == 0 ? 0 : s * 1e6 / r.rows());
      return 0;
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Print the quality report of a model (recomputed on --input when given) and write it as JSON.")
  static final class Report implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--json", description = "Write the report as JSON here (top-level number rawCollisionRate).")
    Path json;

    @Option(names = "--input", description = "Embeddings of the model's items, to recompute the report.")
    Path input;

    @Option(names = "--ids", description = "Item ids for --input.")
    Path ids;

    @Option(names = "--sample", defaultValue = "1000", description = "Items sampled for neighbourhood "
        + "preservation (default: ${DEFAULT-VALUE}).")
    int sample;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    TextInputOptions text;

    @Override
    public Integer call() throws Exception {
      CliSupport.requireDistinct(spec, "--json", json, input, ids, model);
      SemanticIdModel m = SemanticIdStore.load(model);
      SemanticIdReport r;
      if (input != null) {
        ItemEmbeddings items = ItemEmbeddings.read(input, ids, text.layout(),
            note -> spec.commandLine().getErr().println("distok: reading " + note));
        for (String id : items.ids()) {
          if (!m.contains(id)) {
            throw new InvalidInputException(input + ": item '" + id + "' is not in the model; run semantic-ids "
                + "assign first");
          }
        }
        r = SemanticIdReport.of(m, items, sample, m.config().seed());
      } else {
        r = SemanticIdStore.loadReport(model);
        if (r == null) {
          throw new InvalidInputException(model + " has no saved report; pass --input with the item embeddings");
        }
      }
      spec.commandLine().getOut().print(r.toTable());
      if (json != null) {
        io.distok.util.io.JsonFiles.write(json, r.toMap());
      }
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Export the token vocabulary (vocabulary.txt, added_tokens.json for an LLM tokenizer) and the "
          + "item <-> ID maps (item2id.tsv, id2item.tsv).")
  static final class Export implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--out", required = true, description = "Directory to write the files into.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      SemanticIdModel m = SemanticIdStore.load(model);
      SemanticIdStore.export(m, out);
      List<String> vocab = m.vocabulary();
      spec.commandLine().getOut().printf("exported %d tokens and %d items to %s%s%n", vocab.size(), m.size(), out,
          vocab.isEmpty() ? " (plain IDs are text: no tokens to add)" : "");
      return 0;
    }
  }
}
