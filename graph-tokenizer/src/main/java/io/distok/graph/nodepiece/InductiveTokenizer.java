package io.distok.graph.nodepiece;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.quant.InvalidInputException;
import io.distok.quant.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokenizes nodes that were not in the graph, from their edges into the known graph, with a saved vocabulary:
 * the unseen node's anchors are its neighbours' anchors one hop further (nearest first, ties by anchor rank),
 * its relations those of the given edges. Saved as a directory: {@code vocabulary.json} plus {@code
 * labels.tsv} (every known node's anchors and distances).
 *
 * <p>Tokenizing one node costs O(deg k log(deg k) + deg).
 */
public final class InductiveTokenizer {
  private final NodePieceVocabulary vocabulary;
  private final int k;
  private final int m;
  private final Map<String, int[]> anchorLabels;
  private final Map<String, Integer> relationIds;

  private InductiveTokenizer(NodePieceVocabulary vocabulary, int k, int m, Map<String, int[]> anchorLabels) {
    this.vocabulary = vocabulary;
    this.k = k;
    this.m = m;
    this.anchorLabels = anchorLabels;
    this.relationIds = new HashMap<>();
    for (int r = 0; r < vocabulary.relationNames().size(); r++) {
      relationIds.put(vocabulary.relationNames().get(r), r);
    }
  }

  /** An edge of an unseen node into the known graph. */
  public record Edge(String relation, String neighbour, boolean outgoing) {}

  /** Builds the tokenizer from a tokenization in memory. */
  public static InductiveTokenizer of(NodeTokenization t) {
    Map<String, int[]> labels = new HashMap<>();
    AnchorLabels l = t.labels();
    for (int v = 0; v < t.graph().nodeCount(); v++) {
      int[] pairs = new int[2 * l.count(v)];
      for (int j = 0; j < l.count(v); j++) {
        pairs[2 * j] = l.anchor(v, j);
        pairs[2 * j + 1] = l.distance(v, j);
      }
      labels.put(t.graph().nodeName(v), pairs);
    }
    return new InductiveTokenizer(t.vocabulary(), t.k(), t.m(), labels);
  }

  public NodePieceVocabulary vocabulary() {
    return vocabulary;
  }

  /**
   * Token strings of an unseen node.
   *
   * @throws InvalidInputException naming an unknown neighbour or relation
   */
  public List<String> tokenize(List<Edge> edges) {
    List<String> out = new ArrayList<>();
    for (int id : tokenIds(edges)) {
      out.add(vocabulary.token(id));
    }
    return out;
  }

  /** Token ids of an unseen node: k anchor slots, then m relation slots. */
  public int[] tokenIds(List<Edge> edges) {
    TreeMap<Long, Integer> best = new TreeMap<>();
    Map<Integer, Integer> distOf = new HashMap<>();
    int rCount = vocabulary.relationNames().size();
    int[] counts = new int[2 * rCount];
    for (Edge e : edges) {
      int[] pairs = anchorLabels.get(e.neighbour());
      if (pairs == null) {
        throw new InvalidInputException("unknown node id '" + e.neighbour() + "' in the edges of the unseen node");
      }
      Integer r = relationIds.get(e.relation());
      if (r == null) {
        throw new InvalidInputException("unknown relation '" + e.relation() + "' (not in the vocabulary)");
      }
      counts[e.outgoing() ? r : rCount + r]++;
      for (int j = 0; j < pairs.length; j += 2) {
        int a = pairs[j];
        int d = pairs[j + 1] + 1;
        Integer old = distOf.get(a);
        if (old == null || d < old) {
          distOf.put(a, d);
        }
      }
    }
    for (Map.Entry<Integer, Integer> e : distOf.entrySet()) {
      best.put(((long) e.getValue() << 32) | e.getKey(), e.getKey());
    }
    int[] out = new int[k + m];
    int j = 0;
    for (int a : best.values()) {
      if (j == k) {
        break;
      }
      out[j++] = vocabulary.anchorToken(a);
    }
    while (j < k) {
      out[j++] = NodePieceVocabulary.UNREACHABLE;
    }
    int[] touched = new int[counts.length];
    int nt = 0;
    for (int t = 0; t < counts.length; t++) {
      if (counts[t] > 0) {
        touched[nt++] = t;
      }
    }
    int[] chosen = RelationContext.choose(counts, touched, nt, m, RelationContext.Selection.FREQUENT, 0, 0);
    for (int i = 0; i < m; i++) {
      out[k + i] = i < chosen.length ? vocabulary.relationToken(chosen[i]) : NodePieceVocabulary.PAD;
    }
    return out;
  }

  /** Saves the vocabulary and the known nodes' anchor labels to {@code dir}. */
  public void save(Path dir) throws IOException {
    AtomicFiles.writeDirectory(dir, tmp -> {
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("format", "distok-nodepiece-vocabulary");
      meta.put("formatVersion", 1);
      meta.put("k", k);
      meta.put("m", m);
      meta.put("specials", NodePieceVocabulary.SPECIALS);
      meta.put("anchors", vocabulary.anchorNames());
      meta.put("relations", vocabulary.relationNames());
      Files.writeString(tmp.resolve("vocabulary.json"), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT)
          .asString(meta) + "\n");
      try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp.resolve("labels.tsv")),
          StandardCharsets.UTF_8))) {
        for (Map.Entry<String, int[]> e : new TreeMap<>(anchorLabels).entrySet()) {
          w.write(e.getKey());
          int[] p = e.getValue();
          for (int j = 0; j < p.length; j += 2) {
            w.write(j == 0 ? '\t' : ' ');
            w.write(p[j] + ":" + p[j + 1]);
          }
          if (p.length == 0) {
            w.write('\t');
          }
          w.write('\n');
        }
      }
    });
  }

  /** Loads a tokenizer saved by {@link #save}. */
  @SuppressWarnings("unchecked")
  public static InductiveTokenizer load(Path dir) throws IOException {
    Map<String, Object> meta;
    try {
      meta = JSON.std.mapFrom(Files.readString(dir.resolve("vocabulary.json")));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(dir + ": not a saved vocabulary (no vocabulary.json)");
    }
    if (!"distok-nodepiece-vocabulary".equals(meta.get("format"))) {
      throw new InvalidInputException(dir.resolve("vocabulary.json") + ": not a distok node vocabulary");
    }
    NodePieceVocabulary vocab = new NodePieceVocabulary((List<String>) meta.get("anchors"),
        (List<String>) meta.get("relations"));
    Map<String, int[]> labels = new HashMap<>();
    Path file = dir.resolve("labels.tsv");
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        int tab = line.indexOf('\t');
        if (tab < 0) {
          throw new InvalidInputException(file + ", line " + lineNo + ": expected node<TAB>anchor:distance ...");
        }
        String rest = line.substring(tab + 1).trim();
        String[] parts = rest.isEmpty() ? new String[0] : rest.split(" ");
        int[] p = new int[2 * parts.length];
        for (int j = 0; j < parts.length; j++) {
          int c = parts[j].indexOf(':');
          try {
            p[2 * j] = Integer.parseInt(parts[j].substring(0, c));
            p[2 * j + 1] = Integer.parseInt(parts[j].substring(c + 1));
          } catch (RuntimeException e) {
            throw new InvalidInputException(file + ", line " + lineNo + ": bad anchor:distance '" + parts[j] + "'");
          }
        }
        labels.put(line.substring(0, tab), p);
      }
    }
    return new InductiveTokenizer(vocab, ((Number) meta.get("k")).intValue(), ((Number) meta.get("m")).intValue(),
        labels);
  }

  /** Anchor labels of a known node as (rank, distance) pairs. */
  int[] labelsOf(String node) {
    int[] p = anchorLabels.get(node);
    return p == null ? null : Arrays.copyOf(p, p.length);
  }
}
