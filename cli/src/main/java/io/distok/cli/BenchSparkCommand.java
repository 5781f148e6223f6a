package io.distok.cli;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.sink.NodeTokenSink;
import io.distok.graph.source.TripleFiles;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SampledFit;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.testdata.SyntheticGraphs;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench spark}: the Spark jobs against the single-machine code on the same data in one run, wall
 * time of each (input read to output written), at several partition counts, with a check that both gave the same
 * tokens and IDs (an order-free digest over all nodes or items).
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = "Benchmark the Spark jobs against the single-machine code: graph tokens (--triples, or a "
        + "generated graph) and semantic IDs (--items, or a generated catalogue), wall time per partition count, "
        + "results checked equal.")
final class BenchSparkCommand implements Callable<Integer> {
  @Option(names = "--triples", description = "A triple file, e.g. ../shared/data/kg/FB15k-237/train.txt.gz.")
  Path triples;

  @Option(names = "--items", description = "Item embeddings (.npy, .fvecs, CSV), e.g. "
      + "../shared/data/vectors/amazon-beauty-s3rec-64d/Beauty_item_emb64.npy.")
  Path items;

  @Option(names = "--generated-graph", defaultValue = "0", description = "Also a generated graph of this many nodes "
      + "(written as a triple file under --work-dir).")
  int generatedNodes;

  @Option(names = "--generated-edges", defaultValue = "0", description = "Edges of the generated graph (default: "
      + "10 per node).")
  long generatedEdges;

  @Option(names = "--generated-items", defaultValue = "0", description = "Also a generated catalogue of this many "
      + "64-d items (written as .npy under --work-dir).")
  int generatedItems;

