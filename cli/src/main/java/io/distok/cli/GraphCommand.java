package io.distok.cli;

import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.csr.CsrGraph;
import io.distok.source.neo4j.Neo4jConnection;
import io.distok.graph.neo4j.Neo4jGraphReader;
import io.distok.graph.sink.Neo4jTokenSink;
import io.distok.graph.sink.NodeTokenSink;
import io.distok.graph.nodepiece.AnchorTieBreak;
import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.nodepiece.RelationContext;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.neo4j.driver.Driver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok graph tokenize|prompt|stats}. */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "Anchor-relation (NodePiece-style) tokenization of graph nodes and graph-to-LLM prompts; graphs "
        + "from triple files, edge lists or Neo4j.",
    subcommands = {GraphCommand.Tokenize.class, GraphCommand.Prompt.class, GraphCommand.Stats.class})
public final class GraphCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the graph comes from. */
  static final class Source {
    @Option(names = "--triples", split = ",", description = "Triple files head<TAB>relation<TAB>tail (gzip, CRLF ok);"
        + " several files (e.g. train,valid) are merged.")
    List<Path> triples;

    @Option(names = "--edges", description = "Edge list u<TAB>v.")
    Path edges;

    @Mixin
    Neo4jConnectionOptions server;

    @Option(names = "--label", description = "Only nodes with this label (Neo4j).")
    String label;

    @Option(names = "--id-property", defaultValue = "id", description = "Node property naming nodes; 'elementId' "
        + "uses element ids (Neo4j; default: ${DEFAULT-VALUE}).")
    String idProperty;

    @Option(names = "--batch-size", defaultValue = "10000", description = "Records per fetch or write transaction "
        + "(Neo4j; default: ${DEFAULT-VALUE}).")
    int batchSize;

    Driver driver;

    /** Database keys of the nodes when read from Neo4j (node v has key keys.get(v)), else null. */
    List<Object> keys;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    /** The input files, for output-path checks. */
    Path[] inputs() {
      List<Path> in = new ArrayList<>();
      if (triples != null) {
        in.addAll(triples);
      }
      if (edges != null) {
        in.add(edges);
      }
      return in.toArray(Path[]::new);
    }

    Neo4jConnection connection() {
      return server.connection();
    }

    String idPropertyOrNull() {
      return "elementId".equals(idProperty) ? null : idProperty;
    }

    CsrGraph load(TerminalProgress progress) throws Exception {
      if (batchSize < 1) {
        throw CliSupport.usage(spec, "--batch-size must be >= 1, got " + batchSize);
      }
      int given = (triples != null ? 1 : 0) + (edges != null ? 1 : 0) + (server.enabled() ? 1 : 0);
      if (given != 1) {
        throw CliSupport.usage(spec, "give exactly one graph source: --triples FILE, --edges FILE or --neo4j-uri");
      }
      if (triples != null) {
        CsrGraph.Builder b = new CsrGraph.Builder();
        for (Path p : triples) {
          TripleFiles.readInto(p, true, b);
        }
        if (b.nodeCount() == 0) {
          throw new InvalidInputException(triples + ": empty graph (no edges)");
        }
        return b.build();
      }
      if (edges != null) {
        return TripleFiles.readEdgeList(edges);
      }
      driver = connection().open();
      Neo4jGraphReader.Neo4jGraph read = new Neo4jGraphReader(connection(), driver).read(label, idPropertyOrNull(),
          batchSize, progress);
      keys = read.keys();
      return read.graph();
    }

    void close() {
      if (driver != null) {
        driver.close();
      }
    }
  }

  /** Tokenization parameters, named as NodePiece names them. */
  static final class TokenizerOptions {
    @Option(names = "--anchors", defaultValue = "0", description = "Anchor count (default: sqrt(nodes) bounded to "
        + "[32, 20000]).")
    int anchors;

    @Option(names = "--strategy", defaultValue = "mixed", description = "Anchor selection: ${COMPLETION-CANDIDATES};"
        + " mixed = 40%% degree, 40%% PageRank, 20%% random (default: ${DEFAULT-VALUE}).")
    AnchorStrategy strategy;

    @Option(names = "--k", defaultValue = "20", description = "Nearest anchors per node (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--m", defaultValue = "-1", description = "Relation tokens per node; -1 = automatic "
        + "(default: automatic).")
    int m;

    @Option(names = "--m-percentile", defaultValue = "50", description = "Automatic m: this percentile of distinct"
        + " relations per node (default: ${DEFAULT-VALUE}).")
    double mPercentile;

    @Option(names = "--relations", defaultValue = "frequent", description = "Relation context: "
        + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    RelationContext.Selection relations;

    @Option(names = "--max-hops", defaultValue = "50", description = "BFS hop limit (default: ${DEFAULT-VALUE}).")
    int maxHops;

    @Option(names = "--directed", description = "Follow edge directions (default: undirected).")
    boolean directed;

    @Option(names = "--tie-break", defaultValue = "node", description = "Among equidistant anchors a node keeps: "
        + "${COMPLETION-CANDIDATES}; rank = the best-ranked (the same for every node), node = a seeded order of each"
        + " node's own, which gives neighbours distinct token sets more often (default: ${DEFAULT-VALUE}).")
    AnchorTieBreak tieBreak;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec(Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    NodePieceConfig config() {
      return CliSupport.options(spec, () -> new NodePieceConfig(anchors, strategy, k, m, mPercentile, relations,
          maxHops, directed, seed, tieBreak));
    }
  }

  @Command(name = "tokenize", mixinStandardHelpOptions = true,
      description = "Tokenize every node: k nearest anchors with hop distances plus m relation types; writes one "
          + "JSON object per node (.jsonl) or node<TAB>tokens (.tsv).")
  static final class Tokenize implements Callable<Integer> {
    @Mixin
    Source source;

    @Mixin
    TokenizerOptions options;

    @Option(names = "--out", description = "Output file: .jsonl or .tsv (gzip not supported). Required unless "
        + "--diagnostics-only or --write-back is given.")
    Path out;

    @Option(names = "--diagnostics-only", description = "Write no token file; only print the diagnostics.")
    boolean diagnosticsOnly;

    @Option(names = "--vocab-out", description = "Save the vocabulary and anchor labels here, for tokenizing unseen "
        + "nodes later.")
    Path vocabOut;

    @Option(names = "--write-back", description = "Write each node's tokens to this Neo4j node property.")
    String writeBack;

    @Mixin
    QuantizeCommand.ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      NodePieceConfig config = options.config();
      if (writeBack != null && !source.server.enabled()) {
        throw CliSupport.usage(spec, "--write-back needs a Neo4j source (--neo4j-uri)");
      }
      if (writeBack != null && source.label == null) {
        throw CliSupport.usage(spec, "--write-back needs --label (the nodes to write to)");
      }
      if (out == null && vocabOut == null && writeBack == null && !diagnosticsOnly) {
        throw CliSupport.usage(spec, "say where the tokens go: --out FILE.jsonl|FILE.tsv, --vocab-out DIR or "
            + "--write-back PROPERTY (or --diagnostics-only to print diagnostics alone)");
      }
      if (diagnosticsOnly && (out != null || vocabOut != null || writeBack != null)) {
        throw CliSupport.usage(spec, "--diagnostics-only writes nothing; drop --out, --vocab-out and --write-back");
      }
      NodeTokenSink fileSink;
      try {
        fileSink = out == null ? null : NodeTokenSink.forFile(out);
      } catch (io.distok.util.InvalidInputException e) {
        throw CliSupport.usage(spec, "--out " + e.getMessage());
      }
      CliSupport.requireDistinct(spec, "--out", out, source.inputs());
      CliSupport.requireDistinct(spec, "--vocab-out", vocabOut, source.inputs());
      try (TerminalProgress progress = TerminalProgress.create()) {
        long t0 = System.nanoTime();
        CsrGraph g = source.load(progress);
        long t1 = System.nanoTime();
        NodeTokenization t = threads.run(() -> NodePieceTokenizer.tokenize(g, config, progress));
        long t2 = System.nanoTime();
        w.printf(Locale.ROOT, "loaded %s in %.2f s; tokenized in %.2f s%n", g.describe(), (t1 - t0) / 1e9,
            (t2 - t1) / 1e9);
        w.print(t.diagnosticsTable());
        if (fileSink != null) {
          fileSink.write(t, progress);
          w.println("wrote " + out);
        }
        if (vocabOut != null) {
          InductiveTokenizer.of(t).save(vocabOut);
          w.println("saved vocabulary to " + vocabOut);
        }
        if (writeBack != null) {
          long n = new Neo4jTokenSink(source.connection(), source.driver, source.label, source.idPropertyOrNull(),
              writeBack, source.keys, source.batchSize).write(t, progress);
          w.printf("wrote tokens of %d nodes to :%s.%s%n", n, source.label, writeBack);
        }
      } finally {
        source.close();
      }
      return 0;
    }
  }

  /** Prompt encodings on the command line: one of the library's, or all of them. */
  enum EncodingChoice {
    TRIPLES, INCIDENT, TOKENS, ALL;

    List<PromptEncoding> encodings() {
      return this == ALL ? Arrays.asList(PromptEncoding.values()) : List.of(PromptEncoding.valueOf(name()));
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Command(name = "prompt", mixinStandardHelpOptions = true,
      description = "Print a prompt describing a node and the subgraph around it (triples, incident lists or "
          + "anchor-relation tokens) within a size budget.")
  static final class Prompt implements Callable<Integer> {
    @Mixin
    Source source;

    @Mixin
    TokenizerOptions options;

    @Option(names = "--node", required = true, description = "The focal node.")
    String node;

    @Option(names = "--encoding", defaultValue = "triples", description = "${COMPLETION-CANDIDATES} (default: "
        + "${DEFAULT-VALUE}).")
    EncodingChoice encoding;

    @Option(names = "--radius", defaultValue = "1", description = "Hops around the node (default: ${DEFAULT-VALUE}).")
    int radius;

    @Option(names = "--max-nodes", defaultValue = "50", description = "Subgraph node cap (default: "
        + "${DEFAULT-VALUE}).")
    int maxNodes;

    @Option(names = "--budget-chars", defaultValue = "0", description = "Maximum prompt length in characters, a hard "
        + "limit (default: 0 = none).")
    int budgetChars;

    @Option(names = "--budget-tokens", defaultValue = "0", description = "Maximum prompt length in approximate "
        + "tokens (4 characters each; default: 0 = none).")
    int budgetTokens;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      List<PromptEncoding> encodings = encoding.encodings();
      if (budgetChars < 0 || budgetTokens < 0) {
        throw CliSupport.usage(spec, "a budget must be >= 0 (0 = none), got " + (budgetChars < 0 ? "--budget-chars "
            + budgetChars : "--budget-tokens " + budgetTokens));
      }
      if (budgetChars > 0 && budgetTokens > 0) {
        throw CliSupport.usage(spec, "give --budget-chars or --budget-tokens, not both");
      }
      int budget = budgetChars > 0 ? budgetChars
          : (int) Math.min(Integer.MAX_VALUE, (long) budgetTokens * GraphPrompter.CHARS_PER_TOKEN);
      GraphPrompter.Options promptOptions = CliSupport.options(spec, () -> new GraphPrompter.Options(radius, maxNodes,
          budget));
      try (TerminalProgress progress = TerminalProgress.create()) {
        CsrGraph g = source.load(progress);
        g.node(node);
        NodeTokenization t = encodings.contains(PromptEncoding.TOKENS)
            ? NodePieceTokenizer.tokenize(g, options.config(), progress) : null;
        GraphPrompter p = new GraphPrompter(g, t);
        for (PromptEncoding e : encodings) {
          if (encodings.size() > 1) {
            w.println("--- " + e.name().toLowerCase(Locale.ROOT));
          }
          w.print(p.prompt(node, e, promptOptions));
        }
      } finally {
        source.close();
      }
      return 0;
    }
  }

  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Print graph statistics that guide tokenization settings (degrees, relations per node).")
  static final class Stats implements Callable<Integer> {
    @Mixin
    Source source;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      try (TerminalProgress progress = TerminalProgress.create()) {
        CsrGraph g = source.load(progress);
        int n = g.nodeCount();
        int[] deg = new int[n];
        int isolated = 0;
        long selfLoops = 0;
        for (int v = 0; v < n; v++) {
          deg[v] = g.degree(v);
          isolated += deg[v] == 0 ? 1 : 0;
          for (int e = g.outStart(v); e < g.outEnd(v); e++) {
            selfLoops += g.outTarget(e) == v ? 1 : 0;
          }
        }
        Arrays.sort(deg);
        long[] relCount = new long[g.relationCount()];
        for (int v = 0; v < n; v++) {
          for (int e = g.outStart(v); e < g.outEnd(v); e++) {
            relCount[g.outRelation(e)]++;
          }
        }
        w.printf(Locale.ROOT, "%s%n", g.describe());
        w.printf(Locale.ROOT, "degree (in + out): min %d, median %d, 90th percentile %d, max %d, mean %.2f%n",
            deg[0], deg[n / 2], deg[Math.min(n - 1, (int) (n * 0.9))], deg[n - 1], 2.0 * g.edgeCount() / n);
        w.printf(Locale.ROOT, "isolated nodes %d, self-loops %d%n", isolated, selfLoops);
        w.printf(Locale.ROOT, "distinct relation tokens per node (r and r^-1 apart): median %d, 90th percentile %d"
            + " (automatic m uses the median)%n", RelationContext.automaticM(g, 50), RelationContext.automaticM(g,
            90));
        w.printf(Locale.ROOT, "default anchor count %d%n", AnchorStrategy.defaultCount(n));
        Integer[] order = new Integer[relCount.length];
        for (int i = 0; i < order.length; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(relCount[b], relCount[a]));
        w.println("most frequent relations:");
        for (int i = 0; i < Math.min(10, order.length); i++) {
          w.printf(Locale.ROOT, "  %-40s %d%n", g.relationName(order[i]), relCount[order[i]]);
        }
      } finally {
        source.close();
      }
      return 0;
    }
  }
}
