package io.distok.graph.prompt;

import io.distok.graph.csr.CsrGraph;

/**
 * Personalized PageRank from one node on the undirected view of a graph (every edge in both directions, with
 * multiplicity), approximated by local push (Andersen, Chung and Lang 2006): a node whose residual is at least
 * {@code epsilon} times its degree keeps {@code alpha} of it as score and spreads the rest evenly over its edges.
 * The scores then undershoot the exact PPR vector by less than {@code epsilon} times the node's degree.
 *
 * <p>Cost O(1 / (alpha epsilon)) edge visits per query, independent of the graph's size, and O(n) memory per
 * {@link Workspace} (reused across queries, reset in time proportional to the nodes touched). Nodes are pushed in
 * first-in first-out order, so the scores are a deterministic function of the graph and the source.
 */
public final class PersonalizedPageRank {
  private final CsrGraph graph;
  private final double alpha;
  private final double epsilon;

  /**
   * @param alpha teleport (restart) probability, in (0, 1); 0.15 is the usual choice
   * @param epsilon push threshold per unit of degree, > 0; smaller is more precise and costs more
   */
  public PersonalizedPageRank(CsrGraph graph, double alpha, double epsilon) {
    this.graph = java.util.Objects.requireNonNull(graph, "graph");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
    }
    this.alpha = alpha;
    this.epsilon = epsilon;
  }

  /** Per-thread scratch state: dense score and residual arrays and the list of nodes they touch. */
  public final class Workspace {
    private final double[] score = new double[graph.nodeCount()];
    private final double[] residual = new double[graph.nodeCount()];
    private final boolean[] queued = new boolean[graph.nodeCount()];
    private int[] touched = new int[64];
    private int touchedCount;
    private int[] queue = new int[64];

    /** The score of node {@code v} from the last {@link #compute}; 0 for nodes it did not reach. */
    public double score(int v) {
      return score[v];
    }

    /** Whether the last {@link #compute} reached node {@code v} (gave it a score or a residual). */
    public boolean reached(int v) {
      return score[v] > 0 || residual[v] > 0;
    }

    private void touch(int v) {
      if (score[v] == 0 && residual[v] == 0) {
        if (touchedCount == touched.length) {
          touched = java.util.Arrays.copyOf(touched, touched.length * 2);
        }
        touched[touchedCount++] = v;
      }
    }

    private void reset() {
      for (int i = 0; i < touchedCount; i++) {
        int v = touched[i];
        score[v] = 0;
        residual[v] = 0;
        queued[v] = false;
      }
      touchedCount = 0;
    }
  }

  /** A new workspace for one thread. */
  public Workspace workspace() {
    return new Workspace();
  }

  /** Computes the scores from {@code source} into {@code w}, replacing its previous contents. */
  public void compute(int source, Workspace w) {
    w.reset();
    w.touch(source);
    w.residual[source] = 1;
    // a circular FIFO queue of nodes whose residual may exceed their threshold
    int head = 0;
    int size = 1;
    w.queue[0] = source;
    w.queued[source] = true;
    while (size > 0) {
      int u = w.queue[head];
      head = (head + 1) % w.queue.length;
      size--;
      w.queued[u] = false;
      int degree = graph.degree(u);
      double r = w.residual[u];
      if (degree == 0) {
        w.score[u] += r;
        w.residual[u] = 0;
        continue;
      }
      if (r < epsilon * degree) {
        continue;
      }
      w.score[u] += alpha * r;
      w.residual[u] = 0;
      double share = (1 - alpha) * r / degree;
      for (int side = 0; side < 2; side++) {
        int from = side == 0 ? graph.outStart(u) : graph.inStart(u);
        int to = side == 0 ? graph.outEnd(u) : graph.inEnd(u);
        for (int e = from; e < to; e++) {
          int v = side == 0 ? graph.outTarget(e) : graph.inSource(e);
          w.touch(v);
          w.residual[v] += share;
          if (!w.queued[v] && w.residual[v] >= epsilon * graph.degree(v)) {
            if (size == w.queue.length) {
              int[] grown = new int[w.queue.length * 2];
              for (int i = 0; i < size; i++) {
                grown[i] = w.queue[(head + i) % w.queue.length];
              }
              w.queue = grown;
              head = 0;
            }
            w.queue[(head + size) % w.queue.length] = v;
            size++;
            w.queued[v] = true;
          }
        }
      }
    }
  }
}
