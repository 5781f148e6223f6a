package io.distok.graph.csr;

import io.distok.util.InvalidInputException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A directed multigraph with relation-labelled edges in compressed sparse row form, both directions: node
 * {@code v}'s out-edges are {@code outTarget[outOffset[v] .. outOffset[v+1])} with relations in {@code
 * outRelation}, and its in-edges likewise. Parallel edges and self-loops are kept. Memory: 4 (V + 1) * 2 +
 * 8 E * 2 bytes plus the node and relation names. Immutable and thread-safe.
 */
public final class CsrGraph {
  private final String[] nodeNames;
  private final String[] relationNames;
  private final int[] outOffset;
  private final int[] outTarget;
  private final int[] outRelation;
  private final int[] inOffset;
  private final int[] inSource;
  private final int[] inRelation;
  private volatile Map<String, Integer> nodeIndex;

  CsrGraph(String[] nodeNames, String[] relationNames, int[] outOffset, int[] outTarget, int[] outRelation,
      int[] inOffset, int[] inSource, int[] inRelation) {
    this.nodeNames = nodeNames;
    this.relationNames = relationNames;
    this.outOffset = outOffset;
    this.outTarget = outTarget;
    this.outRelation = outRelation;
    this.inOffset = inOffset;
    this.inSource = inSource;
    this.inRelation = inRelation;
  }

  public int nodeCount() {
    return nodeNames.length;
  }

  public long edgeCount() {
    return outTarget.length;
  }

  public int relationCount() {
    return relationNames.length;
  }

  public String nodeName(int v) {
    return nodeNames[v];
  }

  public String relationName(int r) {
    return relationNames[r];
  }

  /** Relation names, by id. */
  public List<String> relationNames() {
    return List.of(relationNames);
  }

  /**
   * The id of a node by name.
   *
   * @throws InvalidInputException for an unknown node
   */
  public int node(String name) {
    Integer v = index().get(name);
    if (v == null) {
      throw new InvalidInputException("unknown node id '" + name + "'");
    }
    return v;
  }

  /** True when the graph has a node with this name. */
  public boolean hasNode(String name) {
    return index().containsKey(name);
  }

  private Map<String, Integer> index() {
    Map<String, Integer> m = nodeIndex;
    if (m == null) {
      m = new HashMap<>(nodeNames.length * 2);
      for (int i = 0; i < nodeNames.length; i++) {
        m.put(nodeNames[i], i);
      }
      nodeIndex = m;
    }
    return m;
  }

  public int outDegree(int v) {
    return outOffset[v + 1] - outOffset[v];
  }

  public int inDegree(int v) {
    return inOffset[v + 1] - inOffset[v];
  }

  /** Out-degree plus in-degree (a self-loop counts twice). */
  public int degree(int v) {
    return outDegree(v) + inDegree(v);
  }

  public int outStart(int v) {
    return outOffset[v];
  }

  public int outEnd(int v) {
    return outOffset[v + 1];
  }

  public int outTarget(int e) {
    return outTarget[e];
  }

  public int outRelation(int e) {
    return outRelation[e];
  }

  public int inStart(int v) {
    return inOffset[v];
  }

  public int inEnd(int v) {
    return inOffset[v + 1];
  }

  public int inSource(int e) {
    return inSource[e];
  }

  public int inRelation(int e) {
    return inRelation[e];
  }

  /** {@code "14,505 nodes, 272,115 edges, 237 relations"}: the size as a user reads it. */
  public String describe() {
    return String.format(java.util.Locale.ROOT, "%,d nodes, %,d edges, %,d relations", nodeCount(), edgeCount(),
        relationCount());
  }

  @Override
  public String toString() {
    return "CsrGraph[" + nodeCount() + " nodes, " + edgeCount() + " edges, " + relationCount() + " relations]";
  }

  /** Builds a graph edge by edge; names are interned to dense ids in first-seen order. O(V + E). */
  public static final class Builder {
    private final Map<String, Integer> nodes = new HashMap<>();
    private final Map<String, Integer> relations = new HashMap<>();
    private String[] nodeNames = new String[1024];
    private String[] relationNames = new String[16];
    private int[] heads = new int[1024];
    private int[] tails = new int[1024];
    private int[] rels = new int[1024];
    private int edges;

    /** Adds a node (isolated unless edges follow); returns its id. */
    public int addNode(String name) {
      Integer id = nodes.get(name);
      if (id != null) {
        return id;
      }
      int v = nodes.size();
      if (v == nodeNames.length) {
        nodeNames = Arrays.copyOf(nodeNames, v * 2);
      }
      nodeNames[v] = name;
      nodes.put(name, v);
      return v;
    }

    private int relation(String name) {
      Integer id = relations.get(name);
      if (id != null) {
        return id;
      }
      int r = relations.size();
      if (r == relationNames.length) {
        relationNames = Arrays.copyOf(relationNames, r * 2);
      }
      relationNames[r] = name;
      relations.put(name, r);
      return r;
    }

    /** Adds the edge {@code head -relation-> tail}. */
    public Builder addEdge(String head, String relation, String tail) {
      int h = addNode(head);
      int t = addNode(tail);
      int r = relation(relation);
      if (edges == heads.length) {
        int n = edges * 2;
        heads = Arrays.copyOf(heads, n);
        tails = Arrays.copyOf(tails, n);
        rels = Arrays.copyOf(rels, n);
      }
      heads[edges] = h;
      tails[edges] = t;
      rels[edges] = r;
      edges++;
      return this;
    }

    public int nodeCount() {
      return nodes.size();
    }

    /** The graph; the builder must not be used afterwards. */
    public CsrGraph build() {
      int n = nodes.size();
      int[] outOffset = new int[n + 1];
      int[] inOffset = new int[n + 1];
      for (int e = 0; e < edges; e++) {
        outOffset[heads[e] + 1]++;
        inOffset[tails[e] + 1]++;
      }
      for (int v = 0; v < n; v++) {
        outOffset[v + 1] += outOffset[v];
        inOffset[v + 1] += inOffset[v];
      }
      int[] outTarget = new int[edges];
      int[] outRelation = new int[edges];
      int[] inSource = new int[edges];
      int[] inRelation = new int[edges];
      int[] outFill = Arrays.copyOf(outOffset, n);
      int[] inFill = Arrays.copyOf(inOffset, n);
      // edges keep their input order within each node: deterministic for a given input
      for (int e = 0; e < edges; e++) {
        int o = outFill[heads[e]]++;
        outTarget[o] = tails[e];
        outRelation[o] = rels[e];
        int i = inFill[tails[e]]++;
        inSource[i] = heads[e];
        inRelation[i] = rels[e];
      }
      heads = null;
      tails = null;
      rels = null;
      return new CsrGraph(Arrays.copyOf(nodeNames, n), Arrays.copyOf(relationNames, relations.size()), outOffset,
          outTarget, outRelation, inOffset, inSource, inRelation);
    }
  }
}
