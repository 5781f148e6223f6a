package io.distok.cli;

import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.spark.DistokSpark;
import io.distok.spark.encode.SparkEncoder;
import io.distok.spark.graph.SparkGraph;
import io.distok.spark.graph.SparkGraphTokenizer;
import io.distok.spark.graph.SparkNodeTokenization;
import io.distok.spark.recsys.SparkItems;
import io.distok.spark.recsys.SparkSemanticIdResult;
import io.distok.spark.recsys.SparkSemanticIds;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The bodies of the {@code distok spark} commands: everything that touches Spark's classes, kept out of {@link
 * SparkCommand} so that picocli can describe the commands without Spark on the class path.
 */
final class SparkJobs {
  private SparkJobs() {}

  /** A job on a session that is stopped afterwards; an input error raised in a task is rethrown as itself. */
  @FunctionalInterface
  interface Job {
    void run(SparkSession spark, int partitions) throws IOException;
  }

  static int run(String master, int partitions, Map<String, String> conf, String app, Job job) throws IOException {
    SparkSession spark = DistokSpark.session(master, app, conf);
    try {
      int p = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
      job.run(spark, p);
      return 0;
    } catch (RuntimeException e) {
      InvalidInputException input = DistokSpark.inputError(e);
      if (input != null && input != e) {
        throw input;
      }
      throw e;
    } finally {
      spark.stop();
    }
  }

  static int semanticIds(PrintWriter w, String master, int partitions, Map<String, String> conf, String input,
      Path ids, String idColumn, String vectorColumn, int fitSample, String out, SparkCommand.ConfigForSize configs)
      throws IOException {
    return run(master, partitions, conf, "distok semantic-ids", (spark, p) -> {
      long t0 = System.nanoTime();
      JavaRDD<SparkSemanticIds.Item> items;
      if (isEmbeddingFile(input)) {
        ItemEmbeddings read = ItemEmbeddings.read(Path.of(input), ids);
        items = SparkItems.fromEmbeddings(JavaSparkContext.fromSparkContext(spark.sparkContext()), read, p);
      } else {
        items = SparkItems.fromTable(table(spark, input), idColumn, vectorColumn);
      }
      items = items.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      long n = items.count();
      if (n > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(input + ": " + n + " items; the level count is chosen for at most "
            + (Integer.MAX_VALUE - 8) + ", give --codebook-sizes");
      }
      SemanticIdConfig config = configs.config((int) n);
      try (TerminalProgress progress = TerminalProgress.create()) {
        SparkSemanticIdResult r = SparkSemanticIds.run(items, config, fitSample, p, progress);
        r.write(spark, out, fitSample);
        double s = (System.nanoTime() - t0) / 1e9;
        w.printf(Locale.ROOT, "semantic IDs for %d items in %.2f s on %s (%d partitions): fitted on %d items, "
            + "levels %d; wrote %s%n", r.items(), s, spark.sparkContext().master(), p, r.sampleModel().size(),
            r.sampleModel().config().levels(), out);
      }
    });
  }

  static int graphTokens(PrintWriter w, String master, int partitions, Map<String, String> conf, String input,
      boolean triples, NodePieceConfig config, String out) throws IOException {
    return run(master, partitions, conf, "distok graph-tokenize", (spark, p) -> {
      long t0 = System.nanoTime();
      SparkGraph g = SparkGraph.read(spark, input, triples, p);
      long t1 = System.nanoTime();
      long t2;
      SparkNodeTokenization t;
      try (TerminalProgress progress = TerminalProgress.create()) {
        t = SparkGraphTokenizer.tokenize(g, config, progress);
        t.write(spark, out);
        t2 = System.nanoTime();
      }
      w.printf(Locale.ROOT, "read %d nodes, %d edges, %d relations in %.2f s; tokenized (%d anchors, k %d, m %d) "
          + "and wrote %s in %.2f s on %s (%d partitions)%n", g.nodeCount(), g.edgeCount(), g.relationCount(),
          (t1 - t0) / 1e9, t.anchorNodes().length, t.k(), t.m(), out, (t2 - t1) / 1e9,
          spark.sparkContext().master(), p);
    });
  }

  static int encode(PrintWriter w, String master, int partitions, Map<String, String> conf, Path model,
      String input, String vectorColumn, boolean keepVectors, String out) throws IOException {
    return run(master, partitions, conf, "distok encode", (spark, p) -> {
      long t0 = System.nanoTime();
      Dataset<Row> encoded = SparkEncoder.encode(spark, table(spark, input), vectorColumn, model, keepVectors);
      SparkEncoder.write(spark, encoded, model, out);
      w.printf(Locale.ROOT, "encoded %s with %s in %.2f s on %s; wrote %s%n", input, model,
          (System.nanoTime() - t0) / 1e9, spark.sparkContext().master(), out);
    });
  }

  /**
   * A timed Spark run: wall seconds from input read to output written, the tasks it ran and their summed run time
   * on the executors (Spark's own task metrics), and the digest of its result.
   */
  record Timed(double seconds, long tasks, double taskSeconds, long digest) {}

