package io.distok.cli;

import io.distok.util.FloatMatrix;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.testdata.SyntheticData;
import io.distok.testdata.SyntheticGraphs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok demo}: the main job on embedded, generated data; no server, no download. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run distok end to end on generated data: quantize a clustered vector set with VQ, RQ and PQ "
        + "and print their usage metrics, tokenize a generated knowledge graph and prompt an LLM with a node, then "
        + "build semantic IDs for a generated catalogue.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "20000", description = "Generated vectors (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--dim", defaultValue = "32", description = "Dimension (default: ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--nodes", defaultValue = "20000", description = "Nodes of the generated knowledge graph "
      + "(default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--items", defaultValue = "10000", description = "Generated catalogue items for the semantic-ID "
      + "part (default: ${DEFAULT-VALUE}).")
  int items;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    FloatMatrix x = SyntheticData.gaussianClusters(rows, dim, 100, 0.25, seed);
    w.printf(Locale.ROOT, "== quantization: %d generated vectors, %d-d, 100 Gaussian clusters (kernel: %s)%n",
        rows, dim, DistanceKernels.get().name());
    List<MethodRun> runs = new ArrayList<>();
    int m = dim % 8 == 0 ? 8 : 1;
    try (TerminalProgress progress = TerminalProgress.create()) {
      runs.add(MethodRun.measure("VQ K=256", VectorQuantizer.trainer(KMeansParams.of(256)), x, seed, 1, progress));
      runs.add(MethodRun.measure("RQ 3x256 beam 1", ResidualQuantizer.trainer(ResidualQuantizerParams.of(3, 256)),
          x, seed, 1, progress));
      runs.add(MethodRun.measure("PQ " + m + "x256", ProductQuantizer.trainer(m, KMeansParams.of(256)), x, seed, 1,
          progress));
    }
    MethodRun.printTable(w, runs);
    w.println();
    w.println("== graph tokenization: a knowledge graph of " + nodes + " nodes, 5 edges each, 12 relations, in memory");
    graph(w);
    w.println();
    w.println("== semantic IDs: a generated catalogue of " + items + " items (32-d, 60 categories)");
    semanticIds(w);
    w.println();
    w.println("Next: ./distok graph tokenize --triples KG.tsv --out tokens.jsonl   |   ./distok semantic-ids fit --input "
        + "ITEMS.npy --out sid-model/   |   ./distok quantize fit --method rq --input X.npy --out model/");
    return 0;
  }

  /** Anchor-relation tokens of a generated graph, and a prompt for one node within a budget. */
  private void graph(PrintWriter w) {
    CsrGraph g = SyntheticGraphs.csr(nodes, 5L * nodes, 12, seed);
    long t0 = System.nanoTime();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withK(8).withSeed(seed));
    w.printf(Locale.ROOT, "tokenized in %.2f s%n", (System.nanoTime() - t0) / 1e9);
    w.print(t.diagnosticsTable());
    String focal = g.nodeName(Math.min(42, g.nodeCount() - 1));
    w.println(focal + " -> " + String.join(" ", t.tokens(focal)));
    w.println("--- prompt for " + focal + " (incident-edge encoding, 1 hop, 600 characters)");
    w.print(new GraphPrompter(g, t).prompt(focal, PromptEncoding.INCIDENT, new GraphPrompter.Options(1, 12, 600)));
  }

  /** The default semantic-ID recipe on a generated catalogue, with its quality report. */
  private void semanticIds(PrintWriter w) {
    FloatMatrix emb = SyntheticData.gaussianClusters(items, 32, 60, 0.35, seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      ids.add(String.format(Locale.ROOT, "sku-%06d", i));
    }
    ItemEmbeddings catalogue = new ItemEmbeddings(ids, emb);
    long t0 = System.nanoTime();
    SemanticIdModel model = SemanticIdTrainer.fit(catalogue, SemanticIdConfig.DEFAULT.withSeed(seed));
    w.printf(Locale.ROOT, "fitted in %.2f s; %s -> %s, %s -> %s%n", (System.nanoTime() - t0) / 1e9, ids.get(0),
        model.tokens(ids.get(0)), ids.get(1), model.tokens(ids.get(1)));
    w.print(SemanticIdReport.of(model, catalogue, 500, seed).toTable());
  }
}
