package io.distok.cli;

import io.distok.bench.BenchData;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.source.TripleFiles;
import io.distok.lucene.index.NodeIndexWriter;
import io.distok.lucene.search.NodeSearcher;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench node-search}: on a labelled graph (Cora, CiteSeer), the share of each node's 10 most
 * token-similar nodes that carry its label, beside the same share for exact neighbour-set Jaccard similarity and
 * for random nodes.
 */
@Command(name = "node-search", mixinStandardHelpOptions = true,
    description = "Label agreement of node search by anchor-relation tokens on a labelled graph (a directory with "
        + "edges.tsv and labels.tsv, as ../shared/data/graphs/cora), against neighbour-set Jaccard and random nodes.")
public final class BenchNodeSearchCommand implements Callable<Integer> {
  @Option(names = "--graph", required = true, description = "Directory with edges.tsv (u<TAB>v) and labels.tsv "
      + "(node<TAB>class, -1 = none).")
  Path graph;

  @Option(names = "--anchors", defaultValue = "0", description = "Anchors (default: the tokenizer's automatic count).")
  int anchors;

  @Option(names = "--k", defaultValue = "20", description = "Anchors per node (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--max-distance", defaultValue = "8", description = "Hop distance at and beyond which a shared "
      + "anchor weighs 1 (default: ${DEFAULT-VALUE}).")
  int maxDistance;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the tokenizer and the random baseline "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private static final int TOP = 10;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    Path edgesFile = graph.resolve("edges.tsv");
    Path labelsFile = graph.resolve("labels.tsv");
    BenchData.require(edgesFile);
    BenchData.require(labelsFile);
    CsrGraph g = TripleFiles.readEdgeList(edgesFile);
    Map<String, Integer> labels = new HashMap<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(labelsFile)) {
      lineNo++;
      String[] f = line.split("\t");
      if (f.length != 2) {
        throw new InvalidInputException(labelsFile + ":" + lineNo + ": expected node<TAB>class");
      }
      try {
        labels.put(f[0], Integer.parseInt(f[1].strip()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(labelsFile + ":" + lineNo + ": class '" + f[1] + "' is not a number");
      }
    }
    NodePieceConfig config = NodePieceConfig.DEFAULT.withK(k).withSeed(seed);
    if (anchors > 0) {
      config = config.withAnchors(anchors);
    }
    long t0 = System.nanoTime();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, config, ProgressListener.NONE);
    Path dir = Files.createTempDirectory("distok-bench-nodes");
    try {
      new NodeIndexWriter(dir, maxDistance).write(t, ProgressListener.NONE);
      double build = (System.nanoTime() - t0) / 1e9;
      List<Integer> labelled = new ArrayList<>();
      for (int v = 0; v < g.nodeCount(); v++) {
        Integer c = labels.get(g.nodeName(v));
        if (c != null && c >= 0) {
          labelled.add(v);
        }
      }
      double tokenShare = 0;
      double jaccardShare = 0;
      double randomShare = 0;
      double tokenOnJaccardNodes = 0;
      int tokenCounted = 0;
      int jaccardCounted = 0;
      long s0 = System.nanoTime();
      SplittableRandom rng = new SplittableRandom(seed);
      try (NodeSearcher s = NodeSearcher.open(dir)) {
        for (int v : labelled) {
          int label = labels.get(g.nodeName(v));
          List<String> similar = s.similar(g.nodeName(v), TOP).stream().map(NodeSearcher.Hit::node).toList();
          double share = share(similar, labels, label);
          if (!Double.isNaN(share)) {
            tokenShare += share;
            tokenCounted++;
          }
          double j = share(jaccardTop(g, v), labels, label);
          if (!Double.isNaN(j)) {
            jaccardShare += j;
            jaccardCounted++;
            // the same nodes for both, so the two shares compare like with like
            tokenOnJaccardNodes += Double.isNaN(share) ? 0 : share;
          }
          List<String> random = new ArrayList<>();
          while (random.size() < TOP) {
            int u = labelled.get(rng.nextInt(labelled.size()));
            if (u != v) {
              random.add(g.nodeName(u));
            }
          }
          randomShare += share(random, labels, label);
        }
      }
      double searchMs = (System.nanoTime() - s0) / 1e6 / labelled.size();
      w.printf(Locale.ROOT, "graph %s: %s, %d labelled nodes; %d anchors, k = %d, max distance %d; indexed in %.2f s%n",
          graph, g.describe(), labelled.size(), t.anchorNodes().length, t.k(), maxDistance, build);
      w.printf(Locale.ROOT, "%-52s %12s %10s%n", "top-10 similar nodes by", "same label", "nodes");
      w.printf(Locale.ROOT, "%-52s %11.1f%% %10d%n", "distok token search (BM25, hop-weighted anchors)",
          100 * tokenShare / tokenCounted, tokenCounted);
      w.printf(Locale.ROOT, "%-52s %11.1f%% %10d%n", "distok token search, on the nodes Jaccard can rank",
          100 * tokenOnJaccardNodes / jaccardCounted, jaccardCounted);
      w.printf(Locale.ROOT, "%-52s %11.1f%% %10d%n", "exact neighbour-set Jaccard (nodes with a 2-hop peer)",
          100 * jaccardShare / jaccardCounted, jaccardCounted);
      w.printf(Locale.ROOT, "%-52s %11.1f%% %10d%n", "random labelled nodes", 100 * randomShare / labelled.size(),
          labelled.size());
      w.printf(Locale.ROOT, "(share of a node's top-10 that carry its label, averaged over nodes with any result; "
          + "token search %.3f ms per node, one thread)%n", searchMs);
    } finally {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    return 0;
  }

  /** The share of {@code nodes} labelled {@code label} among those with a label; NaN for no labelled node. */
  private static double share(List<String> nodes, Map<String, Integer> labels, int label) {
    int known = 0;
    int same = 0;
    for (String n : nodes) {
      Integer c = labels.get(n);
      if (c != null && c >= 0) {
        known++;
        if (c == label) {
          same++;
        }
      }
    }
    return known == 0 ? Double.NaN : same / (double) known;
  }

  /** The (up to) 10 nodes with the largest Jaccard similarity of neighbour sets to v (> 0), ties by node index. */
  private static List<String> jaccardTop(CsrGraph g, int v) {
    int[] nv = neighbours(g, v);
    Map<Integer, Integer> common = new HashMap<>();
    for (int u : nv) {
      for (int x : neighbours(g, u)) {
        if (x != v) {
          common.merge(x, 1, Integer::sum);
        }
      }
    }
    List<int[]> scored = new ArrayList<>();
    common.forEach((x, c) -> scored.add(new int[] {x, c}));
    double[] sim = new double[scored.size()];
    Integer[] order = new Integer[scored.size()];
    for (int i = 0; i < order.length; i++) {
      int x = scored.get(i)[0];
      int c = scored.get(i)[1];
      sim[i] = c / (double) (nv.length + neighbours(g, x).length - c);
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> sim[a] != sim[b] ? Double.compare(sim[b], sim[a])
        : Integer.compare(scored.get(a)[0], scored.get(b)[0]));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP, order.length); i++) {
      out.add(g.nodeName(scored.get(order[i])[0]));
    }
    return out;
  }

  /** Distinct neighbours of v, both directions. */
  private static int[] neighbours(CsrGraph g, int v) {
    java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
    for (int e = g.outStart(v); e < g.outEnd(v); e++) {
      s.add(g.outTarget(e));
    }
    for (int e = g.inStart(v); e < g.inEnd(v); e++) {
      s.add(g.inSource(e));
    }
    s.remove(v);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }
}
