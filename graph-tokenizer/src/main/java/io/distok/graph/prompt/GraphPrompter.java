package io.distok.graph.prompt;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.quant.InvalidInputException;
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
  private static final int TRAILER = 56;

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
        throw new InvalidInputException("radius must be >= 0, max nodes >= 1 and the budget >= 0");
      }
    }

    /** A budget given in approximate tokens ({@link #CHARS_PER_TOKEN} characters each). */
    public static Options withTokenBudget(int radius, int maxNodes, int tokens) {
      return new Options(radius, maxNodes, tokens * CHARS_PER_TOKEN);
    }
  }

  private record Edge(int head, int relation, int tail, int rank) {}

  /** The prompt for {@code focal} in the given encoding. */
  public String prompt(String focal, PromptEncoding encoding, Options options) {
    // room for the closing "(N ... omitted for length)" line, so the whole prompt honours the budget
    int budget = options.budgetChars() == 0 ? 0 : Math.max(1, options.budgetChars() - TRAILER);
    if (encoding == PromptEncoding.TOKENS && tokens == null) {
      throw new InvalidInputException("the tokens encoding needs a tokenization of the graph");
    }
    int f = graph.node(focal);
    Map<Integer, Integer> dist = neighbourhood(f, options);
    List<Edge> edges = rankedEdges(dist);
    StringBuilder header = new StringBuilder();
    header.append(switch (encoding) {
      case TRIPLES -> "Knowledge graph around " + focal + " (" + dist.size() + " nodes within " + options.radius()
          + " hops). Each line is (head, relation, tail), directed from head to tail.\n";
      case INCIDENT -> "Knowledge graph around " + focal + ". For each node: -[relation]-> tail is an outgoing "
          + "edge, <-[relation]- head an incoming one.\n";
      case TOKENS -> "Anchor-relation tokens of " + focal + " and its neighbourhood (anchors nearest first, then "
          + "relation types; r^-1 = incoming r).\n";
    });
    return switch (encoding) {
      case TRIPLES -> triples(header, edges, budget);
      case INCIDENT -> incident(header, dist, edges, budget);
      case TOKENS -> tokenLines(header, dist, budget);
    };
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

  private String triples(StringBuilder sb, List<Edge> edges, int budget) {
    int kept = 0;
    for (Edge e : edges) {
      String line = "(" + graph.nodeName(e.head()) + ", " + graph.relationName(e.relation()) + ", "
          + graph.nodeName(e.tail()) + ")\n";
      if (budget > 0 && sb.length() + line.length() > budget) {
        break;
      }
      sb.append(line);
      kept++;
    }
    return omitted(sb, edges.size() - kept, budget);
  }

  private String incident(StringBuilder sb, Map<Integer, Integer> dist, List<Edge> edges, int budget) {
    // edges are admitted by relevance; each node then lists the admitted edges it touches
    List<Edge> admitted = new ArrayList<>();
    int length = sb.length() + dist.size() * 2;
    for (Edge e : edges) {
      int cost = 2 * (graph.relationName(e.relation()).length() + 12) + graph.nodeName(e.head()).length()
          + graph.nodeName(e.tail()).length();
      if (budget > 0 && length + cost > budget) {
        break;
      }
      length += cost;
      admitted.add(e);
    }
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
      if (lines == 0 && v != dist.keySet().iterator().next()) {
        continue;
      }
      if (budget > 0 && sb.length() + block.length() > budget) {
        break;
      }
      sb.append(block);
    }
    return omitted(sb, edges.size() - admitted.size(), budget);
  }

  private String tokenLines(StringBuilder sb, Map<Integer, Integer> dist, int budget) {
    int kept = 0;
    for (int v : dist.keySet()) {
      String line = graph.nodeName(v) + ": " + String.join(" ", tokens.tokens(v)) + "\n";
      if (budget > 0 && sb.length() + line.length() > budget) {
        break;
      }
      sb.append(line);
      kept++;
    }
    int dropped = dist.size() - kept;
    if (dropped > 0) {
      sb.append("(").append(dropped).append(" more nodes omitted for length)\n");
    }
    return sb.toString();
  }

  private static String omitted(StringBuilder sb, int dropped, int budget) {
    if (dropped > 0) {
      sb.append("(").append(dropped).append(" less relevant edges omitted for length)\n");
    }
    return sb.toString();
  }

  /** All encodings, for display. */
  public static List<PromptEncoding> encodings() {
    return Arrays.asList(PromptEncoding.values());
  }
}
