package io.distok.examples;

import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import io.distok.testdata.SyntheticData;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.PrefixTrie;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdTrainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds semantic IDs for a generated catalogue: item embeddings drawn around 60 "category" centres, the
 * default recipe (RQ-KMeans 3 x 256, balanced, suffix level), then a few items with their IDs, what a
 * constrained decoder may emit after an item's first token, a new item, and the quality report.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... io.distok.examples.SemanticIdExample [items]}.
 */
public final class SemanticIdExample {
  private SemanticIdExample() {}

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    run(new PrintWriter(System.out, true), items, 42);
  }

  /** Runs the example on {@code items} generated items and prints to {@code out}. */
  public static SemanticIdReport run(PrintWriter out, int items, long seed) {
    FloatMatrix x = SyntheticData.gaussianClusters(items, 32, 60, 0.35, seed);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      ids.add(String.format(Locale.ROOT, "sku-%06d", i));
    }
    ItemEmbeddings catalogue = new ItemEmbeddings(ids, x);
    long t0 = System.nanoTime();
    SemanticIdModel model = SemanticIdTrainer.fit(catalogue, SemanticIdConfig.DEFAULT.withSeed(seed),
        ProgressListener.NONE);
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "semantic IDs for %d generated items (32-d, 60 categories) in %.2f s%n", items, seconds);
    for (String id : ids.subList(0, 4)) {
      out.printf("  %s -> %s%n", id, model.tokens(id));
    }
    PrefixTrie trie = model.trie();
    int[] first = model.codes(ids.get(0));
    out.printf("  after %s a constrained decoder may emit %d tokens, e.g. %s; %d items share that first token%n",
        model.config().format().token(0, first[0]), trie.allowedNext(first[0]).length,
        trie.allowedNextTokens(model.config().format(), first[0]).subList(0, Math.min(3,
            trie.allowedNext(first[0]).length)), trie.countWithPrefix(first[0]));
    FloatMatrix twin = FloatMatrix.ofRows(x.rowCopy(0));
    SemanticIdModel.Assignment added = model.assign(new ItemEmbeddings(List.of("sku-new"), twin));
    out.printf("  a new item with the embedding of %s -> %s (existing IDs unchanged)%n", ids.get(0),
        added.model().tokens("sku-new"));
    SemanticIdReport report = SemanticIdReport.of(model, catalogue, 500, seed);
    out.print(report.toTable());
    return report;
  }
}
