package io.distok.graph.prompt;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.io.TextLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How a prompt names relations. Raw relation names of knowledge graphs are paths or codes
 * ({@code /film/film/release_date_s./film/film_regional_release_date/film_release_region}, {@code _hypernym});
 * the default label is their readable last part ({@link #readable}); a mapping file gives labels explicitly.
 * O(relations).
 */
public final class RelationLabels {
  private final String[] labels;

  private RelationLabels(String[] labels) {
    this.labels = labels;
  }

  /** The label of relation {@code r}. */
  public String label(int r) {
    return labels[r];
  }

  /** Readable default labels for every relation of {@code graph}. */
  public static RelationLabels readable(CsrGraph graph) {
    return withOverrides(graph, Map.of());
  }

  /** The raw relation names, unchanged. */
  public static RelationLabels raw(CsrGraph graph) {
    String[] l = new String[graph.relationCount()];
    for (int r = 0; r < l.length; r++) {
      l[r] = graph.relationName(r);
    }
    return new RelationLabels(l);
  }

  /**
   * The readable part of a relation name: its last segment after {@code /} or {@code .} that is not empty, with
   * leading and trailing underscores removed; the name itself when that leaves nothing.
   */
  public static String readable(String relation) {
    return readable(relation, 1);
  }

  /**
   * The last {@code segments} non-empty segments of a relation name (split at {@code /} and {@code .}), joined
   * by {@code /}, with leading and trailing underscores removed; the name itself when that leaves nothing.
   */
  static String readable(String relation, int segments) {
    String[] parts = relation.strip().split("[/.]+");
    StringBuilder sb = new StringBuilder();
    int taken = 0;
    for (int i = parts.length - 1; i >= 0 && taken < segments; i--) {
      String part = parts[i].replaceAll("^_+|_+$", "");
      if (!part.isEmpty()) {
        sb.insert(0, sb.isEmpty() ? part : part + "/");
        taken++;
      }
    }
    return sb.isEmpty() ? relation : sb.toString();
  }

  /**
   * Reads {@code relation<TAB>label} lines; relations without a line get their {@link #readable} label.
   *
   * @throws InvalidInputException naming the file and line for a malformed line or a repeated relation
   */
  public static RelationLabels readFile(Path file, CsrGraph graph) throws IOException {
    Map<String, String> given = new HashMap<>();
    TextLines.forEach(file, (lineNo, line) -> {
      String[] f = line.split("\t", -1);
      if (f.length != 2 || f[0].isBlank() || f[1].isBlank()) {
        throw new InvalidInputException(file + ", line " + lineNo + ": expected relation<TAB>label with both "
            + "fields non-empty");
      }
      if (given.put(f[0].strip(), f[1].strip()) != null) {
        throw new InvalidInputException(file + ", line " + lineNo + ": relation '" + f[0].strip()
            + "' was labelled before");
      }
    });
    return withOverrides(graph, given);
  }

  /**
   * Given labels, else readable ones; relations whose readable labels collide (Freebase has several relations
   * ending in {@code olympics}) get more segments until their labels differ, or their full names.
   */
  private static RelationLabels withOverrides(CsrGraph graph, Map<String, String> given) {
    int n = graph.relationCount();
    String[] l = new String[n];
    int[] segments = new int[n];
    for (int r = 0; r < n; r++) {
      segments[r] = 1;
      String name = graph.relationName(r);
      l[r] = given.containsKey(name) ? given.get(name) : readable(name, 1);
    }
    for (boolean changed = true; changed; ) {
      changed = false;
      Map<String, java.util.List<Integer>> byLabel = new HashMap<>();
      for (int r = 0; r < n; r++) {
        byLabel.computeIfAbsent(l[r], x -> new java.util.ArrayList<>()).add(r);
      }
      for (java.util.List<Integer> same : byLabel.values()) {
        if (same.size() < 2) {
          continue;
        }
        for (int r : same) {
          String name = graph.relationName(r);
          if (given.containsKey(name)) {
            continue; // a label the user chose stays as it is
          }
          String longer = readable(name, ++segments[r]);
          if (!longer.equals(l[r])) {
            l[r] = longer;
            changed = true;
          }
        }
      }
    }
    return new RelationLabels(l);
  }
}
