package io.distok.cli;

import io.distok.util.FloatMatrix;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.NodeText;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.prompt.RelationLabels;
import io.distok.graph.prompt.TiktokenCounter;
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
        + "and print their usage metrics, tokenize a generated knowledge graph and prompt an LLM with a node, "
        + "build semantic IDs for a generated catalogue, then index both in Lucene and search each way.")
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

  @Option(names = "--index-dir", defaultValue = "distok-demo-index", description = "Local directory for the demo's "
      + "Lucene indexes (items/ and nodes/; updated on every run; default: ${DEFAULT-VALUE}).")
  java.nio.file.Path indexDir;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws java.io.IOException {
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
    NodeTokenization tokens = graph(w);
    w.println();
    w.println("== semantic IDs: a generated catalogue of " + items + " items (32-d, 60 categories)");
    ItemEmbeddings catalogue = catalogue();
    SemanticIdModel model = semanticIds(w, catalogue);
    w.println();
    w.println("== token search with Lucene: the catalogue and the graph indexed in " + indexDir);
    search(w, catalogue, model, tokens);
    w.println();
    w.println("Next: ./distok graph tokenize --triples KG.tsv --out tokens.jsonl   |   ./distok semantic-ids fit --input "
        + "ITEMS.npy --out sid-model/   |   ./distok index items --model sid-model/ --input ITEMS.npy --index idx/   |"
        + "   ./distok search items --model sid-model/ --index idx/ --prefix '<a_12>'");
    return 0;
  }

  /** Anchor-relation tokens of a generated graph, and a prompt for one node within a budget. */
  private NodeTokenization graph(PrintWriter w) {
    CsrGraph g = SyntheticGraphs.csr(nodes, 5L * nodes, 12, seed);
    long t0 = System.nanoTime();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withK(8).withSeed(seed));
    w.printf(Locale.ROOT, "tokenized in %.2f s%n", (System.nanoTime() - t0) / 1e9);
    w.print(t.diagnosticsTable());
    String focal = g.nodeName(Math.min(42, g.nodeCount() - 1));
    w.println(focal + " -> " + String.join(" ", t.tokens(focal)));
    NodeText.Builder text = new NodeText.Builder();
    for (int v = 0; v < g.nodeCount(); v++) {
      text.name(v, SyntheticGraphs.displayName(g.nodeName(v))).attribute(v, "kind",
          SyntheticGraphs.kind(g.nodeName(v)));
    }
    GraphPrompter prompter = new GraphPrompter(g, t, text.build(), RelationLabels.readable(g));
    w.println("--- prompt for " + focal + " (triples with names, ranked by personalized PageRank, 1 hop, 160 "
        + "cl100k_base tokens)");
    w.print(prompter.prompt(focal, PromptEncoding.TRIPLES, new GraphPrompter.Options(1, 12, 160,
        TiktokenCounter.forName("cl100k_base").orElseThrow(), GraphPrompter.Ranking.PPR)));
    return t;
  }

  /** The generated catalogue: items sku-000000, ... around 60 category centres. */
  private ItemEmbeddings catalogue() {
    FloatMatrix emb = SyntheticData.gaussianClusters(items, 32, 60, 0.35, seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      ids.add(String.format(Locale.ROOT, "sku-%06d", i));
    }
    return new ItemEmbeddings(ids, emb);
  }

  /** The default semantic-ID recipe on the catalogue, with its quality report. */
  private SemanticIdModel semanticIds(PrintWriter w, ItemEmbeddings catalogue) {
    List<String> ids = catalogue.ids();
    long t0 = System.nanoTime();
    SemanticIdModel model = SemanticIdTrainer.fit(catalogue, SemanticIdConfig.DEFAULT.withSeed(seed));
    w.printf(Locale.ROOT, "fitted in %.2f s; %s -> %s, %s -> %s%n", (System.nanoTime() - t0) / 1e9, ids.get(0),
        model.tokens(ids.get(0)), ids.get(1), model.tokens(ids.get(1)));
    w.print(SemanticIdReport.of(model, catalogue, 500, seed).toTable());
    return model;
  }

  /** Indexes the catalogue (with a title and a price per item) and the graph's tokens, and searches each way. */
  private void search(PrintWriter w, ItemEmbeddings catalogue, SemanticIdModel model, NodeTokenization tokens)
      throws java.io.IOException {
    java.util.Map<String, java.util.Map<String, Object>> fields = new java.util.HashMap<>();
    String[] kinds = {"lipstick", "mascara", "serum", "shampoo", "perfume"};
    for (int i = 0; i < catalogue.size(); i++) {
      // row i belongs to category i mod 60 (the generator's layout): titles follow the categories
      fields.put(catalogue.ids().get(i), java.util.Map.of("title", kinds[(i % 60) % kinds.length] + " no " + i,
          "price", 5 + (i * 7919L % 9500) / 100.0));
    }
    java.nio.file.Path itemsDir = indexDir.resolve("items");
    long t0 = System.nanoTime();
    try (io.distok.lucene.index.ItemIndexWriter writer = io.distok.lucene.index.ItemIndexWriter.open(itemsDir, model,
        true, "the demo model")) {
      writer.put(catalogue, fields, "demo fields");
      writer.commit();
    }
    long n = new io.distok.lucene.index.NodeIndexWriter(indexDir.resolve("nodes"), 8).write(tokens,
        io.distok.util.ProgressListener.NONE);
    w.printf(Locale.ROOT, "indexed %d items and %d nodes in %.2f s%n", catalogue.size(), n,
        (System.nanoTime() - t0) / 1e9);
    String first = catalogue.ids().get(0);
    int[] id = model.codes(first);
    try (io.distok.lucene.search.ItemSearcher s = io.distok.lucene.search.ItemSearcher.open(itemsDir, model,
        "the demo model")) {
      String prefix = model.config().format().format(java.util.Arrays.copyOf(id, 2));
      print(w, "items under " + prefix + " whose title matches 'lipstick' and price < 50",
          s.underPrefix(prefix, 5, io.distok.lucene.search.QueryConstraints.of(s.schema(), "lipstick",
              List.of("price<50"))));
      print(w, "items related to " + first + " " + model.tokens(first) + " (shared prefix depth)",
          s.related(first, 5, null));
      int[] bad = id.clone();
      bad[bad.length - 1] = model.positionSizes()[bad.length - 1] + 3;
      String generated = "<sid>" + model.config().format().format(bad) + "</sid>";
      io.distok.lucene.search.ItemSearcher.Resolution r = s.resolve(generated, 3);
      print(w, "a generated ID " + generated + " resolved: " + (r.exact() ? "exact" : "longest valid prefix, "
          + r.matchedDepth() + " levels") + " (" + r.problem() + ")", r.items());
      float[] q = catalogue.vectors().rowCopy(5);
      q[0] += 0.05f;
      print(w, "nearest to a vector near sku-000005 (code-token candidates, exact rescoring)",
          s.nearest(q, 5, io.distok.lucene.search.ItemSearcher.DEFAULT_NEAREST_CODES,
              io.distok.lucene.search.ItemSearcher.DEFAULT_CANDIDATES, null));
    }
    try (io.distok.lucene.search.NodeSearcher s = io.distok.lucene.search.NodeSearcher.open(indexDir.resolve(
        "nodes"))) {
      String focal = tokens.graph().nodeName(Math.min(42, tokens.graph().nodeCount() - 1));
      w.println("-- nodes structurally similar to " + focal + " (shared hop-weighted anchors and relations)");
      for (var h : s.similar(focal, 5)) {
        w.printf(Locale.ROOT, "   %-12s %7.3f  anchors %s%n", h.node(), h.score(), h.anchors().stream().limit(3)
            .map(a -> a.anchor() + ":" + a.distance()).toList());
      }
    }
  }

  private static void print(PrintWriter w, String title, List<io.distok.lucene.search.ItemSearcher.Hit> hits) {
    w.println("-- " + title);
    for (var h : hits) {
      w.printf(Locale.ROOT, "   %-12s %-28s %.4f%n", h.id(), h.tokens(), h.score());
    }
    if (hits.isEmpty()) {
      w.println("   (none)");
    }
  }
}