  /** Counts the tasks of a session and sums their executor run time. */
  static final class TaskTimes extends org.apache.spark.scheduler.SparkListener {
    private final java.util.concurrent.atomic.AtomicLong tasks = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong runMs = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
      tasks.incrementAndGet();
      if (end.taskMetrics() != null) {
        runMs.addAndGet(end.taskMetrics().executorRunTime());
      }
    }

    long tasks() {
      return tasks.get();
    }

    double seconds() {
      return runMs.get() / 1e3;
    }
  }

  /**
   * One node's or item's share of an order-free digest of a job's result: the sum over all rows of a 64-bit hash
   * of (name, tokens), so that a distributed sum and a loop on one machine can be compared. O(length).
   */
  static long digest(String name, String tokens) {
    long h = 0xCBF29CE484222325L;
    for (byte b : (name + "\t" + tokens).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    return h ^ (h >>> 29);
  }

  static Timed timedGraphTokens(String master, int partitions, String input, NodePieceConfig config, String out)
      throws IOException {
    Timed[] result = new Timed[1];
    run(master, partitions, Map.of(), "distok bench spark", (spark, p) -> {
      TaskTimes times = new TaskTimes();
      spark.sparkContext().addSparkListener(times);
      long t0 = System.nanoTime();
      SparkGraph g = SparkGraph.read(spark, input, true, p);
      SparkNodeTokenization t = SparkGraphTokenizer.tokenize(g, config);
      // cached, so that the digest below reads what was written instead of tokenizing again
      t.nodes().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      t.write(spark, out);
      double s = (System.nanoTime() - t0) / 1e9;
      long tasks = times.tasks();
      double taskSeconds = times.seconds();
      var vocab = t.vocabulary();
      int k = t.k();
      int m = t.m();
      long digest = t.nodes().map(n -> digest(n.name(), String.join(" ", n.tokens(vocab, k, m))))
          .fold(0L, Long::sum);
      result[0] = new Timed(s, tasks, taskSeconds, digest);
    });
    return result[0];
  }

  /**
   * Writes an embedding file as a Parquet table (columns {@code id}: the row number, {@code embedding}) in blocks
   * of a million rows, so that the file never sits whole in the heap twice. O(n d).
   */
  static void writeItemTable(Path npy, String table) throws IOException {
    run("local[2]", 2, Map.of(), "distok bench spark", (spark, p) -> {
      try (io.distok.quant.io.MatrixStream in = io.distok.quant.io.MatrixStream.open(npy)) {
        int d = in.cols();
        int block = 1 << 20;
        float[] buf = new float[block * d];
        long done = 0;
        int got;
        var schema = new org.apache.spark.sql.types.StructType().add("id", "string").add("embedding",
            "array<float>");
        while ((got = in.read(buf, block)) > 0) {
          java.util.List<Row> rows = new java.util.ArrayList<>(got);
          for (int i = 0; i < got; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(Long.toString(done + i),
                java.util.Arrays.copyOfRange(buf, i * d, (i + 1) * d)));
          }
          spark.createDataFrame(rows, schema).write().mode(done == 0 ? "overwrite" : "append").parquet(table);
          done += got;
        }
      }
    });
  }

  static Timed timedSemanticIds(String master, int partitions, Path input, String table, SemanticIdConfig config,
      int fitSample, String out) throws IOException {
    Timed[] result = new Timed[1];
    run(master, partitions, Map.of(), "distok bench spark", (spark, p) -> {
      TaskTimes times = new TaskTimes();
      spark.sparkContext().addSparkListener(times);
      long t0 = System.nanoTime();
      JavaRDD<SparkSemanticIds.Item> items = table != null
          ? SparkItems.fromTable(spark.read().parquet(table), "id", "embedding")
          : SparkItems.fromEmbeddings(JavaSparkContext.fromSparkContext(spark.sparkContext()),
              ItemEmbeddings.read(input, null), p);
      SparkSemanticIdResult r = SparkSemanticIds.run(items, config, fitSample, p, ProgressListener.NONE);
      r.ids().persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
      r.write(spark, out, fitSample);
      double s = (System.nanoTime() - t0) / 1e9;
      long tasks = times.tasks();
      double taskSeconds = times.seconds();
      var format = r.sampleModel().config().format();
      long digest = r.ids().map(i -> digest(i.id(), format.format(i.fin()))).fold(0L, Long::sum);
      result[0] = new Timed(s, tasks, taskSeconds, digest);
    });
    return result[0];
  }

  private static boolean isEmbeddingFile(String input) {
    String name = input.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "");
    return name.endsWith(".npy") || name.endsWith(".fvecs") || name.endsWith(".csv") || name.endsWith(".tsv");
  }

  /** A Parquet or ORC table by its name (ORC for {@code .orc}, Parquet otherwise). */
  private static Dataset<Row> table(SparkSession spark, String input) {
    return input.toLowerCase(Locale.ROOT).endsWith(".orc") ? spark.read().orc(input) : spark.read().parquet(input);
  }
}
