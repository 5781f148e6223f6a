package io.distok.graph.prompt;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serialises the subgraph around a focal node into prompt text. The subgraph holds the nodes within
 * {@code radius} hops (undirected breadth-first, at most {@code maxNodes}, focal node first, then by distance
 * and discovery order); its edges are ranked by relevance (edges touching nearer nodes first, then by names)
 * and taken in that order while the text stays within the budget, so the least relevant edges are trimmed
 * first. Direction is always explicit. Output is deterministic. Cost O(edges of the subgraph log edges).
 */
public final class GraphPrompter {
  /** Rough characters per token of English-like text, for budgets given in tokens. */
  public static final int CHARS_PER_TOKEN = 4;

  private final CsrGraph graph;
  private final NodeTokenization tokens;

  /** @param tokens tokenization for the {@link PromptEncoding#TOKENS} encoding, or null */
  public GraphPrompter(CsrGraph graph, NodeTokenization tokens) {
    this.graph = graph;
    this.tokens = tokens;
  }

  /** Options: hop radius, node cap, and a budget in characters (0 = unlimited). */
  public record Options(int radius, int maxNodes, int budgetChars) {
    public Options {
      if (radius < 0 || maxNodes < 1 || budgetChars < 0) {
        throw new IllegalArgumentException("radius must be >= 0, max nodes >= 1 and the budget >= 0, got radius "
            + radius + ", max nodes " + maxNodes + ", budget " + budgetChars);
      }
    }

    /** A budget given in approximate tokens ({@link #CHARS_PER_TOKEN} characters each). */
    public static Options withTokenBudget(int radius, int maxNodes, int tokens) {
      return new Options(radius, maxNodes, tokens * CHARS_PER_TOKEN);
    }
  }

  private record Edge(int head, int relation, int tail, int rank) {}

