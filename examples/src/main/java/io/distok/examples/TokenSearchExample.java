package io.distok.examples;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.lucene.index.CodesIndexWriter;
import io.distok.lucene.index.ItemIndexWriter;
import io.distok.lucene.index.NodeIndexWriter;
import io.distok.lucene.search.CodesSearcher;
import io.distok.lucene.search.ItemSearcher;
import io.distok.lucene.search.NodeSearcher;
import io.distok.lucene.search.QueryConstraints;
import io.distok.quant.Quantizer;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.testdata.SyntheticData;
import io.distok.testdata.SyntheticGraphs;
import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token search with Lucene from Java, every mode once: a generated catalogue gets semantic IDs and is indexed with
 * a title and a price per item; then items under a prefix (with a text query and a price filter), items related to
 * an item, a generated ID resolved, nearest items to a vector, a new item added incrementally; the same catalogue
 * as plain PQ codes, indexed and searched by vector with a filter; finally a generated
 * knowledge graph's nodes are indexed by their anchor-relation tokens and searched by structural similarity, for
 * an indexed node and for an unseen one.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... io.distok.examples.TokenSearchExample [DIR]}.
 */
public final class TokenSearchExample {
  private TokenSearchExample() {}

  public static void main(String[] args) throws IOException {
    run(new PrintWriter(System.out, true), Path.of(args.length > 0 ? args[0] : "distok-example-index"), 42);
  }

  /** Builds the indexes under {@code dir} and prints one search of each kind; returns the vector search's hits. */
  public static List<ItemSearcher.Hit> run(PrintWriter out, Path dir, long seed) throws IOException {
    FloatMatrix x = SyntheticData.gaussianClusters(5000, 32, 60, 0.35, seed);
    List<String> ids = new ArrayList<>();
    Map<String, Map<String, Object>> fields = new HashMap<>();
    for (int i = 0; i < x.rows(); i++) {
      String id = String.format(Locale.ROOT, "sku-%05d", i);
      ids.add(id);
      fields.put(id, Map.of("title", (i % 2 == 0 ? "matte lipstick " : "volume mascara ") + i, "price",
          1 + i % 60));
    }
    ItemEmbeddings catalogue = new ItemEmbeddings(ids, x);
    SemanticIdModel model = SemanticIdTrainer.fit(catalogue, SemanticIdConfig.DEFAULT.withSeed(seed),
        ProgressListener.NONE);
    Path items = dir.resolve("items");
    try (ItemIndexWriter w = ItemIndexWriter.open(items, model, true, "example model")) {
      w.put(catalogue, fields, "example fields");
      w.commit();
    }
    List<ItemSearcher.Hit> nearest;
    try (ItemSearcher s = ItemSearcher.open(items, model, "example model")) {
      int[] id = model.codes(ids.get(0));
      String prefix = model.config().format().format(Arrays.copyOf(id, 1));
      show(out, "under " + prefix + ", 'lipstick', price < 20", s.underPrefix(prefix, 3,
          QueryConstraints.of(s.schema(), "lipstick", List.of("price<20"))));
      show(out, "related to " + ids.get(0), s.related(ids.get(0), 3, null));
      ItemSearcher.Resolution r = s.resolve(model.tokens(ids.get(0)) + " is what I recommend", 3);
      show(out, "resolved (" + (r.exact() ? "exact" : r.matchedDepth() + " levels") + ")", r.items());
      nearest = s.nearest(x.rowCopy(7), 5, ItemSearcher.DEFAULT_NEAREST_CODES, ItemSearcher.DEFAULT_CANDIDATES,
          null);
      show(out, "nearest to the vector of " + ids.get(7), nearest);
    }
    try (ItemIndexWriter w = ItemIndexWriter.open(items, model, true, "example model")) {
      List<String> added = w.put(new ItemEmbeddings(List.of("sku-new"), FloatMatrix.ofRows(x.rowCopy(7))),
          Map.of("sku-new", Map.of("title", "new lipstick", "price", 9)), "new item");
      w.commit();
      out.println("added " + added + " with ID " + w.model().tokens("sku-new") + " (existing IDs unchanged)");
    }

    // the same catalogue as plain PQ codes (any quantizer family), indexed and searched without semantic IDs
    Quantizer pq = ProductQuantizer.trainer(8, KMeansParams.of(64)).train(x, seed, ProgressListener.NONE);
    Path codes = dir.resolve("codes");
    try (CodesIndexWriter w = CodesIndexWriter.open(codes, pq, false, "example PQ")) {
      w.put(ids, pq.encode(x), null, fields, "example codes", ProgressListener.NONE);
      w.commit();
    }
    try (CodesSearcher s = CodesSearcher.open(codes, pq, "example PQ")) {
      out.println("-- nearest PQ codes to the vector of " + ids.get(7) + ", price < 30: " + s.nearest(x.rowCopy(7), 3,
          CodesSearcher.DEFAULT_NEAREST_CODES, CodesSearcher.DEFAULT_CANDIDATES,
          QueryConstraints.of(s.schema(), null, List.of("price<30"))).stream().map(CodesSearcher.Hit::id).toList());
    }

    CsrGraph g = SyntheticGraphs.csr(3000, 15_000, 8, seed);
    NodeTokenization tokens = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withK(8).withSeed(seed),
        ProgressListener.NONE);
    Path nodes = dir.resolve("nodes");
    new NodeIndexWriter(nodes, 8).write(tokens, ProgressListener.NONE);
    try (NodeSearcher s = NodeSearcher.open(nodes)) {
      String focal = g.nodeName(42);
      out.println("-- nodes like " + focal + ": " + s.similar(focal, 3).stream().map(NodeSearcher.Hit::node).toList());
      List<InductiveTokenizer.Edge> edges = List.of(new InductiveTokenizer.Edge(g.relationName(0), g.nodeName(1),
          true), new InductiveTokenizer.Edge(g.relationName(1), g.nodeName(2), false));
      out.println("-- nodes like an unseen node linked to " + g.nodeName(1) + " and " + g.nodeName(2) + ": "
          + s.similarToUnseen(InductiveTokenizer.of(tokens), edges, 3).stream().map(NodeSearcher.Hit::node).toList());
    }
    return nearest;
  }

  private static void show(PrintWriter out, String title, List<ItemSearcher.Hit> hits) {
    out.println("-- " + title);
    for (ItemSearcher.Hit h : hits) {
      out.printf(Locale.ROOT, "   %s %s %.4f%n", h.id(), h.tokens(), h.score());
    }
  }
}
