package io.distok.graph.nodepiece;

import io.distok.graph.csr.CsrGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tokens of every node of a graph: k anchor tokens (nearest first; {@code [UNREACHABLE]} for slots no
 * anchor reached) then m relation tokens ({@code [PAD]} when the node has fewer relations), with the (anchor,
 * distance) pairs behind them, diagnostics, and JSONL/TSV output.
 */
public final class NodeTokenization {
  private final CsrGraph graph;
  private final NodePieceConfig config;
  private final NodePieceVocabulary vocabulary;
  private final int[] anchors;
  private final AnchorLabels labels;
  private final int m;
  private final int[] relations;

  NodeTokenization(CsrGraph graph, NodePieceConfig config, NodePieceVocabulary vocabulary, int[] anchors,
      AnchorLabels labels, int m, int[] relations) {
    this.graph = graph;
    this.config = config;
    this.vocabulary = vocabulary;
    this.anchors = anchors;
    this.labels = labels;
    this.m = m;
    this.relations = relations;
  }

  public CsrGraph graph() {
    return graph;
  }

  public NodePieceConfig config() {
    return config;
  }

  public NodePieceVocabulary vocabulary() {
    return vocabulary;
  }

  public AnchorLabels labels() {
    return labels;
  }

  /** Relation tokens per node (resolved when m was automatic). */
  public int m() {
    return m;
  }

  public int k() {
    return labels.k();
  }

  /** The identity of this tokenization's token space ({@link NodePieceVocabulary#fingerprint}). */
  public String fingerprint() {
    return vocabulary.fingerprint(labels.k(), m);
  }

  /** Anchor nodes in rank order. */
  public int[] anchorNodes() {
    return anchors.clone();
  }

  /** Token ids of node {@code v}: k anchor slots then m relation slots. */
  public int[] tokenIds(int v) {
    int k = labels.k();
    int[] ranks = new int[labels.count(v)];
    for (int j = 0; j < ranks.length; j++) {
      ranks[j] = labels.anchor(v, j);
    }
    return tokenIds(vocabulary, k, m, ranks, Arrays.copyOfRange(relations, v * m, v * m + m));
  }

  /**
   * The token ids of a node with the given nearest anchors (ranks, nearest first, at most k) and relation tokens
   * (at most m, -1 or absent for none): k anchor slots ({@code [UNREACHABLE]} where no anchor reached) then m
   * relation slots ({@code [PAD]}). The one token layout, for every tokenizer of this vocabulary. O(k + m).
   */
  public static int[] tokenIds(NodePieceVocabulary vocabulary, int k, int m, int[] anchorRanks, int[] relations) {
    int[] out = new int[k + m];
    for (int j = 0; j < k; j++) {
      out[j] = j < anchorRanks.length ? vocabulary.anchorToken(anchorRanks[j]) : NodePieceVocabulary.UNREACHABLE;
    }
    for (int j = 0; j < m; j++) {
      int t = j < relations.length ? relations[j] : -1;
      out[k + j] = t < 0 ? NodePieceVocabulary.PAD : vocabulary.relationToken(t);
    }
    return out;
  }

  /** Token strings of node {@code v}. */
  public List<String> tokens(int v) {
    List<String> out = new ArrayList<>();
    for (int id : tokenIds(v)) {
      out.add(vocabulary.token(id));
    }
    return out;
  }

  /** Token strings of a node by name. */
  public List<String> tokens(String node) {
    return tokens(graph.node(node));
  }

  /** Relation token ids (vocabulary-relative, -1 = none) of node {@code v}. */
  int relationToken(int v, int j) {
    return relations[v * m + j];
  }

  /**
   * Diagnostics: share of nodes whose token set (anchors with their distances, plus relations) is unique, the
   * same for anchors alone and for the bare token sequence (no distances), mean anchor distance, share of nodes short of k anchors, share of nodes reached by
   * at least one anchor, and share of anchors used by some other node. O(V (k + m)).
   */
  public Diagnostics diagnostics() {
    int n = graph.nodeCount();
    int k = labels.k();
    Map<List<Integer>, Integer> full = new java.util.HashMap<>();
    Map<List<Integer>, Integer> anchorOnly = new java.util.HashMap<>();
    Map<List<Integer>, Integer> sequences = new java.util.HashMap<>();
    Map<List<Integer>, Integer> withoutDistances = new java.util.HashMap<>();
    long distSum = 0;
    long labelsTotal = 0;
    int shortOfK = 0;
    int reached = 0;
    boolean[] used = new boolean[anchors.length];
    for (int v = 0; v < n; v++) {
      int c = labels.count(v);
      List<Integer> a = new ArrayList<>(2 * c);
      for (int j = 0; j < c; j++) {
        a.add(labels.anchor(v, j));
        a.add(labels.distance(v, j));
        distSum += labels.distance(v, j);
        if (labels.distance(v, j) > 0) {
          used[labels.anchor(v, j)] = true;
        }
      }
      labelsTotal += c;
      if (c < k) {
        shortOfK++;
      }
      if (c > 0) {
        reached++;
      }
      List<Integer> f = new ArrayList<>(a);
      int[] rel = Arrays.copyOfRange(relations, v * m, v * m + m);
      Arrays.sort(rel);
      for (int r : rel) {
        f.add(-2 - r);
      }
      // the anchor set and the relation set without hop distances (NodePiece's own uniqueness figure)
      int[] bare = new int[c];
      for (int j = 0; j < c; j++) {
        bare[j] = labels.anchor(v, j);
      }
      Arrays.sort(bare);
      List<Integer> nd = new ArrayList<>(c + rel.length);
      for (int x : bare) {
        nd.add(x);
      }
      for (int r : rel) {
        nd.add(-2 - r);
      }
      withoutDistances.merge(nd, 1, Integer::sum);
      anchorOnly.merge(a, 1, Integer::sum);
      full.merge(f, 1, Integer::sum);
      sequences.merge(Arrays.stream(tokenIds(v)).boxed().toList(), 1, Integer::sum);
    }
    int usedCount = 0;
    for (boolean u : used) {
      usedCount += u ? 1 : 0;
    }
    return new Diagnostics(n, graph.edgeCount(), graph.relationCount(), anchors.length, k, m, vocabulary.size(),
        singletons(full) / (double) n, singletons(withoutDistances) / (double) n, singletons(anchorOnly) / (double) n,
        singletons(sequences) / (double) n, labelsTotal == 0 ? 0 : distSum / (double) labelsTotal,
        shortOfK / (double) n, reached / (double) n, usedCount / (double) anchors.length);
  }

