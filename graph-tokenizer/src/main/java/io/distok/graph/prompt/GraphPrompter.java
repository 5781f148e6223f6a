package io.distok.graph.prompt;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Serialises the subgraph around a focal node into a prompt a language model can use: nodes by name with their
 * ids for grounding ({@code name [id]}), descriptions and attributes, readable relation labels, and a hard
 * budget counted by a real tokenizer.
 *
 * <p>The subgraph holds the nodes within {@code radius} hops. With {@link Ranking#PPR} (the default) they are
 * ranked by personalized PageRank from the focal node ({@link PersonalizedPageRank}, alpha 0.15), hop distance
 * and then id breaking ties, and the {@code maxNodes} best are kept; an edge between kept nodes is as relevant
 * as its less relevant end. With {@link Ranking#HOPS} nodes come in breadth-first order and edges by the hop
 * distances of their ends. Edges (or nodes, for {@link PromptEncoding#TOKENS}) are admitted by relevance while
 * the prompt's token count stays within the budget, and the prompt says how many were left out. Direction is
 * always explicit. Output is a deterministic function of the graph, the text and the options.
 *
 * <p>Cost per prompt: the PPR push (O(1 / (alpha epsilon)) edge visits, epsilon 1e-4), the kept nodes' edges
 * (O(sum of their degrees)), a sort of the admitted candidates, and O(log edges) renderings and token counts for
 * the budget. Thread-safe: batch mode calls it from several threads.
 */
public final class GraphPrompter {
  /** Teleport probability of the personalized PageRank. */
  public static final double PPR_ALPHA = 0.15;
  /** Push threshold per unit of degree of the personalized PageRank. */
  public static final double PPR_EPSILON = 1e-4;

  /** How the neighbourhood is ranked for the budget. */
  public enum Ranking {
    /** Personalized PageRank from the focal node, hop distance as the tie-break. */
    PPR,
    /** Hop distance alone (breadth-first order). */
    HOPS
  }

  private final CsrGraph graph;
  private final NodeTokenization tokens;
  private final NodeText text;
  private final RelationLabels relations;
  private final PersonalizedPageRank ppr;
  private final ThreadLocal<PersonalizedPageRank.Workspace> workspaces;

  /**
   * A prompter without node text, with readable relation labels.
   *
   * @param tokens tokenization for the {@link PromptEncoding#TOKENS} encoding, or null
   */
  public GraphPrompter(CsrGraph graph, NodeTokenization tokens) {
    this(graph, tokens, NodeText.NONE, RelationLabels.readable(graph));
  }

  /**
   * @param tokens tokenization for the {@link PromptEncoding#TOKENS} encoding, or null
   * @param text node names, descriptions and attributes
   * @param relations relation labels
   */
  public GraphPrompter(CsrGraph graph, NodeTokenization tokens, NodeText text, RelationLabels relations) {
    this.graph = Objects.requireNonNull(graph, "graph");
    this.tokens = tokens;
    this.text = Objects.requireNonNull(text, "text");
    this.relations = Objects.requireNonNull(relations, "relations");
    this.ppr = new PersonalizedPageRank(graph, PPR_ALPHA, PPR_EPSILON);
    this.workspaces = ThreadLocal.withInitial(ppr::workspace);
  }

  /**
   * Options of a prompt.
   *
   * @param radius hops around the focal node (>= 0)
   * @param maxNodes cap on the subgraph's nodes (>= 1)
   * @param budget the most {@code counter} units the prompt may take; 0 = unlimited
   * @param counter what the budget counts
   * @param ranking how the neighbourhood is ranked
   */
  public record Options(int radius, int maxNodes, int budget, TokenCounter counter, Ranking ranking) {
    public Options {
      if (radius < 0 || maxNodes < 1 || budget < 0) {
        throw new IllegalArgumentException("radius must be >= 0, max nodes >= 1 and the budget >= 0, got radius "
            + radius + ", max nodes " + maxNodes + ", budget " + budget);
      }
      Objects.requireNonNull(counter, "counter");
      Objects.requireNonNull(ranking, "ranking");
    }

    /** A budget in characters (0 = none), PPR ranking. */
    public Options(int radius, int maxNodes, int budgetChars) {
      this(radius, maxNodes, budgetChars, TokenCounter.CHARACTERS, Ranking.PPR);
    }

    /** A budget in approximate tokens ({@link TokenCounter#APPROXIMATE}), PPR ranking. */
    public static Options withTokenBudget(int radius, int maxNodes, int tokens) {
      return new Options(radius, maxNodes, tokens, TokenCounter.APPROXIMATE, Ranking.PPR);
    }

    public Options withRanking(Ranking r) {
      return new Options(radius, maxNodes, budget, counter, r);
    }

    public Options withBudget(int b, TokenCounter c) {
      return new Options(radius, maxNodes, b, c, ranking);
    }
  }

  /**
   * A rendered prompt with what it kept.
   *
   * @param text the prompt
   * @param count its size in the budget's units
   * @param unitsKept edges (nodes, for tokens) in the prompt
   * @param unitsTotal edges (nodes) of the subgraph
   * @param focalEdgesKept edges touching the focal node in the prompt
   * @param focalEdgesTotal edges touching the focal node in the graph
   */
  public record Prompt(String text, int count, int unitsKept, int unitsTotal, int focalEdgesKept,
      int focalEdgesTotal) {}

  private record Edge(int head, int relation, int tail, double relevance, int near, int far) {}

  /**
   * The subgraph around a focal node: kept nodes in rank order (focal first), their hop distances, the ranked
   * edges among them, how many kept nodes carry each name (a name used once can stand without its id) and the
   * largest hop distance. Built once per prompt; every rendering of the budget search reads it.
   */
  private record Subgraph(int focal, int[] nodes, Map<Integer, Integer> hops, List<Edge> edges,
      Map<String, Integer> nameUses, int maxHop) {
    int units(PromptEncoding encoding) {
      return encoding == PromptEncoding.TOKENS ? nodes.length : edges.size();
    }
  }

  /** The prompt text for {@code focal}; see {@link #render}. */
  public String prompt(String focal, PromptEncoding encoding, Options options) {
    return render(focal, encoding, options).text();
  }

  /**
   * The prompt for {@code focal} in the given encoding. A budget is a hard limit: the most relevant edges (or
   * nodes, for tokens) that fit are kept, with a closing line saying how many were left out.
   *
   * @throws InvalidInputException when the node is unknown, or even the header and the focal node do not fit in
   *     the budget
   */
  public Prompt render(String focal, PromptEncoding encoding, Options options) {
    if (encoding == PromptEncoding.TOKENS && tokens == null) {
      throw new IllegalArgumentException("the tokens encoding needs a tokenization of the graph");
    }
    int f = graph.node(focal);
    Subgraph sub = subgraph(f, options);
    int units = sub.units(encoding);
    TokenCounter counter = options.counter();
    int budget = options.budget();
    String all = render(sub, encoding, units);
    int allCount = counter.count(all);
    if (budget == 0 || allCount <= budget) {
      return result(sub, encoding, all, allCount, units);
    }
    // the prompt grows with the number of units kept: find the largest count that fits
    int lo = encoding == PromptEncoding.TOKENS ? 1 : 0;
    String best = render(sub, encoding, lo);
    int bestCount = counter.count(best);
    if (bestCount > budget) {
      throw new InvalidInputException("a budget of " + budget + " " + counter.unit() + " is too small for the "
          + "prompt about " + focal + ": its header" + (lo == 1 ? ", the focal node" : "") + " and the note of what "
          + "was left out take " + bestCount);
    }
    int bestKept = lo;
    int hi = units - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      String t = render(sub, encoding, mid);
      int c = counter.count(t);
      if (c <= budget) {
        lo = mid;
        best = t;
        bestCount = c;
        bestKept = mid;
      } else {
        hi = mid - 1;
      }
    }
    return result(sub, encoding, best, bestCount, bestKept);
  }

  private Prompt result(Subgraph sub, PromptEncoding encoding, String t, int count, int kept) {
    int focalKept = 0;
    if (encoding != PromptEncoding.TOKENS) {
      for (Edge e : sub.edges().subList(0, kept)) {
        focalKept += e.head() == sub.focal() || e.tail() == sub.focal() ? 1 : 0;
      }
    }
    return new Prompt(t, count, kept, sub.units(encoding), focalKept, graph.degree(sub.focal()));
  }

  /** How prompts name node {@code node}: {@code name [id]}, or the id when it has no name. */
  public String display(String node) {
    return full(graph.node(node));
  }

  // ---- subgraph selection

  private Subgraph subgraph(int focal, Options o) {
    int[] nodes;
    Map<Integer, Integer> hops;
    double[] score;
    if (o.ranking() == Ranking.HOPS) {
      hops = breadthFirst(focal, o.radius(), o.maxNodes());
      nodes = hops.keySet().stream().mapToInt(Integer::intValue).toArray();
      score = null;
    } else {
      PersonalizedPageRank.Workspace w = workspaces.get();
      ppr.compute(focal, w);
      hops = reachedHops(focal, o.radius(), w);
      Integer[] order = hops.keySet().toArray(new Integer[0]);
      Map<Integer, Integer> h = hops;
      Arrays.sort(order, Comparator.<Integer>comparingDouble(v -> v == focal ? Double.NEGATIVE_INFINITY
          : -w.score(v)).thenComparingInt(h::get).thenComparing(v -> graph.nodeName(v)));
      nodes = new int[Math.min(order.length, o.maxNodes())];
      score = new double[nodes.length];
      Map<Integer, Integer> keptHops = new LinkedHashMap<>();
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = order[i];
        score[i] = w.score(order[i]);
        keptHops.put(order[i], hops.get(order[i]));
      }
      hops = keptHops;
    }
    Map<Integer, Integer> position = new HashMap<>();
    for (int i = 0; i < nodes.length; i++) {
      position.put(nodes[i], i);
    }
    List<Edge> edges = new ArrayList<>();
    Map<String, Integer> nameUses = new HashMap<>();
    int maxHop = 0;
    for (int i = 0; i < nodes.length; i++) {
      int v = nodes[i];
      int dv = hops.get(v);
      maxHop = Math.max(maxHop, dv);
      if (text.name(v) != null) {
        nameUses.merge(text.name(v), 1, Integer::sum);
      }
      for (int e = graph.outStart(v); e < graph.outEnd(v); e++) {
        Integer t = position.get(graph.outTarget(e));
        if (t != null) {
          int dt = hops.get(graph.outTarget(e));
          double relevance = score == null ? 0 : Math.min(score[i], score[t]);
          edges.add(new Edge(v, graph.outRelation(e), graph.outTarget(e), relevance, Math.min(dv, dt),
              Math.max(dv, dt)));
        }
      }
    }
    edges.sort(Comparator.comparingDouble((Edge e) -> -e.relevance()).thenComparingInt(Edge::near)
        .thenComparingInt(Edge::far).thenComparing(e -> graph.nodeName(e.head()))
        .thenComparing(e -> graph.relationName(e.relation())).thenComparing(e -> graph.nodeName(e.tail())));
    return new Subgraph(focal, nodes, hops, edges, nameUses, maxHop);
  }

  /**
   * Hop distances from {@code focal} up to {@code radius} through the nodes the PPR push reached (the order does
   * not matter: the nodes are ranked by score afterwards). Every neighbour of the focal node is reached, so
   * distances up to 2 are exact; beyond, a path through unreached nodes is not seen.
   */
  private Map<Integer, Integer> reachedHops(int focal, int radius, PersonalizedPageRank.Workspace w) {
    Map<Integer, Integer> dist = new HashMap<>();
    dist.put(focal, 0);
    List<Integer> frontier = List.of(focal);
    for (int h = 1; h <= radius && !frontier.isEmpty(); h++) {
      List<Integer> next = new ArrayList<>();
      for (int v : frontier) {
        for (int e = graph.outStart(v); e < graph.outEnd(v); e++) {
          visit(graph.outTarget(e), h, w, dist, next);
        }
        for (int e = graph.inStart(v); e < graph.inEnd(v); e++) {
          visit(graph.inSource(e), h, w, dist, next);
        }
      }
      frontier = next;
    }
    return dist;
  }

  private static void visit(int u, int h, PersonalizedPageRank.Workspace w, Map<Integer, Integer> dist,
      List<Integer> next) {
    if (w.reached(u) && dist.putIfAbsent(u, h) == null) {
      next.add(u);
    }
  }

  /**
   * Hop distances from {@code focal} up to {@code radius}, in breadth-first order with each node's neighbours by
   * name, at most {@code cap} nodes.
   */
  private Map<Integer, Integer> breadthFirst(int focal, int radius, int cap) {
    Map<Integer, Integer> dist = new LinkedHashMap<>();
    dist.put(focal, 0);
    List<Integer> frontier = List.of(focal);
    for (int h = 1; h <= radius && dist.size() < cap && !frontier.isEmpty(); h++) {
      List<Integer> next = new ArrayList<>();
      for (int v : frontier) {
        for (int u : neighboursSorted(v)) {
          if (dist.size() >= cap) {
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

  /** Neighbours in both directions, ordered by id for a stable, input-order-independent prompt. */
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

  // ---- rendering

  private String render(Subgraph sub, PromptEncoding encoding, int kept) {
    return switch (encoding) {
      case TRIPLES -> triples(sub, kept);
      case INCIDENT -> incident(sub, kept);
      case TOKENS -> tokenLines(sub, kept);
      case JSON -> json(sub, kept);
    };
  }

  /** The full form of a node's name: {@code name [id]}, or the id alone. */
  private String full(int v) {
    String n = text.name(v);
    String id = graph.nodeName(v);
    return n == null || n.equals(id) ? id : n + " [" + id + "]";
  }

  /** The short form: the name when no other node of the prompt shares it, else the full form. */
  private String brief(Subgraph sub, int v) {
    String n = text.name(v);
    return n != null && sub.nameUses().get(n) == 1 ? n : full(v);
  }

  private boolean hasDetails(int v) {
    return text.name(v) != null || text.description(v) != null || !text.attributes(v).isEmpty();
  }

  /** {@code description; key: value; ...} of a node, or the empty string. */
  private String detailText(int v) {
    StringBuilder sb = new StringBuilder();
    if (text.description(v) != null) {
      sb.append(text.description(v));
    }
    for (Map.Entry<String, String> a : text.attributes(v).entrySet()) {
      sb.append(sb.isEmpty() ? "" : "; ").append(a.getKey()).append(": ").append(a.getValue());
    }
    return sb.toString();
  }

  /** The kept edges' nodes in rank order (focal first). */
  private List<Integer> mentioned(Subgraph sub, List<Edge> kept) {
    Set<Integer> in = new HashSet<>();
    in.add(sub.focal());
    for (Edge e : kept) {
      in.add(e.head());
      in.add(e.tail());
    }
    List<Integer> out = new ArrayList<>();
    for (int v : sub.nodes()) {
      if (in.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  private String header(Subgraph sub, String what) {
    return "Graph around " + full(sub.focal()) + " (" + sub.nodes().length + " nodes within " + sub.maxHop()
        + (sub.maxHop() == 1 ? " hop). " : " hops). ") + what + "\n";
  }

  private String triples(Subgraph sub, int kept) {
    List<Edge> admitted = sub.edges().subList(0, kept);
    StringBuilder sb = new StringBuilder(header(sub, "Each edge line is (head, relation, tail), directed "
        + "from head to tail."));
    nodeList(sb, mentioned(sub, admitted));
    for (Edge e : admitted) {
      sb.append('(').append(brief(sub, e.head())).append(", ").append(relations.label(e.relation())).append(", ")
          .append(brief(sub, e.tail())).append(")\n");
    }
    return omitted(sb, sub.edges().size() - kept, "less relevant edges");
  }

  /** The node list: every mentioned node that has a name or details, with its id. */
  private void nodeList(StringBuilder sb, List<Integer> nodes) {
    boolean any = false;
    for (int v : nodes) {
      if (hasDetails(v)) {
        if (!any) {
          sb.append("Nodes:\n");
          any = true;
        }
        String d = detailText(v);
        sb.append(full(v)).append(d.isEmpty() ? "" : ": " + d).append('\n');
      }
    }
    if (any) {
      sb.append("Edges:\n");
    }
  }

  private String incident(Subgraph sub, int kept) {
    List<Edge> admitted = sub.edges().subList(0, kept);
    StringBuilder sb = new StringBuilder(header(sub, "For each node: -[relation]-> tail is an outgoing "
        + "edge, <-[relation]- head an incoming one."));
    for (int v : mentioned(sub, admitted)) {
      String d = detailText(v);
      StringBuilder block = new StringBuilder(full(v)).append(d.isEmpty() ? "" : " (" + d + ")").append(":\n");
      for (Edge e : admitted) {
        if (e.head() == v) {
          block.append("  -[").append(relations.label(e.relation())).append("]-> ").append(brief(sub, e.tail()))
              .append('\n');
        }
        if (e.tail() == v) {
          block.append("  <-[").append(relations.label(e.relation())).append("]- ").append(brief(sub, e.head()))
              .append('\n');
        }
      }
      sb.append(block);
    }
    return omitted(sb, sub.edges().size() - kept, "less relevant edges");
  }

  private String tokenLines(Subgraph sub, int kept) {
    StringBuilder sb = new StringBuilder(header(sub, "Anchor-relation tokens of each node (anchors "
        + "nearest first, then relation types; r^-1 = incoming r)."));
    for (int i = 0; i < kept; i++) {
      int v = sub.nodes()[i];
      sb.append(full(v)).append(": ").append(String.join(" ", tokens.tokens(v))).append('\n');
    }
    return omitted(sb, sub.nodes().length - kept, "more nodes");
  }

  /**
   * One JSON object for tool calling: {@code focal}, {@code nodes} (id, hops, name, description, attributes,
   * tokens when a tokenization is given), {@code edges} (head, relation, tail ids), {@code omitted_edges}.
   */
  private String json(Subgraph sub, int kept) {
    List<Edge> admitted = sub.edges().subList(0, kept);
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (int v : mentioned(sub, admitted)) {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("id", graph.nodeName(v));
      n.put("hops", sub.hops().get(v));
      if (text.name(v) != null) {
        n.put("name", text.name(v));
      }
      if (text.description(v) != null) {
        n.put("description", text.description(v));
      }
      if (!text.attributes(v).isEmpty()) {
        n.put("attributes", text.attributes(v));
      }
      if (tokens != null) {
        n.put("tokens", tokens.tokens(v));
      }
      nodes.add(n);
    }
    List<Map<String, Object>> edges = new ArrayList<>();
    for (Edge e : admitted) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("head", graph.nodeName(e.head()));
      m.put("relation", relations.label(e.relation()));
      m.put("tail", graph.nodeName(e.tail()));
      edges.add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("focal", graph.nodeName(sub.focal()));
    doc.put("nodes", nodes);
    doc.put("edges", edges);
    doc.put("omitted_edges", sub.edges().size() - kept);
    try {
      return JSON.std.asString(doc) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