  /**
   * The prompt for {@code focal} in the given encoding. A budget is a hard limit on the returned text: the most
   * relevant edges (or nodes, for tokens) that fit are kept, with a closing line saying how many were left out.
   *
   * @throws InvalidInputException when even the header and the focal node do not fit in the budget
   */
  public String prompt(String focal, PromptEncoding encoding, Options options) {
    if (encoding == PromptEncoding.TOKENS && tokens == null) {
      throw new IllegalArgumentException("the tokens encoding needs a tokenization of the graph");
    }
    int f = graph.node(focal);
    Map<Integer, Integer> dist = neighbourhood(f, options);
    List<Edge> edges = rankedEdges(dist);
    String header = switch (encoding) {
      case TRIPLES -> "Knowledge graph around " + focal + " (" + dist.size() + " nodes within " + options.radius()
          + " hops). Each line is (head, relation, tail), directed from head to tail.\n";
      case INCIDENT -> "Knowledge graph around " + focal + ". For each node: -[relation]-> tail is an outgoing "
          + "edge, <-[relation]- head an incoming one.\n";
      case TOKENS -> "Anchor-relation tokens of " + focal + " and its neighbourhood (anchors nearest first, then "
          + "relation types; r^-1 = incoming r).\n";
    };
    int units = encoding == PromptEncoding.TOKENS ? dist.size() : edges.size();
    java.util.function.IntFunction<String> render = kept -> switch (encoding) {
      case TRIPLES -> triples(new StringBuilder(header), edges, kept);
      case INCIDENT -> incident(new StringBuilder(header), dist, edges, kept);
      case TOKENS -> tokenLines(new StringBuilder(header), dist, kept);
    };
    int budget = options.budgetChars();
    String all = render.apply(units);
    if (budget == 0 || all.length() <= budget) {
      return all;
    }
    // the rendered length grows with the number of units kept: find the largest count that fits
    int lo = encoding == PromptEncoding.TOKENS ? 1 : 0;
    String best = render.apply(lo);
    if (best.length() > budget) {
      throw new InvalidInputException("a budget of " + budget + " characters is too small for the prompt about "
          + focal + ": its header" + (lo == 1 ? ", the focal node" : "") + " and the note of what was left out "
          + "take " + best.length() + " characters");
    }
    int hi = units - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      String text = render.apply(mid);
      if (text.length() <= budget) {
        lo = mid;
        best = text;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  private Map<Integer, Integer> neighbourhood(int focal, Options o) {
    Map<Integer, Integer> dist = new LinkedHashMap<>();
    dist.put(focal, 0);
    List<Integer> frontier = List.of(focal);
    for (int h = 1; h <= o.radius() && dist.size() < o.maxNodes(); h++) {
      List<Integer> next = new ArrayList<>();
      for (int v : frontier) {
        for (int u : neighboursSorted(v)) {
          if (dist.size() >= o.maxNodes()) {
            break;
          }
          if (!dist.containsKey(u)) {
            dist.put(u, h);
            next.add(u);
          }
        }
      }
      frontier = next;
    }
    return dist;
  }

  /** Neighbours in both directions, ordered by name for a stable, input-order-independent prompt. */
  private List<Integer> neighboursSorted(int v) {
    List<Integer> n = new ArrayList<>();
    for (int e = graph.outStart(v); e < graph.outEnd(v); e++) {
      n.add(graph.outTarget(e));
    }
    for (int e = graph.inStart(v); e < graph.inEnd(v); e++) {
      n.add(graph.inSource(e));
    }
    n.sort(Comparator.comparing(graph::nodeName));
    return n;
  }

  private List<Edge> rankedEdges(Map<Integer, Integer> dist) {
    List<Edge> edges = new ArrayList<>();
    for (int v : dist.keySet()) {
      for (int e = graph.outStart(v); e < graph.outEnd(v); e++) {
        Integer dt = dist.get(graph.outTarget(e));
        if (dt != null) {
          int dv = dist.get(v);
          edges.add(new Edge(v, graph.outRelation(e), graph.outTarget(e), Math.min(dv, dt) * 1024 + Math.max(dv, dt)));
        }
      }
    }
    edges.sort(Comparator.comparingInt(Edge::rank).thenComparing(e -> graph.nodeName(e.head()))
        .thenComparing(e -> graph.relationName(e.relation())).thenComparing(e -> graph.nodeName(e.tail())));
    return edges;
  }

  private String triples(StringBuilder sb, List<Edge> edges, int kept) {
    for (Edge e : edges.subList(0, kept)) {
      sb.append('(').append(graph.nodeName(e.head())).append(", ").append(graph.relationName(e.relation()))
          .append(", ").append(graph.nodeName(e.tail())).append(")\n");
    }
    return omitted(sb, edges.size() - kept, "less relevant edges");
  }

  private String incident(StringBuilder sb, Map<Integer, Integer> dist, List<Edge> edges, int kept) {
    // edges are admitted by relevance; each node then lists the admitted edges it touches
    List<Edge> admitted = edges.subList(0, kept);
    int focal = dist.keySet().iterator().next();
    for (int v : dist.keySet()) {
      StringBuilder block = new StringBuilder(graph.nodeName(v)).append(":\n");
      int lines = 0;
      for (Edge e : admitted) {
        if (e.head() == v) {
          block.append("  -[").append(graph.relationName(e.relation())).append("]-> ").append(graph.nodeName(e.tail()))
              .append('\n');
          lines++;
        }
        if (e.tail() == v) {
          block.append("  <-[").append(graph.relationName(e.relation())).append("]- ").append(graph.nodeName(e.head()))
              .append('\n');
          lines++;
        }
      }
      if (lines > 0 || v == focal) {
        sb.append(block);
      }
    }
    return omitted(sb, edges.size() - kept, "less relevant edges");
  }

  private String tokenLines(StringBuilder sb, Map<Integer, Integer> dist, int kept) {
    int i = 0;
    for (int v : dist.keySet()) {
      if (i++ == kept) {
        break;
      }
      sb.append(graph.nodeName(v)).append(": ").append(String.join(" ", tokens.tokens(v))).append('\n');
    }
    return omitted(sb, dist.size() - kept, "more nodes");
  }

  private static String omitted(StringBuilder sb, int dropped, String what) {
    if (dropped > 0) {
      sb.append('(').append(dropped).append(' ').append(what).append(" omitted for length)\n");
    }
    return sb.toString();
  }

  /** All encodings, for display. */
  public static List<PromptEncoding> encodings() {
    return Arrays.asList(PromptEncoding.values());
  }
}
