package io.distok.graph.nodepiece;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.Arrays;

/**
 * The k nearest anchors of every node by multi-source "k-label" breadth-first search: all anchors expand at
 * once, level by level, and a node keeps the first k distinct anchors that reach it; among anchors reaching it
 * at the same distance the {@link AnchorTieBreak} rule decides (the better-ranked, or a seeded order of the
 * node's own). Whatever the rule, every node ends with anchors at the k smallest distances it has, each at its
 * true distance. Each level is computed by the nodes pulling labels that their
 * neighbours gained in the previous level, so levels run in parallel over nodes without locks and the result
 * does not depend on the thread count.
 *
 * <p>Cost O(k (V + E)) time (every label crosses every edge at most once per direction) and O(k V) memory.
 */
public final class NearestAnchors {
  private NearestAnchors() {}

  /**
   * @param anchors anchor nodes in rank order
   * @param maxHops hop limit (at most 32767)
   * @param directed follow edge directions (a node reaches an anchor along out-edges); otherwise undirected
   */
  public static AnchorLabels compute(CsrGraph g, int[] anchors, int k, int maxHops, boolean directed,
      ProgressListener progress) {
    return compute(g, anchors, k, maxHops, directed, AnchorTieBreak.RANK, 0, progress);
  }

  /**
   * As {@link #compute(CsrGraph, int[], int, int, boolean, ProgressListener)} with the given tie-break rule;
   * {@code seed} seeds the {@link AnchorTieBreak#NODE} order.
   */
  public static AnchorLabels compute(CsrGraph g, int[] anchors, int k, int maxHops, boolean directed,
      AnchorTieBreak tieBreak, long seed, ProgressListener progress) {
    if (k < 1) {
      throw new IllegalArgumentException("k (anchors per node) must be >= 1, got " + k);
    }
    if (maxHops < 0 || maxHops > Short.MAX_VALUE) {
      throw new IllegalArgumentException("max hops must be in [0, 32767], got " + maxHops);
    }
    int n = g.nodeCount();
    int[] count = new int[n];
    int[] label = new int[n * k];
    short[] dist = new short[n * k];
    int[] prevFrom = new int[n];
    int[] prevTo = new int[n];
    for (int a = 0; a < anchors.length; a++) {
      int v = anchors[a];
      label[v * k] = a;
      count[v] = 1;
      prevTo[v] = 1;
    }
    int[] nextFrom = new int[n];
    int[] nextTo = new int[n];
    int numAnchors = anchors.length;
    long filled = numAnchors;
    for (int h = 1; h <= maxHops; h++) {
      short hop = (short) h;
      int chunks = Parallel.chunkCount(n, 2048);
      long[] added = new long[chunks];
      Parallel.forEachChunk(n, 2048, (c, from, to) -> {
        int[] stamp = new int[numAnchors];
        int[] cand = new int[64];
        long[] keyed = new long[64];
        long gained = 0;
        for (int u = from; u < to; u++) {
          nextFrom[u] = count[u];
          nextTo[u] = count[u];
          int room = k - count[u];
          if (room == 0) {
            continue;
          }
          int mark = u + 1;
          for (int j = 0; j < count[u]; j++) {
            stamp[label[u * k + j]] = mark;
          }
          int nc = 0;
          for (int e = g.outStart(u); e < g.outEnd(u); e++) {
            int v = g.outTarget(e);
            cand = ensure(cand, nc + prevTo[v] - prevFrom[v]);
            nc = gather(label, k, v, prevFrom[v], prevTo[v], stamp, mark, cand, nc);
          }
          if (!directed) {
            for (int e = g.inStart(u); e < g.inEnd(u); e++) {
              int v = g.inSource(e);
              cand = ensure(cand, nc + prevTo[v] - prevFrom[v]);
              nc = gather(label, k, v, prevFrom[v], prevTo[v], stamp, mark, cand, nc);
            }
          }
          if (nc == 0) {
            continue;
          }
          int take = Math.min(room, nc);
          keyed = order(cand, nc, take, u, tieBreak, seed, keyed);
          int base = u * k + count[u];
          for (int j = 0; j < take; j++) {
            label[base + j] = cand[j];
            dist[base + j] = hop;
          }
          nextTo[u] = count[u] + take;
          gained += take;
        }
        added[c] = gained;
      });
      long total = 0;
      for (long a : added) {
        total += a;
      }
      // commit the level: counts grow only now, so every node read a consistent previous level
      for (int u = 0; u < n; u++) {
        count[u] = nextTo[u];
        prevFrom[u] = nextFrom[u];
        prevTo[u] = nextTo[u];
      }
      filled += total;
      if (total == 0) {
        break;
      }
      // labels found out of n k: a BFS on a well-connected graph ends at the total, one that leaves nodes short
      // of k ends below it and is closed explicitly after the loop
      progress.progress("anchor BFS", filled, (long) n * k);
    }
    progress.progress("anchor BFS", filled, filled);
    return new AnchorLabels(k, count, label, dist);
  }

  private static int[] ensure(int[] a, int size) {
    return size <= a.length ? a : Arrays.copyOf(a, Math.max(size, a.length * 2));
  }

  /** Appends the anchors node {@code v} gained last level that {@code u} (marked {@code mark}) lacks. */
  private static int gather(int[] label, int k, int v, int from, int to, int[] stamp, int mark, int[] cand, int nc) {
    for (int j = from; j < to; j++) {
      int a = label[v * k + j];
      if (stamp[a] != mark) {
        stamp[a] = mark;
        cand[nc++] = a;
      }
    }
    return nc;
  }

  /**
   * Puts the {@code nc} distinct anchors {@code cand[0..nc)} that reach {@code node} first at one hop in the
   * order the node takes them, of which it keeps the first {@code take}: by rank when it takes them all or the
   * rule is {@link AnchorTieBreak#RANK}, else by a seeded hash of (node, anchor), then anchor. The order depends
   * only on the set. {@code scratch} is a reusable array, returned grown when it was too small. O(nc log nc).
   */
  public static long[] order(int[] cand, int nc, int take, int node, AnchorTieBreak tieBreak, long seed,
      long[] scratch) {
    if (tieBreak == AnchorTieBreak.RANK || take == nc) {
      Arrays.sort(cand, 0, nc);
      return scratch;
    }
    return nodeOrder(cand, nc, node, seed, scratch);
  }

  /**
   * Sorts the candidates by a seeded hash of (node, anchor), then anchor: the node's own order. {@code keyed} is
   * the chunk's scratch array, returned grown when it was too small.
   */
  private static long[] nodeOrder(int[] cand, int nc, int node, long seed, long[] keyed) {
    if (keyed.length < nc) {
      keyed = new long[Math.max(nc, keyed.length * 2)];
    }
    for (int j = 0; j < nc; j++) {
      // high 32 bits: the hash; low 32 bits: the anchor, which breaks hash ties and is recovered below
      keyed[j] = (mix(seed, node, cand[j]) & 0xFFFF_FFFF_0000_0000L) | cand[j];
    }
    Arrays.sort(keyed, 0, nc);
    for (int j = 0; j < nc; j++) {
      cand[j] = (int) keyed[j];
    }
    return keyed;
  }

  private static long mix(long seed, int node, int anchor) {
    long z = seed * 0x9E3779B97F4A7C15L + ((long) node << 32 | (anchor & 0xFFFF_FFFFL));
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) ^ Long.MIN_VALUE; // sign flip so that signed sorting orders the hash as unsigned
  }
}
