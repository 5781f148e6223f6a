package io.distok.graph.prompt;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.source.JGraphTSource;
import io.distok.util.InvalidInputException;
import io.distok.util.io.TextLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a prompt says about each node besides its id: a readable name, a description and attributes (e.g. a
 * title and a year). Nodes without text are shown by their id; nodes with a name as {@code name [id]}, so the id
 * stays available for grounding. Sources: a mapping file ({@link #readFile}), Neo4j properties (see {@code
 * Neo4jGraphReader}), a JGraphT vertex-to-label function ({@link #ofVertices}) or the {@link Builder}. Memory
 * O(nodes with text).
 */
public final class NodeText {
  /** No text for any node: every node is shown by its id. */
  public static final NodeText NONE = new Builder().build();

  private final Map<Integer, String> names;
  private final Map<Integer, String> descriptions;
  private final Map<Integer, Map<String, String>> attributes;

  private NodeText(Builder b) {
    this.names = Map.copyOf(b.names);
    this.descriptions = Map.copyOf(b.descriptions);
    Map<Integer, Map<String, String>> a = new java.util.HashMap<>();
    b.attributes.forEach((v, m) -> a.put(v, Collections.unmodifiableMap(new LinkedHashMap<>(m))));
    this.attributes = Map.copyOf(a);
  }

  /** The node's readable name, or null. */
  public String name(int v) {
    return names.get(v);
  }

  /** The node's description, or null. */
  public String description(int v) {
    return descriptions.get(v);
  }

  /** The node's attributes in their given order (empty when none). */
  public Map<String, String> attributes(int v) {
    return attributes.getOrDefault(v, Map.of());
  }

  /** Number of nodes with a name. */
  public int namedNodes() {
    return names.size();
  }

  /** Collects node text; later values for the same node and field replace earlier ones. */
  public static final class Builder {
    private final Map<Integer, String> names = new java.util.HashMap<>();
    private final Map<Integer, String> descriptions = new java.util.HashMap<>();
    private final Map<Integer, Map<String, String>> attributes = new java.util.HashMap<>();

    /** Sets the name of node {@code v}; blank names are ignored. */
    public Builder name(int v, String name) {
      if (name != null && !name.isBlank()) {
        names.put(v, oneLine(name));
      }
      return this;
    }

    /** Sets the description of node {@code v}; blank descriptions are ignored. */
    public Builder description(int v, String description) {
      if (description != null && !description.isBlank()) {
        descriptions.put(v, oneLine(description));
      }
      return this;
    }

    /** Adds an attribute of node {@code v}; null or blank values are ignored. */
    public Builder attribute(int v, String key, String value) {
      Objects.requireNonNull(key, "key");
      if (value != null && !value.isBlank()) {
        attributes.computeIfAbsent(v, x -> new LinkedHashMap<>()).put(key, oneLine(value));
      }
      return this;
    }

    public NodeText build() {
      return new NodeText(this);
    }
  }

  /** Line breaks and tabs inside a value would break the prompt's line structure: they become spaces. */
  private static String oneLine(String s) {
    return s.strip().replaceAll("[\\t\\r\\n]+", " ");
  }

  /**
   * Reads {@code id<TAB>name[<TAB>description]} lines (gzip ok, CRLF ok, blank and {@code #} lines skipped). Ids
   * not in the graph are skipped (a names file often covers a whole data set and a graph one split of it).
   *
   * @throws InvalidInputException naming the file and line for a line without a name or a repeated id
   */
  public static NodeText readFile(Path file, CsrGraph graph) throws IOException {
    Builder b = new Builder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    TextLines.forEach(file, (lineNo, line) -> {
      String[] f = line.split("\t", -1);
      if (f.length < 2 || f.length > 3) {
        throw new InvalidInputException(file + ", line " + lineNo + ": expected id<TAB>name[<TAB>description], "
            + "found " + f.length + " field" + (f.length == 1 ? "" : "s"));
      }
      String id = f[0].strip();
      if (id.isEmpty() || f[1].isBlank()) {
        throw new InvalidInputException(file + ", line " + lineNo + ": the " + (id.isEmpty() ? "id" : "name")
            + " is empty");
      }
      if (!seen.add(id)) {
        throw new InvalidInputException(file + ", line " + lineNo + ": id '" + id + "' was named before");
      }
      if (graph.hasNode(id)) {
        int v = graph.node(id);
        b.name(v, f[1]);
        if (f.length == 3) {
          b.description(v, f[2]);
        }
      }
    });
    return b.build();
  }

  /**
   * Names (and optional descriptions) from a JGraphT graph's vertices, e.g. {@code Person::fullName}.
   *
   * @param description vertex to description, or null for none
   */
  public static <V> NodeText ofVertices(JGraphTSource.VertexGraph<V> graph, Function<V, String> name,
      Function<V, String> description) {
    Objects.requireNonNull(name, "name");
    Builder b = new Builder();
    for (V vertex : graph.vertices()) {
      int v = graph.node(vertex);
      b.name(v, name.apply(vertex));
      if (description != null) {
        b.description(v, description.apply(vertex));
      }
    }
    return b.build();
  }
}