  @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--partitions", split = ",", defaultValue = "2,4,8", description = "Partition counts to time "
      + "(default: ${DEFAULT-VALUE}).")
  int[] partitions;

  @Option(names = "--fit-sample", defaultValue = "100000", description = "Semantic IDs: items fitted on (default: "
      + "${DEFAULT-VALUE}).")
  int fitSample;

  @Option(names = "--work-dir", defaultValue = "target/bench-spark", description = "Where outputs and generated "
      + "inputs go (default: ${DEFAULT-VALUE}).")
  Path workDir;

  @Option(names = "--json", description = "Write all figures as JSON here.")
  Path json;

  @Option(names = "--anchors", defaultValue = "0", description = "Graph tokens: anchors (default: the tokenizer's "
      + "rule, sqrt(nodes) in [32, 20000]); the other settings are the tokenizer's defaults.")
  int anchors;

  @Option(names = "--codebook-sizes", split = ",", defaultValue = "256,256,256", description = "Semantic IDs: codes "
      + "per level (default: ${DEFAULT-VALUE}); the other settings are the recipe's defaults.")
  int[] codebookSizes;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    SparkCommand.requireSpark(spec);
    if (triples == null && items == null && generatedNodes == 0 && generatedItems == 0) {
      throw CliSupport.usage(spec, "give --triples and/or --items (the shared data), or --generated-graph / "
          + "--generated-items");
    }
    for (Path p : new Path[] {triples, items}) {
      if (p != null && Files.notExists(p)) {
        throw new InvalidInputException(p + ": not found; the benchmark data lives in ../shared/data beside a "
            + "development checkout (see bench/DATA.md for where each set comes from)");
      }
    }
    Files.createDirectories(workDir);
    List<Map<String, Object>> rows = new ArrayList<>();
    w.printf(Locale.ROOT, "%-40s %10s %11s %6s %9s %7s %7s %9s %9s %s%n", "job", "rows", "one machine", "parts",
        "spark s", "x one", "tasks", "task s", "s/task", "same");
    NodePieceConfig graphConfig = CliSupport.options(spec, () -> NodePieceConfig.DEFAULT.withAnchors(anchors));
    SemanticIdConfig idConfig = CliSupport.options(spec, () -> SemanticIdConfig.DEFAULT
        .withCodebookSizes(codebookSizes));
    if (triples != null) {
      rows.addAll(graph(w, triples.getFileName().toString(), triples, graphConfig));
    }
    if (generatedNodes > 0) {
      long edges = generatedEdges > 0 ? generatedEdges : 10L * generatedNodes;
      Path f = workDir.resolve("generated-" + generatedNodes + "-" + edges + ".tsv");
      if (Files.notExists(f)) {
        writeGraph(f, generatedNodes, edges);
      }
      rows.addAll(graph(w, "generated " + generatedNodes + "/" + edges, f, graphConfig));
    }
    if (items != null) {
      rows.addAll(semanticIds(w, items.getFileName().toString(), items, null, idConfig));
    }
    if (generatedItems > 0) {
      Path f = workDir.resolve("generated-items-" + generatedItems + ".npy");
      if (Files.notExists(f)) {
        BenchGenerateCommand.write(f, generatedItems, 64, 1000, 0.3, 11, done -> { });
      }
      // Spark reads the same rows as a Parquet table, as a catalogue of this size would be given to it
      Path table = workDir.resolve("generated-items-" + generatedItems + ".parquet");
      if (Files.notExists(table)) {
        SparkJobs.writeItemTable(f, table.toString());
      }
      rows.addAll(semanticIds(w, "generated items " + generatedItems, f, table.toString(), idConfig));
    }
    w.printf(Locale.ROOT, "(wall s from input read to output written, one JVM; one machine = the single-machine code "
        + "on %d threads, spark = %s at each partition count; x one = spark / one machine; tasks and task s = "
        + "the tasks Spark ran and their summed executor run time (its task metrics), s/task their mean; same = an "
        + "order-free digest of every node's tokens or item's IDs agrees)%n",
        Runtime.getRuntime().availableProcessors(), master);
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("master", master);
      doc.put("cores", Runtime.getRuntime().availableProcessors());
      doc.put("rows", rows);
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  private void writeGraph(Path f, int nodes, long edges) throws IOException {
    AtomicFiles.write(f, os -> {
      BufferedWriter out = new BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
      IOException[] failed = new IOException[1];
      SyntheticGraphs.generate(nodes, edges, 50, 7, (h, r, t) -> {
        try {
          out.write("e" + h + "\tr" + r + "\te" + t + "\n");
        } catch (IOException e) {
          failed[0] = e;
        }
      });
      if (failed[0] != null) {
        throw failed[0];
      }
      out.flush();
    });
  }

  private List<Map<String, Object>> graph(PrintWriter w, String name, Path file, NodePieceConfig config)
      throws IOException {
    long t0 = System.nanoTime();
    CsrGraph g = TripleFiles.readTriples(file);
    NodeTokenization t = NodePieceTokenizer.tokenize(g, config, ProgressListener.NONE);
    NodeTokenSink.forFile(workDir.resolve("one-machine-tokens.jsonl")).write(t, ProgressListener.NONE);
    double one = (System.nanoTime() - t0) / 1e9;
    long digest = 0;
    for (int v = 0; v < g.nodeCount(); v++) {
      digest += SparkJobs.digest(g.nodeName(v), String.join(" ", t.tokens(v)));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int p : partitions) {
      SparkJobs.Timed r = SparkJobs.timedGraphTokens(master, p, file.toString(), config,
          workDir.resolve("spark-tokens").toString());
      rows.add(row(w, "graph tokens " + name, g.nodeCount(), one, p, r, digest));
    }
    return rows;
  }

  /** Semantic IDs of {@code file} on one machine and on Spark (from {@code table} when given, else the file). */
  private List<Map<String, Object>> semanticIds(PrintWriter w, String name, Path file, String table,
      SemanticIdConfig config) throws IOException {
    long t0 = System.nanoTime();
    ItemEmbeddings all = ItemEmbeddings.read(file, null);
    SemanticIdModel.Assignment a = SampledFit.fit(all, config, fitSample, ProgressListener.NONE);
    SemanticIdStore.save(a.model(), null, workDir.resolve("one-machine-ids"));
    double one = (System.nanoTime() - t0) / 1e9;
    long digest = 0;
    for (String id : all.ids()) {
      digest += SparkJobs.digest(id, a.model().tokens(id));
    }
    int n = all.size();
    // the single-machine catalogue and model are dropped before Spark runs in this heap
    all = null;
    a = null;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int p : partitions) {
      SparkJobs.Timed r = SparkJobs.timedSemanticIds(master, p, file, table, config, fitSample,
          workDir.resolve("spark-ids").toString());
      rows.add(row(w, "semantic IDs " + name, n, one, p, r, digest));
    }
    return rows;
  }

  private static Map<String, Object> row(PrintWriter w, String job, long n, double one, int p, SparkJobs.Timed r,
      long digest) {
    boolean same = r.digest() == digest;
    w.printf(Locale.ROOT, "%-40s %10d %11.2f %6d %9.2f %7.2f %7d %9.2f %9.4f %s%n", job, n, one, p, r.seconds(),
        r.seconds() / one, r.tasks(), r.taskSeconds(), r.taskSeconds() / Math.max(1, r.tasks()), same ? "yes" : "NO");
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("job", job);
    row.put("rows", n);
    row.put("one_machine_s", one);
    row.put("partitions", p);
    row.put("spark_s", r.seconds());
    row.put("tasks", r.tasks());
    row.put("task_s", r.taskSeconds());
    row.put("same_result", same);
    return row;
  }
}
