package io.distok.graph.nodepiece;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The relational context of every node: up to m relation tokens among those on its incident edges, outgoing
 * {@code r} (token r) and incoming {@code r^-1} (token R + r) kept apart. Chosen most-frequent-first (ties by
 * token id) or by seeded sampling without replacement. O(V + E) time, O(m V) memory.
 */
public final class RelationContext {
  private RelationContext() {}

  /** How relations are chosen. */
  public enum Selection {
    FREQUENT,
    SAMPLED;

    /** The lower-case spelling used on command lines. */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Relation tokens of every node: {@code out[v * m + j]}, -1 where the node has fewer than m. */
  public static int[] compute(CsrGraph g, int m, Selection selection, long seed) {
    int n = g.nodeCount();
    int r2 = 2 * g.relationCount();
    int[] out = new int[n * m];
    Arrays.fill(out, -1);
    if (m == 0) {
      return out;
    }
    Parallel.forEachChunk(n, 4096, (c, from, to) -> {
      int[] counts = new int[r2];
      int[] touched = new int[r2];
      for (int v = from; v < to; v++) {
        int nt = collect(g, v, counts, touched);
        int[] chosen = choose(counts, touched, nt, m, selection, seed, v);
        System.arraycopy(chosen, 0, out, v * m, chosen.length);
        for (int i = 0; i < nt; i++) {
          counts[touched[i]] = 0;
        }
      }
    });
    return out;
  }

  /** Counts the node's relation tokens; returns how many distinct tokens were touched. */
  static int collect(CsrGraph g, int v, int[] counts, int[] touched) {
    int nt = 0;
    int r = g.relationCount();
    for (int e = g.outStart(v); e < g.outEnd(v); e++) {
      int t = g.outRelation(e);
      if (counts[t]++ == 0) {
        touched[nt++] = t;
      }
    }
    for (int e = g.inStart(v); e < g.inEnd(v); e++) {
      int t = r + g.inRelation(e);
      if (counts[t]++ == 0) {
        touched[nt++] = t;
      }
    }
    return nt;
  }

  /**
   * The relation tokens node {@code node} keeps among the {@code nt} distinct tokens {@code touched[0..nt)} it
   * has, {@code counts[t]} edges each: at most m, by the selection rule (which depends only on the set, never on
   * the order of {@code touched}). O(nt log nt).
   */
  public static int[] choose(int[] counts, int[] touched, int nt, int m, Selection selection, long seed, long node) {
    Integer[] order = new Integer[nt];
    for (int i = 0; i < nt; i++) {
      order[i] = touched[i];
    }
    if (selection == Selection.FREQUENT) {
      Arrays.sort(order, (a, b) -> counts[a] != counts[b] ? Integer.compare(counts[b], counts[a])
          : Integer.compare(a, b));
    } else {
      Arrays.sort(order);
      SplittableRandom rng = new SplittableRandom(seed ^ (node * 0x9E3779B97F4A7C15L));
      for (int i = nt - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        Integer t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    int take = Math.min(m, nt);
    int[] out = new int[take];
    for (int i = 0; i < take; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /**
   * An automatic m: the given percentile (0-100) of the number of distinct relation tokens per node, at least
   * 1. O(V + E).
   */
  public static int automaticM(CsrGraph g, double percentile) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], got " + percentile);
    }
    int n = g.nodeCount();
    int[] distinct = new int[n];
    int[] counts = new int[2 * g.relationCount()];
    int[] touched = new int[counts.length];
    for (int v = 0; v < n; v++) {
      int nt = collect(g, v, counts, touched);
      distinct[v] = nt;
      for (int i = 0; i < nt; i++) {
        counts[touched[i]] = 0;
      }
    }
    Arrays.sort(distinct);
    int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(percentile / 100.0 * n) - 1));
    return Math.max(1, distinct[idx]);
  }
}