  /**
   * Diagnostics of a tokenization.
   *
   * @param nodes V
   * @param edges E
   * @param relations relation types
   * @param anchors anchors chosen
   * @param k anchors per node
   * @param m relation tokens per node
   * @param vocabularySize tokens in the vocabulary
   * @param uniqueTokenSetShare share of nodes whose anchors with hop distances plus relations no other node has
   * @param uniqueTokenSetShareWithoutDistances the same without hop distances (NodePiece's own figure)
   * @param uniqueAnchorSetShare the same for the anchors with distances alone
   * @param uniqueTokenSequenceShare the same for the bare token sequence
   * @param meanAnchorDistance mean hop distance to the nearest anchors
   * @param shortOfKShare share of nodes with fewer than k anchors
   * @param reachedShare share of nodes reached by at least one anchor
   * @param anchorCoverage share of anchors used by some other node
   */
  public record Diagnostics(int nodes, long edges, int relations, int anchors, int k, int m, int vocabularySize,
      double uniqueTokenSetShare, double uniqueTokenSetShareWithoutDistances, double uniqueAnchorSetShare,
      double uniqueTokenSequenceShare, double meanAnchorDistance, double shortOfKShare, double reachedShare,
      double anchorCoverage) {

    /** As a JSON-ready map, keys named as the components. */
    public Map<String, Object> toMap() {
      Map<String, Object> d = new LinkedHashMap<>();
      for (var c : Diagnostics.class.getRecordComponents()) {
        try {
          d.put(c.getName(), c.getAccessor().invoke(this));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return d;
    }
  }

  /** Number of keys seen exactly once. */
  private static long singletons(Map<List<Integer>, Integer> counts) {
    return counts.values().stream().filter(c -> c == 1).count();
  }

  /** Diagnostics as text lines. */
  public String diagnosticsTable() {
    Diagnostics d = diagnostics();
    return String.format(Locale.ROOT, "nodes %d, edges %d, relations %d; anchors %d, k %d, m %d, vocabulary %d%n"
        + "unique token sets %.2f%% with hop distances, %.2f%% without (anchors alone %.2f%%, token sequences "
        + "%.2f%%), mean anchor distance %.2f, short of k anchors %.2f%%, reached by an anchor %.2f%%, anchors used "
        + "by other nodes %.2f%%%n", d.nodes(), d.edges(), d.relations(), d.anchors(), d.k(), d.m(),
        d.vocabularySize(), 100 * d.uniqueTokenSetShare(), 100 * d.uniqueTokenSetShareWithoutDistances(),
        100 * d.uniqueAnchorSetShare(), 100 * d.uniqueTokenSequenceShare(), d.meanAnchorDistance(),
        100 * d.shortOfKShare(), 100 * d.reachedShare(), 100 * d.anchorCoverage());
  }

  /** One of a node's nearest anchors: its name and its hop distance. */
  public record AnchorDistance(String anchor, int distance) {}

  /** The nearest anchors of node {@code v}, nearest first (at most k). O(k). */
  public List<AnchorDistance> nearestAnchors(int v) {
    List<AnchorDistance> out = new ArrayList<>(labels.count(v));
    for (int j = 0; j < labels.count(v); j++) {
      out.add(new AnchorDistance(vocabulary.anchorNames().get(labels.anchor(v, j)), labels.distance(v, j)));
    }
    return out;
  }

  /** The relation-context names of node {@code v} ({@code name} or {@code name^-1}), without padding. O(m). */
  public List<String> relations(int v) {
    List<String> rels = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      int t = relations[v * m + j];
      if (t >= 0) {
        rels.add(relationName(t));
      }
    }
    return rels;
  }

  /** {@code name} or {@code name^-1} of a relation token. */
  String relationName(int t) {
    return vocabulary.relationName(t);
  }
}
