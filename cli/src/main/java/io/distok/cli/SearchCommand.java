package io.distok.cli;

import io.distok.lucene.search.ItemSearcher;
import io.distok.lucene.search.QueryConstraints;
import io.distok.quant.io.MatrixReader;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.lucene.search.Query;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok search}: query an index built by {@code distok index}. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Search a distok Lucene index: items by semantic-ID prefix, relatedness, generated ID or vector; "
        + "graph nodes by token overlap.",
    subcommands = {SearchCommand.Items.class, SearchCommand.CodesSearch.class, SearchCommand.Nodes.class})
public final class SearchCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exactly one way to search items. */
  static final class ItemMode {
    @Option(names = "--prefix", description = "Items under this semantic-ID prefix, e.g. '<a_12><b_200>' or 12-200.")
    String prefix;

    @Option(names = "--related", paramLabel = "ITEM", description = "Items sharing the deepest ID prefix with ITEM.")
    String related;

    @Option(names = "--resolve", paramLabel = "TEXT", description = "Resolve an ID as a language model generated it "
        + "(possibly invalid): exact match, else the longest valid prefix.")
    String resolve;

    @Option(names = "--vector-file", description = "Search by the vector in row --row of this file (.npy, .fvecs, "
        + "CSV).")
    Path vectorFile;

    @Option(names = "--vector", split = ",", description = "Search by this vector, comma-separated.")
    float[] vector;
  }

  @Command(name = "items", mixinStandardHelpOptions = true,
      description = "Search an item index with the model that built it. --query and --filter combine with any mode.")
  static final class Items implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Semantic-ID model directory.")
    Path model;

    @Option(names = "--index", required = true, description = "Index directory.")
    Path index;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ItemMode mode;

    @Mixin
    ResultOptions results;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (results.k < 1) {
        throw CliSupport.usage(spec, "--k must be >= 1, got " + results.k);
      }
      if ((mode.vector != null || mode.vectorFile != null)
          && (results.nearestCodes < 1 || results.candidates < results.k)) {
        throw CliSupport.usage(spec, "--nearest-codes must be >= 1 and --candidates >= --k");
      }
      PrintWriter w = spec.commandLine().getOut();
      SemanticIdModel m = SemanticIdStore.load(model);
      Map<String, Object> doc = new LinkedHashMap<>();
      try (ItemSearcher s = ItemSearcher.open(index, m, model.toString())) {
        Query constraint = QueryConstraints.of(s.schema(), results.query, results.filters);
        List<ItemSearcher.Hit> hits;
        String scoreName;
        if (mode.prefix != null) {
          hits = s.underPrefix(mode.prefix, results.k, constraint);
          scoreName = "score";
        } else if (mode.related != null) {
          hits = s.related(mode.related, results.k, constraint);
          scoreName = "shared depth";
        } else if (mode.resolve != null) {
          ItemSearcher.Resolution r = s.resolve(mode.resolve, results.k);
          hits = r.items();
          scoreName = "score";
          w.printf(Locale.ROOT, "%s: %d of %d levels matched%s%s%n", r.exact() ? "exact" : "prefix match",
              r.matchedDepth(), m.idLength(), r.problem() == null ? "" : "; ", r.problem() == null ? ""
                  : r.problem());
          doc.put("exact", r.exact());
          doc.put("matchedDepth", r.matchedDepth());
          doc.put("problem", r.problem());
        } else {
          float[] q = mode.vector != null ? mode.vector : queryRow(mode.vectorFile, results.row);
          hits = s.nearest(q, results.k, results.nearestCodes, results.candidates, constraint);
          scoreName = "squared L2";
        }
        w.printf(Locale.ROOT, "%-5s %-24s %-32s %s%n", "rank", "item", "semantic ID", scoreName);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
          ItemSearcher.Hit h = hits.get(i);
          w.printf(Locale.ROOT, "%-5d %-24s %-32s %.4f%n", i + 1, h.id(), h.tokens(), h.score());
          // the key as the source typed it: a number for an index of long keys
          rows.add(Map.of("item", h.key(), "tokens", h.tokens(), "score", h.score()));
        }
        if (hits.isEmpty()) {
          w.println("(no items)");
        }
        doc.put("hits", rows);
      }
      if (results.json != null) {
        io.distok.util.io.JsonFiles.write(results.json, doc);
      }
      return 0;
    }
  }

  /** The options every item and codes search shares: result count, hybrid constraints, vector-search knobs. */
  static final class ResultOptions {
    @Option(names = "--row", defaultValue = "0", description = "Row of --vector-file (0-based; default: "
        + "${DEFAULT-VALUE}).")
    int row;

    @Option(names = "--k", defaultValue = "10", description = "Results (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--query", description = "Text query over the text fields, Lucene syntax (title:lipstick).")
    String query;

    @Option(names = "--filter", description = "Field filter, repeatable: price<20, year>=2000, brand=acme.")
    List<String> filters = new ArrayList<>();

    @Option(names = "--nearest-codes", defaultValue = "" + ItemSearcher.DEFAULT_NEAREST_CODES,
        description = "Vector search: codes per level (items) or position (codes) expanded into candidates, t "
            + "(default: ${DEFAULT-VALUE}).")
    int nearestCodes;

    @Option(names = "--candidates", defaultValue = "" + ItemSearcher.DEFAULT_CANDIDATES,
        description = "Vector search: candidates rescored exactly (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--json", description = "Write the results as JSON here.")
    Path json;
  }

  /** Row {@code row} of a vector file. */
  static float[] queryRow(Path file, int row) throws java.io.IOException {
    FloatMatrix x = MatrixReader.read(file).matrix();
    if (row < 0 || row >= x.rows()) {
      throw new InvalidInputException(file + ": no row " + row + " (" + x.rows() + " rows)");
    }
    return x.rowCopy(row);
  }

  /** Exactly one query vector. */
  static final class VectorQuery {
    @Option(names = "--vector-file", description = "Search by the vector in row --row of this file (.npy, .fvecs, "
        + "CSV).")
    Path vectorFile;

    @Option(names = "--vector", split = ",", description = "Search by this vector, comma-separated.")
    float[] vector;
  }

  @Command(name = "codes", mixinStandardHelpOptions = true,
      description = "Nearest items in a codes index (index codes) with the quantizer model that made the codes: "
          + "candidates from each position's --nearest-codes nearest codes (VQ, PQ, RQ, AQ), or every item (FSQ, "
          + "LFQ, BSQ), rescored exactly from stored vectors or codes. --query and --filter restrict the items.")
  static final class CodesSearch implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Quantizer model directory.")
    Path model;

    @Option(names = "--index", required = true, description = "Index directory.")
    Path index;

    @ArgGroup(exclusive = true, multiplicity = "1")
    VectorQuery mode;

    @Mixin
    ResultOptions results;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (results.k < 1 || results.nearestCodes < 1 || results.candidates < results.k) {
        throw CliSupport.usage(spec, "need --k >= 1, --nearest-codes >= 1 and --candidates >= --k");
      }
      PrintWriter w = spec.commandLine().getOut();
      io.distok.quant.Quantizer q = io.distok.quant.io.ModelStore.load(model);
      float[] vector = mode.vector != null ? mode.vector : queryRow(mode.vectorFile, results.row);
      List<Map<String, Object>> rows = new ArrayList<>();
      try (io.distok.lucene.search.CodesSearcher s = io.distok.lucene.search.CodesSearcher.open(index, q,
          model.toString())) {
        Query constraint = QueryConstraints.of(s.schema(), results.query, results.filters);
        List<io.distok.lucene.search.CodesSearcher.Hit> hits = s.nearest(vector, results.k, results.nearestCodes,
            results.candidates, constraint);
        w.printf(Locale.ROOT, "%-5s %-24s %s%n", "rank", "item", "squared L2");
        for (int i = 0; i < hits.size(); i++) {
          w.printf(Locale.ROOT, "%-5d %-24s %.4f%n", i + 1, hits.get(i).id(), hits.get(i).distance());
          rows.add(Map.of("item", hits.get(i).id(), "score", hits.get(i).distance()));
        }
        if (hits.isEmpty()) {
          w.println("(no items)");
        }
      }
      if (results.json != null) {
        io.distok.util.io.JsonFiles.write(results.json, Map.of("hits", rows));
      }
      return 0;
    }
  }

  /** Exactly one node to search around. */
  static final class NodeMode {
    @Option(names = "--node", description = "An indexed node.")
    String node;

    @Option(names = "--unseen", description = "An unseen node given by its edges into the indexed graph: a TSV file "
        + "of head<TAB>relation<TAB>tail lines with ? for the unseen node (? cites 12, or 40 cites ?); needs --vocab.")
    Path unseen;
  }

  @Command(name = "nodes", mixinStandardHelpOptions = true,
      description = "Graph nodes whose anchor-relation tokens resemble a node's (structural similarity, BM25 over "
          + "hop-weighted anchors and relations).")
  static final class Nodes implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "Node index directory (distok index nodes).")
    Path index;

    @ArgGroup(exclusive = true, multiplicity = "1")
    NodeMode mode;

    @Option(names = "--vocab", description = "Saved vocabulary (index nodes --vocab-out), for --unseen.")
    Path vocab;

    @Option(names = "--k", defaultValue = "10", description = "Results (default: ${DEFAULT-VALUE}).")
    int k;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (k < 1) {
        throw CliSupport.usage(spec, "--k must be >= 1, got " + k);
      }
      if (mode.unseen != null && vocab == null) {
        throw CliSupport.usage(spec, "--unseen needs --vocab (the vocabulary saved with index nodes --vocab-out)");
      }
      PrintWriter w = spec.commandLine().getOut();
      try (io.distok.lucene.search.NodeSearcher s = io.distok.lucene.search.NodeSearcher.open(index)) {
        List<io.distok.lucene.search.NodeSearcher.Hit> hits = mode.node != null ? s.similar(mode.node, k)
            : s.similarToUnseen(io.distok.graph.nodepiece.InductiveTokenizer.load(vocab), unseenEdges(mode.unseen), k);
        w.printf(Locale.ROOT, "%-5s %-24s %8s  %s%n", "rank", "node", "score", "shared-token view: anchors:distance");
        for (int i = 0; i < hits.size(); i++) {
          var h = hits.get(i);
          StringBuilder a = new StringBuilder();
          h.anchors().stream().limit(5).forEach(x -> a.append(a.isEmpty() ? "" : " ").append(x.anchor()).append(':')
              .append(x.distance()));
          w.printf(Locale.ROOT, "%-5d %-24s %8.3f  %s%n", i + 1, h.node(), h.score(), a);
        }
        if (hits.isEmpty()) {
          w.println("(no nodes share a token)");
        }
      }
      return 0;
    }

    /** Edges of the unseen node: lines head, relation, tail with ? for the unseen node on exactly one side. */
    static List<io.distok.graph.nodepiece.InductiveTokenizer.Edge> unseenEdges(Path file) throws java.io.IOException {
      List<io.distok.graph.nodepiece.InductiveTokenizer.Edge> edges = new ArrayList<>();
      int lineNo = 0;
      for (String line : java.nio.file.Files.readAllLines(file)) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        if (f.length != 3 || f[0].equals("?") == f[2].equals("?")) {
          throw new InvalidInputException(file + ":" + lineNo + ": expected head<TAB>relation<TAB>tail with ? for "
              + "the unseen node on exactly one side");
        }
        boolean outgoing = f[0].equals("?");
        edges.add(new io.distok.graph.nodepiece.InductiveTokenizer.Edge(f[1], outgoing ? f[2] : f[0], outgoing));
      }
      if (edges.isEmpty()) {
        throw new InvalidInputException(file + ": no edges");
      }
      return edges;
    }
  }
}
