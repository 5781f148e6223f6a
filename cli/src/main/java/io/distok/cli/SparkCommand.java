package io.distok.cli;

import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.recsys.SemanticIdConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok spark}: the semantic-ID, graph-token and encoding jobs on Apache Spark, on a cluster or in
 * {@code local[*]} mode, with the single-machine results. Spark is not in the command-line tool's own jars: the
 * {@code distok} launcher adds {@code spark/target/spark-lib} for these commands, and {@code spark-submit} brings
 * its cluster's. The Spark classes are touched only inside {@code call()}, so the rest of the tool runs without
 * them.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = "Run distok's jobs on Apache Spark (a cluster, or local[*] on this machine), with the results of "
        + "the single-machine commands.",
    subcommands = {SparkCommand.SemanticIds.class, SparkCommand.GraphTokenize.class, SparkCommand.Encode.class})
final class SparkCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where and how the job runs. */
  static final class SparkOptions {
    @Option(names = "--master", description = "Spark master: local[*], local[N], spark://HOST:PORT, yarn, k8s://... "
        + "(default: the one spark-submit gives, else local[*]).")
    String master;

    @Option(names = "--partitions", defaultValue = "0", description = "Partitions of the distributed steps "
        + "(default: Spark's default parallelism).")
    int partitions;

    @Option(names = "--conf", description = "A Spark setting KEY=VALUE, e.g. --conf spark.executor.memory=4g "
        + "(repeatable).")
    Map<String, String> conf = new LinkedHashMap<>();

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** The master to ask for, or null for the one spark-submit set. */
    String masterOrDefault() {
      if (master != null) {
        return master;
      }
      return System.getProperty("spark.master") != null ? null : "local[*]";
    }

    void check() {
      if (partitions < 0) {
        throw CliSupport.usage(spec, "--partitions must be >= 0, got " + partitions);
      }
      requireSpark(spec);
    }
  }

  /** Refuses to go on, in words, when Spark's classes are not on the class path. */
  static void requireSpark(picocli.CommandLine.Model.CommandSpec spec) {
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, SparkCommand.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw CliSupport.usage(spec, "Apache Spark is not on the class path: run `distok spark ...` through the "
          + "distok launcher (it adds spark/target/spark-lib), or submit the tool with spark-submit");
    }
  }

  /** A path that is local (no URI scheme) must exist; remote ones are Spark's to find. */
  static void requireLocalInput(String path) throws IOException {
    if (!path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") && Files.notExists(Path.of(path))) {
      throw new NoSuchFileException(path);
    }
  }

  @Command(name = "semantic-ids", mixinStandardHelpOptions = true,
      description = "Semantic IDs for a catalogue: fit on a sample on the driver, encode every item on the "
          + "executors, resolve collisions per code prefix; the IDs of `distok semantic-ids fit --fit-sample N`. "
          + "Writes OUT/ids (Parquet: item, raw_codes, codes, tokens), OUT/model and OUT/manifest.json.")
  static final class SemanticIds implements Callable<Integer> {
    @Option(names = "--input", required = true, description = "Items: a Parquet or ORC table (any path Spark reads) "
        + "with an id and an embedding column, or a local .npy / .fvecs / CSV file read on the driver.")
    String input;

    @Option(names = "--ids", description = "Item ids, one per line, for an .npy / .fvecs input (default: row "
        + "numbers).")
    Path ids;

    @Option(names = "--id-column", defaultValue = "id", description = "Id column of a table (default: "
        + "${DEFAULT-VALUE}).")
    String idColumn;

    @Option(names = "--vector-column", defaultValue = "embedding", description = "Embedding column of a table, "
        + "array of float or double (default: ${DEFAULT-VALUE}).")
    String vectorColumn;

    @Option(names = "--fit-sample", defaultValue = "100000", description = "Items the model is fitted on, chosen "
        + "by a seeded hash of their ids (default: ${DEFAULT-VALUE}).")
    int fitSample;

    @Option(names = "--out", required = true, description = "Output folder.")
    String out;

    @Mixin
    SparkOptions spark;

    @Mixin
    SemanticIdsCommand.SemanticIdOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      spark.check();
      options.config(1_000);
      if (fitSample < 1) {
        throw CliSupport.usage(spec, "--fit-sample must be >= 1, got " + fitSample);
      }
      requireLocalInput(input);
      PrintWriter w = spec.commandLine().getOut();
      return SparkJobs.semanticIds(w, spark.masterOrDefault(), spark.partitions, spark.conf, input, ids, idColumn,
          vectorColumn, fitSample, out, options::config);
    }
  }

  @Command(name = "graph-tokenize", mixinStandardHelpOptions = true,
      description = "Anchor-relation tokens of every node of a triple file: anchors chosen on the driver, the "
          + "k-label BFS as iterated joins, relation context by aggregate; the tokens of `distok graph tokenize`. "
          + "Writes OUT/tokens (Parquet: node, id, tokens, anchors, distances, relations), OUT/vocabulary.txt and "
          + "OUT/manifest.json.")
  static final class GraphTokenize implements Callable<Integer> {
    @Option(names = "--triples", description = "Triple file head<TAB>relation<TAB>tail (any path Spark reads; "
        + ".gz by name), as `distok graph tokenize --triples` reads it.")
    String triples;

    @Option(names = "--edges", description = "Edge list u<TAB>v (relation 'edge'), as `distok graph tokenize "
        + "--edges` reads it.")
    String edges;

    @Option(names = "--out", required = true, description = "Output folder.")
    String out;

    @Mixin
    SparkOptions spark;

    @Mixin
    GraphCommand.TokenizerOptions options;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      spark.check();
      NodePieceConfig config = options.config();
      if ((triples == null) == (edges == null)) {
        throw CliSupport.usage(spec, "give the graph as one of --triples FILE or --edges FILE");
      }
      String input = triples != null ? triples : edges;
      requireLocalInput(input);
      PrintWriter w = spec.commandLine().getOut();
      return SparkJobs.graphTokens(w, spark.masterOrDefault(), spark.partitions, spark.conf, input, triples != null,
          config, out);
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Apply a saved quantizer (`distok quantize fit`) to a vector column of a Parquet or ORC table. "
          + "Writes OUT/codes (the table's columns plus codes and packed_codes) and OUT/manifest.json.")
  static final class Encode implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model folder.")
    Path model;

    @Option(names = "--input", required = true, description = "A Parquet or ORC table (any path Spark reads).")
    String input;

    @Option(names = "--vector-column", defaultValue = "embedding", description = "Vector column, array of float or "
        + "double (default: ${DEFAULT-VALUE}).")
    String vectorColumn;

    @Option(names = "--keep-vectors", description = "Keep the vector column in the output.")
    boolean keepVectors;

    @Option(names = "--out", required = true, description = "Output folder.")
    String out;

    @Mixin
    SparkOptions spark;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      spark.check();
      requireLocalInput(input);
      if (Files.notExists(model)) {
        throw new NoSuchFileException(model.toString());
      }
      PrintWriter w = spec.commandLine().getOut();
      return SparkJobs.encode(w, spark.masterOrDefault(), spark.partitions, spark.conf, model, input, vectorColumn,
          keepVectors, out);
    }
  }

  /** The configuration for a catalogue of n items. */
  @FunctionalInterface
  interface ConfigForSize {
    SemanticIdConfig config(int items);
  }
}
