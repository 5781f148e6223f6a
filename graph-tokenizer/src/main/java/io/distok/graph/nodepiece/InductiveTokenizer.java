package io.distok.graph.nodepiece;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import io.distok.util.io.AddedTokens;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import io.distok.util.io.StoreHeader;
import java.io.OutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
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

  /** The identity of this tokenizer's token space, equal to the tokenization's it was built from. */
  public String fingerprint() {
    return vocabulary.fingerprint(k, m);
  }

  /** Token ids of an unseen node: k anchor slots, then m relation slots. */
  public int[] tokenIds(List<Edge> edges) {
    Context c = context(edges);
    int[] out = new int[k + m];
    for (int j = 0; j < k; j++) {
      out[j] = j < c.anchors.length ? vocabulary.anchorToken(c.anchors[j]) : NodePieceVocabulary.UNREACHABLE;
    }
    for (int i = 0; i < m; i++) {
      out[k + i] = i < c.relations.length ? vocabulary.relationToken(c.relations[i]) : NodePieceVocabulary.PAD;
    }
    return out;
  }

  /**
   * The nearest anchors of an unseen node (at most k, nearest first, ties by anchor rank), one hop further than
   * through its nearest neighbour. O(edges k log k).
   */
  public List<NodeTokenization.AnchorDistance> nearestAnchors(List<Edge> edges) {
    Context c = context(edges);
    List<NodeTokenization.AnchorDistance> out = new ArrayList<>();
    for (int j = 0; j < c.anchors.length; j++) {
      out.add(new NodeTokenization.AnchorDistance(vocabulary.anchorNames().get(c.anchors[j]), c.distances[j]));
    }
    return out;
  }

  /** The relation context of an unseen node ({@code name} or {@code name^-1}, most frequent first), at most m. */
  public List<String> relations(List<Edge> edges) {
    int r = vocabulary.relationNames().size();
    List<String> out = new ArrayList<>();
    for (int t : context(edges).relations) {
      out.add(t < r ? vocabulary.relationNames().get(t) : vocabulary.relationNames().get(t - r) + "^-1");
    }
    return out;
  }

  /** Anchor ranks with their distances (nearest first, at most k) and chosen relation tokens of an unseen node. */
  private record Context(int[] anchors, int[] distances, int[] relations) {}

  private Context context(List<Edge> edges) {
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
    int n = Math.min(k, best.size());
    int[] anchors = new int[n];
    int[] distances = new int[n];
    int j = 0;
    for (Map.Entry<Long, Integer> e : best.entrySet()) {
      if (j == n) {
        break;
      }
      anchors[j] = e.getValue();
      distances[j++] = (int) (e.getKey() >>> 32);
    }
    int[] touched = new int[counts.length];
    int nt = 0;
    for (int t = 0; t < counts.length; t++) {
      if (counts[t] > 0) {
        touched[nt++] = t;
      }
    }
    int[] chosen = RelationContext.choose(counts, touched, nt, m, RelationContext.Selection.FREQUENT, 0, 0);
    return new Context(anchors, distances, chosen.length > m ? Arrays.copyOf(chosen, m) : chosen);
  }

  /** Version of the saved layout: 2 quotes node names in {@code labels.tsv} (RFC 4180) and adds checksums. */
  public static final int FORMAT_VERSION = 2;
  private static final String FORMAT = "distok-nodepiece-vocabulary";
  private static final String META = "vocabulary.json";
  private static final String LABELS = "labels.tsv";

  /**
   * Saves the vocabulary and the known nodes' anchor labels to {@code dir}: {@code vocabulary.json} (versioned
   * header, k, m, specials, anchors, relations, checksums) and {@code labels.tsv} (node, then
   * {@code rank:distance} pairs separated by spaces; a node name holding a tab, quote or line break is quoted),
   * plus the token strings as an LLM tokenizer takes them ({@link io.distok.util.io.AddedTokens}: {@code
   * vocabulary.txt} and {@code added_tokens.json}).
   */
  public void save(Path dir) throws IOException {
    AtomicFiles.writeDirectory(dir, tmp -> {
      Map<String, Object> meta = StoreHeader.create(FORMAT, FORMAT_VERSION);
      meta.put("k", k);
      meta.put("m", m);
      meta.put("specials", NodePieceVocabulary.SPECIALS);
      meta.put("anchors", vocabulary.anchorNames());
      meta.put("relations", vocabulary.relationNames());
      try (OutputStream os = Files.newOutputStream(tmp.resolve(LABELS));
          CsvWriter w = CsvWriter.open(os, '\t')) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, int[]> e : new TreeMap<>(anchorLabels).entrySet()) {
          sb.setLength(0);
          int[] p = e.getValue();
          for (int j = 0; j < p.length; j += 2) {
            sb.append(j == 0 ? "" : " ").append(p[j]).append(':').append(p[j + 1]);
          }
          w.row(e.getKey(), sb.toString());
        }
      }
      // the vocabulary as an LLM tokenizer takes it, to add graph tokens to a model
      AddedTokens.write(tmp, vocabulary.tokens());
      StoreHeader.recordChecksums(meta, tmp, List.of(LABELS));
      StoreHeader.write(tmp.resolve(META), meta);
    });
  }

  /**
   * Loads a tokenizer saved by {@link #save}.
   *
   * @throws InvalidInputException when the folder is not a saved vocabulary, its version is not {@link
   *     #FORMAT_VERSION}, a file fails its checksum, or a line is malformed (naming file and line)
   */
  @SuppressWarnings("unchecked")
  public static InductiveTokenizer load(Path dir) throws IOException {
    Map<String, Object> meta = StoreHeader.read(dir, META, FORMAT, FORMAT_VERSION, "a saved node vocabulary");
    Path metaFile = dir.resolve(META);
    if (!(meta.get("anchors") instanceof List<?> anchors) || !(meta.get("relations") instanceof List<?> relations)) {
      throw new InvalidInputException(metaFile + ": missing 'anchors' or 'relations'");
    }
    NodePieceVocabulary vocab = new NodePieceVocabulary((List<String>) anchors, (List<String>) relations);
    int kk = StoreHeader.number(metaFile, meta, "k").intValue();
    int mm = StoreHeader.number(metaFile, meta, "m").intValue();
    Map<String, int[]> labels = new HashMap<>();
    Path file = dir.resolve(LABELS);
    CSVFormat format = CsvWriter.format('\t');
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.builder().setReader(r).setFormat(format).get()) {
      for (CSVRecord rec : parser) {
        long lineNo = parser.getCurrentLineNumber();
        if (rec.size() != 2) {
          throw new InvalidInputException(file + ", line " + lineNo + ": expected node<TAB>anchor:distance ...");
        }
        String rest = rec.get(1).trim();
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
          if (p[2 * j] < 0 || p[2 * j] >= vocab.anchorNames().size()) {
            throw new InvalidInputException(file + ", line " + lineNo + ": anchor rank " + p[2 * j] + " is not in "
                + "the vocabulary's " + vocab.anchorNames().size() + " anchors");
          }
        }
        labels.put(rec.get(0), p);
      }
    } catch (java.io.UncheckedIOException e) {
      throw new InvalidInputException(file + ": malformed (" + e.getCause().getMessage() + ")");
    }
    return new InductiveTokenizer(vocab, kk, mm, labels);
  }

  /** Anchor labels of a known node as (rank, distance) pairs. */
  int[] labelsOf(String node) {
    int[] p = anchorLabels.get(node);
    return p == null ? null : Arrays.copyOf(p, p.length);
  }
}
