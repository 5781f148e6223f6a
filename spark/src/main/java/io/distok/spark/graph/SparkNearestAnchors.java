package io.distok.spark.graph;

import io.distok.graph.nodepiece.AnchorTieBreak;
import io.distok.graph.nodepiece.NearestAnchors;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The k nearest anchors of every node as the single-machine {@link NearestAnchors} computes them, by the same
 * k-label multi-source breadth-first search written as iterated joins: each hop joins the labels nodes gained at
 * the previous hop with the edges, so every node receives its neighbours' new anchors, keeps those it lacks in
 * the tie-break rule's order (the same {@link NearestAnchors#order}) up to k, and the new labels form the next
 * frontier. It stops when a hop adds no label or at the hop limit. The labels and edges share one hash
 * partitioner, so only the frontier's messages cross the network.
 *
 * <p>Cost O(k (V + E)) messages over all hops (every label crosses every edge at most once per direction), O(k
 * V) label state, one shuffle per hop; the lineage is cut every {@link #CHECKPOINT_HOPS} hops.
 */
public final class SparkNearestAnchors {
  /** Hops between local checkpoints of the label state. */
  public static final int CHECKPOINT_HOPS = 16;

  private SparkNearestAnchors() {}

  /**
   * The labels of every reached node: {@code (node, [anchor rank, distance, anchor rank, distance, ...])}, at
   * most k pairs ordered as {@link io.distok.graph.nodepiece.AnchorLabels} orders them. Nodes no anchor reaches
   * are absent.
   *
   * @param anchors anchor nodes in rank order
   * @param directed follow edge directions (a node reaches an anchor along out-edges); otherwise undirected
   * @param progress told the labels found (of V k) after every hop
   */
  public static JavaPairRDD<Integer, int[]> compute(SparkGraph g, int[] anchors, int k, int maxHops,
      boolean directed, AnchorTieBreak tieBreak, long seed, ProgressListener progress) {
    if (k < 1) {
      throw new IllegalArgumentException("k (anchors per node) must be >= 1, got " + k);
    }
    if (maxHops < 0 || maxHops > Short.MAX_VALUE) {
      throw new IllegalArgumentException("max hops must be in [0, 32767], got " + maxHops);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(g.edges().context());
    Partitioner part = new HashPartitioner(g.partitions());
    // (v, u): u pulls the labels v gained, along u's out-edge u -> v, and along its in-edges when undirected
    JavaPairRDD<Integer, Integer> pulls = g.edges().flatMapToPair(e -> directed
        ? List.of(new Tuple2<>(e.tail(), e.head())).iterator()
        : List.of(new Tuple2<>(e.tail(), e.head()), new Tuple2<>(e.head(), e.tail())).iterator())
        .partitionBy(part).persist(StorageLevel.MEMORY_AND_DISK());
    List<Tuple2<Integer, int[]>> start = new ArrayList<>(anchors.length);
    for (int a = 0; a < anchors.length; a++) {
      start.add(new Tuple2<>(anchors[a], new int[] {a, 0}));
    }
    JavaPairRDD<Integer, int[]> labels = sc.parallelizePairs(start, g.partitions()).partitionBy(part)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaPairRDD<Integer, int[]> frontier = labels.mapValues(l -> new int[] {l[0]});
    long filled = anchors.length;
    long target = (long) g.nodeCount() * k;
    for (int h = 1; h <= maxHops; h++) {
      int hop = h;
      JavaPairRDD<Integer, int[]> candidates = frontier.join(pulls, part)
          .mapToPair(x -> new Tuple2<>(x._2()._2(), x._2()._1()))
          .reduceByKey(part, SparkNearestAnchors::union);
      // one row per node with labels or candidates: {labels held, anchors gained at this hop or null}; the
      // tie-break hash needs the node id, so the rows are mapped with their keys, keeping the partitioner
      JavaPairRDD<Integer, int[][]> step = labels.cogroup(candidates, part).mapPartitionsToPair(rows -> {
        List<Tuple2<Integer, int[][]>> out = new ArrayList<>();
        while (rows.hasNext()) {
          var x = rows.next();
          out.add(new Tuple2<>(x._1(), hopStep(x._1(), single(x._2()._1()), single(x._2()._2()), k, tieBreak,
              seed)));
        }
        return out.iterator();
      }, true);
      JavaPairRDD<Integer, int[][]> done = step.persist(StorageLevel.MEMORY_AND_DISK());
      JavaPairRDD<Integer, int[]> nextLabels = done.mapValues(v -> v[1] == null ? v[0] : appended(v[0], v[1], hop));
      // the frontier travels as sorted sets, which the union merges
      JavaPairRDD<Integer, int[]> nextFrontier = done.filter(v -> v._2()[1] != null)
          .mapValues(v -> Arrays.stream(v[1]).sorted().toArray());
      nextLabels.persist(StorageLevel.MEMORY_AND_DISK());
      nextFrontier.persist(StorageLevel.MEMORY_AND_DISK());
      if (h % CHECKPOINT_HOPS == 0) {
        nextLabels.rdd().localCheckpoint();
      }
      long gained = nextFrontier.map(f -> (long) f._2().length).fold(0L, Long::sum);
      nextLabels.count();
      labels.unpersist();
      frontier.unpersist();
      done.unpersist();
      labels = nextLabels;
      frontier = nextFrontier;
      filled += gained;
      progress.progress("anchor BFS", filled, target);
      if (gained == 0) {
        break;
      }
    }
    progress.progress("anchor BFS", filled, filled);
    frontier.unpersist();
    pulls.unpersist();
    return labels;
  }

  private static int[][] hopStep(int node, int[] held, int[] cand, int k, AnchorTieBreak tieBreak, long seed) {
    int[] have = held == null ? new int[0] : held;
    if (cand == null || have.length / 2 >= k) {
      return new int[][] {have, null};
    }
    int nc = 0;
    int[] fresh = new int[cand.length];
    for (int a : cand) {
      if (!holds(have, a)) {
        fresh[nc++] = a;
      }
    }
    if (nc == 0) {
      return new int[][] {have, null};
    }
    int take = Math.min(k - have.length / 2, nc);
    NearestAnchors.order(fresh, nc, take, node, tieBreak, seed, new long[nc]);
    return new int[][] {have, Arrays.copyOf(fresh, take)};
  }

  private static boolean holds(int[] pairs, int anchor) {
    for (int j = 0; j < pairs.length; j += 2) {
      if (pairs[j] == anchor) {
        return true;
      }
    }
    return false;
  }

  private static int[] appended(int[] pairs, int[] anchors, int hop) {
    int[] out = Arrays.copyOf(pairs, pairs.length + 2 * anchors.length);
    for (int j = 0; j < anchors.length; j++) {
      out[pairs.length + 2 * j] = anchors[j];
      out[pairs.length + 2 * j + 1] = hop;
    }
    return out;
  }

  /** The one value of a cogroup side, or null; a key has at most one label row and one candidate row. */
  private static int[] single(Iterable<int[]> values) {
    var it = values.iterator();
    return it.hasNext() ? it.next() : null;
  }

  /** The sorted union of two sorted sets of anchor ranks. O(|a| + |b|). */
  static int[] union(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      int v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
      if (n == 0 || out[n - 1] != v) {
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
