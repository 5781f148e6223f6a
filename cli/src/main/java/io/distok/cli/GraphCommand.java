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
import io.distok.graph.prompt.NodeText;
import io.distok.graph.prompt.PromptBatch;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.prompt.PromptTemplate;
import io.distok.graph.prompt.RelationLabels;
import io.distok.graph.prompt.TokenCounter;
import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    TRIPLES, INCIDENT, TOKENS, JSON, ALL;

    List<PromptEncoding> encodings() {
      return this == ALL ? Arrays.asList(PromptEncoding.values()) : List.of(PromptEncoding.valueOf(name()));
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Neighbourhood rankings on the command line. */
  enum RankingChoice {
    PPR, HOPS;

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @Command(name = "prompt", mixinStandardHelpOptions = true,
      description = {"Write prompts describing nodes and the subgraphs around them (triples, incident lists, "
          + "anchor-relation tokens or JSON) within a token budget: one node to the terminal, or a batch "
          + "(--nodes FILE or --all) to a JSONL file, one record per node.",
          "Neighbourhoods are ranked by personalized PageRank from the node; budgets are counted by a real "
          + "tokenizer when --tokenizer is given (an OpenAI encoding such as cl100k_base or o200k_base, or a "
          + "HuggingFace tokenizer.json), else estimated as 4 characters per token."})
  static final class Prompt implements Callable<Integer> {
    @Mixin
    Source source;

    @Mixin
    TokenizerOptions options;

    @Option(names = "--node", description = "One focal node; its prompt is printed.")
    String node;

    @Option(names = "--nodes", description = "Batch mode: a file of focal node ids, one per line.")
    Path nodes;

    @Option(names = "--all", description = "Batch mode: every node of the graph, in the graph's order.")
    boolean all;

    @Option(names = "--out", description = "Batch mode: the JSONL file to write (node, prompt, label, count, "
        + "edges_kept, edges_total).")
    Path out;

    @Option(names = "--labels", description = "Batch mode: node<TAB>label lines (e.g. Cora's labels.tsv; -1 = "
        + "none) whose label goes into each record.")
    Path labels;

    @Option(names = "--template", description = "Instruction template with {node}, {graph} and {question}; the "
        + "budget covers the whole filled-in text.")
    Path template;

    @Option(names = "--question", defaultValue = "", description = "What {question} becomes in the template.")
    String question;

    @Option(names = "--encoding", defaultValue = "triples", description = "${COMPLETION-CANDIDATES} (default: "
        + "${DEFAULT-VALUE}; all only for one --node).")
    EncodingChoice encoding;

    @Option(names = "--ranking", defaultValue = "ppr", description = "Neighbourhood ranking for the budget: "
        + "${COMPLETION-CANDIDATES}; ppr = personalized PageRank from the node, hop distance breaking ties "
        + "(default: ${DEFAULT-VALUE}).")
    RankingChoice ranking;

    @Option(names = "--radius", defaultValue = "1", description = "Hops around the node (default: ${DEFAULT-VALUE}).")
    int radius;

    @Option(names = "--max-nodes", defaultValue = "50", description = "Subgraph node cap (default: "
        + "${DEFAULT-VALUE}).")
    int maxNodes;

    @Option(names = "--budget-chars", defaultValue = "0", description = "Maximum prompt length in characters, a hard "
        + "limit (default: 0 = none).")
    int budgetChars;

    @Option(names = "--budget-tokens", defaultValue = "0", description = "Maximum prompt length in tokens of "
        + "--tokenizer, a hard limit (without --tokenizer: 4 characters per token; default: 0 = none).")
    int budgetTokens;

    @Option(names = "--tokenizer", description = "Counts tokens for --budget-tokens: an OpenAI encoding "
        + "(cl100k_base, o200k_base, p50k_base, r50k_base) or a HuggingFace tokenizer.json (or its folder).")
    String tokenizer;

    @Option(names = "--node-names", description = "id<TAB>name[<TAB>description] lines; prompts show name [id].")
    Path nodeNames;

    @Option(names = "--relation-labels", description = "relation<TAB>label lines (default: each relation's "
        + "readable last path segment).")
    Path relationLabels;

    @Option(names = "--name-property", description = "Neo4j node property holding the readable name.")
    String nameProperty;

    @Option(names = "--properties", split = ",", description = "Neo4j node properties shown as attributes, e.g. "
        + "title,year.")
    List<String> properties;

    @Option(names = "--vocab-out", description = "With --encoding tokens: save the token vocabulary here "
        + "(vocabulary.txt and added_tokens.json, to add graph tokens to an LLM's vocabulary).")
    Path vocabOut;

    @Mixin
    QuantizeCommand.ThreadsMixin threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter w = spec.commandLine().getOut();
      List<PromptEncoding> encodings = encoding.encodings();
      int modes = (node != null ? 1 : 0) + (nodes != null ? 1 : 0) + (all ? 1 : 0);
      if (modes != 1) {
        throw CliSupport.usage(spec, "give exactly one of --node ID, --nodes FILE or --all");
      }
      boolean batch = node == null;
      if (batch && out == null) {
        throw CliSupport.usage(spec, "batch mode (--nodes or --all) writes a JSONL file: give --out FILE.jsonl");
      }
      if (!batch && (out != null || labels != null)) {
        throw CliSupport.usage(spec, "--out and --labels are for batch mode (--nodes FILE or --all); one --node "
            + "prints its prompt");
      }
      if (batch && encoding == EncodingChoice.ALL) {
        throw CliSupport.usage(spec, "batch mode writes one encoding: choose triples, incident, tokens or json");
      }
      if (vocabOut != null && !encodings.contains(PromptEncoding.TOKENS)) {
        throw CliSupport.usage(spec, "--vocab-out saves the token vocabulary: use it with --encoding tokens");
      }
      if (budgetChars < 0 || budgetTokens < 0) {
        throw CliSupport.usage(spec, "a budget must be >= 0 (0 = none), got " + (budgetChars < 0 ? "--budget-chars "
            + budgetChars : "--budget-tokens " + budgetTokens));
      }
      if (budgetChars > 0 && budgetTokens > 0) {
        throw CliSupport.usage(spec, "give --budget-chars or --budget-tokens, not both");
      }
      if (tokenizer != null && budgetChars > 0) {
        throw CliSupport.usage(spec, "--tokenizer counts --budget-tokens; drop it or use --budget-tokens");
      }
      if ((nameProperty != null || properties != null) && !source.server.enabled()) {
        throw CliSupport.usage(spec, "--name-property and --properties read Neo4j node properties: they need "
            + "--neo4j-uri (for files use --node-names)");
      }
      CliSupport.requireDistinct(spec, "--out", out, source.inputs());
      CliSupport.requireDistinct(spec, "--vocab-out", vocabOut, source.inputs());
      PromptTemplate tpl = template == null ? PromptTemplate.GRAPH_ONLY : PromptTemplate.read(template, question);
      TokenCounter counter = counter();
      try (TerminalProgress progress = TerminalProgress.create()) {
        if (budgetTokens > 0 && tokenizer == null) {
          spec.commandLine().getErr().println("note: no --tokenizer given; --budget-tokens counts 4 characters per "
              + "token, an estimate");
        }
        int budget = budgetChars > 0 ? budgetChars : budgetTokens;
        GraphPrompter.Options promptOptions = CliSupport.options(spec, () -> new GraphPrompter.Options(radius,
            maxNodes, budget, counter, GraphPrompter.Ranking.valueOf(ranking.name())));
        CsrGraph g = source.load(progress);
        if (node != null) {
          g.node(node);
        }
        NodeText text = nodeText(g);
        RelationLabels rel = relationLabels == null ? RelationLabels.readable(g)
            : RelationLabels.readFile(relationLabels, g);
        NodeTokenization t = encodings.contains(PromptEncoding.TOKENS)
            ? threads.run(() -> NodePieceTokenizer.tokenize(g, options.config(), progress)) : null;
        GraphPrompter p = new GraphPrompter(g, t, text, rel);
        if (vocabOut != null) {
          InductiveTokenizer.of(t).save(vocabOut);
        }
        if (!batch) {
          for (PromptEncoding e : encodings) {
            if (encodings.size() > 1) {
              w.println("--- " + e.name().toLowerCase(Locale.ROOT));
            }
            w.print(tpl.apply(p, node, e, promptOptions).text());
          }
        } else {
          List<String> focal = nodes != null ? PromptBatch.readNodes(nodes, g) : allNodes(g);
          Map<String, String> labelMap = labels == null ? null : PromptBatch.readLabels(labels);
          long t0 = System.nanoTime();
          PromptBatch.Summary s = threads.run(() -> {
            try {
              return PromptBatch.write(p, tpl, focal, labelMap, encodings.get(0), promptOptions, out, progress);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          double sec = (System.nanoTime() - t0) / 1e9;
          w.printf(Locale.ROOT, "wrote %d prompts to %s in %.2f s (%.0f prompts/s); size in %s: max %d, mean %.1f"
              + "%s; edges of the focal nodes kept: %.1f%%%n", s.prompts(), out, sec, s.prompts() / sec,
              counter.unit(), s.maxCount(), (double) s.totalCount() / s.prompts(), budget > 0 ? " (budget "
              + budget + ")" : "", 100.0 * s.focalEdgesKept() / Math.max(1, s.focalEdgesTotal()));
        }
        if (vocabOut != null) {
          w.println("saved the token vocabulary to " + vocabOut);
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      } finally {
        source.close();
        if (counter instanceof AutoCloseable c) {
          c.close();
        }
      }
      return 0;
    }

    private TokenCounter counter() {
      if (budgetChars > 0) {
        return TokenCounter.CHARACTERS;
      }
      if (tokenizer == null) {
        return TokenCounter.APPROXIMATE;
      }
      return TokenCounter.named(tokenizer).orElseThrow(() -> CliSupport.usage(spec, "--tokenizer " + tokenizer
          + ": not " + TokenCounter.NAMES));
    }

    private NodeText nodeText(CsrGraph g) throws java.io.IOException {
      if (nodeNames != null) {
        return NodeText.readFile(nodeNames, g);
      }
      if (source.server.enabled() && (nameProperty != null || properties != null)) {
        return new Neo4jGraphReader(source.connection(), source.driver).readText(
            new Neo4jGraphReader.Neo4jGraph(g, source.keys), source.label, source.idPropertyOrNull(), nameProperty,
            properties == null ? List.of() : properties, source.batchSize);
      }
      return NodeText.NONE;
    }

    private static List<String> allNodes(CsrGraph g) {
      List<String> n = new ArrayList<>(g.nodeCount());
      for (int v = 0; v < g.nodeCount(); v++) {
        n.add(g.nodeName(v));
      }
      return n;
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
