package io.distok.spark.graph;

import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.anchor.PageRankAnchors;
import io.distok.graph.anchor.RankedNodes;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Anchor selection for a graph on Spark, equal to the single-machine {@link AnchorStrategy} on the same input:
 * the scores are computed distributed (degree by one aggregate, PageRank by a power iteration over the
 * partitions) and ranked on the driver by the same {@link RankedNodes} rules. The driver holds O(V) numbers.
 */
public final class SparkAnchors {
  private SparkAnchors() {}

  /**
   * {@code count} anchors by {@code strategy}, in rank order.
   *
   * @throws InvalidInputException if {@code count} is not in {@code [1, V]}
   */
  public static int[] select(SparkGraph g, AnchorStrategy strategy, int count, long seed) {
    int n = g.nodeCount();
    if (count < 1 || count > n) {
      throw new InvalidInputException("anchor count " + count + " must be between 1 and the node count " + n);
    }
    return switch (strategy) {
      case DEGREE -> RankedNodes.top(asScores(g.degrees()), count, new boolean[n]);
      case PAGERANK -> RankedNodes.top(pageRank(g, g.degrees(), PageRankAnchors.DAMPING, PageRankAnchors.ITERATIONS),
          count, new boolean[n]);
      case RANDOM -> RankedNodes.randomExcluding(n, count, new boolean[n], new SplittableRandom(seed));
      case MIXED -> {
        // NodePiece's mix as MixedAnchors makes it: 40% degree, 40% PageRank, the rest random, no duplicates
        boolean[] taken = new boolean[n];
        int[] deg = g.degrees();
        int[] a = RankedNodes.top(asScores(deg), (int) Math.round(count * 0.4), taken);
        int[] b = RankedNodes.top(pageRank(g, deg, PageRankAnchors.DAMPING, PageRankAnchors.ITERATIONS),
            (int) Math.round(count * 0.4), taken);
        int[] c = RankedNodes.randomExcluding(n, count - a.length - b.length, taken, new SplittableRandom(seed));
        int[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        yield out;
      }
    };
  }

  private static double[] asScores(int[] degrees) {
    double[] s = new double[degrees.length];
    for (int v = 0; v < s.length; v++) {
      s[v] = degrees[v];
    }
    return s;
  }

  /**
   * PageRank on the undirected view, bit-identical to {@link PageRankAnchors#pageRank}: every node sums its
   * neighbours' shares in the CSR graph's order (out-edges in input order, then in-edges in input order), so the
   * floating-point sums are the same. Each iteration broadcasts the V shares and collects the V new ranks;
   * the neighbour lists are grouped once. O(iterations (V + E)) work, O(V) on the driver.
   */
  public static double[] pageRank(SparkGraph g, double damping, int iterations) {
    return pageRank(g, g.degrees(), damping, iterations);
  }

  /** As {@link #pageRank(SparkGraph, double, int)} with the degrees already known ({@link SparkGraph#degrees}). */
  static double[] pageRank(SparkGraph g, int[] deg, double damping, int iterations) {
    int n = g.nodeCount();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(g.edges().context());
    // every node's neighbours in pull order: key (direction, input position), out-edges (direction 0) first
    long inEdge = 1L << 62;
    JavaPairRDD<Integer, int[]> pulls = g.edges().flatMapToPair(e -> List.of(
        new Tuple2<>(e.head(), new long[] {e.order(), e.tail()}),
        new Tuple2<>(e.tail(), new long[] {inEdge + e.order(), e.head()})).iterator())
        .groupByKey(g.partitions())
        .mapValues(it -> {
          List<long[]> list = new ArrayList<>();
          it.forEach(list::add);
          list.sort((x, y) -> Long.compare(x[0], y[0]));
          int[] src = new int[list.size()];
          for (int i = 0; i < src.length; i++) {
            src[i] = (int) list.get(i)[1];
          }
          return src;
        }).persist(StorageLevel.MEMORY_AND_DISK());
    double[] rank = new double[n];
    double[] share = new double[n];
    Arrays.fill(rank, 1.0 / n);
    for (int it = 0; it < iterations; it++) {
      double dangling = 0;
      for (int v = 0; v < n; v++) {
        if (deg[v] == 0) {
          dangling += rank[v];
          share[v] = 0;
        } else {
          share[v] = rank[v] / deg[v];
        }
      }
      double base = (1 - damping) / n + damping * dangling / n;
      Broadcast<double[]> shares = sc.broadcast(share.clone());
      double[] next = new double[n];
      Arrays.fill(next, base);
      List<Tuple2<int[], double[]>> parts = pulls.mapPartitions(rows -> {
        double[] src = shares.value();
        int[] nodes = new int[1024];
        double[] values = new double[1024];
        int c = 0;
        while (rows.hasNext()) {
          Tuple2<Integer, int[]> r = rows.next();
          double s = 0;
          for (int u : r._2()) {
            s += src[u];
          }
          if (c == nodes.length) {
            nodes = Arrays.copyOf(nodes, 2 * c);
            values = Arrays.copyOf(values, 2 * c);
          }
          nodes[c] = r._1();
          values[c++] = base + damping * s;
        }
        return List.of(new Tuple2<>(Arrays.copyOf(nodes, c), Arrays.copyOf(values, c))).iterator();
      }).collect();
      for (Tuple2<int[], double[]> p : parts) {
        for (int i = 0; i < p._1().length; i++) {
          next[p._1()[i]] = p._2()[i];
        }
      }
      shares.destroy();
      rank = next;
    }
    pulls.unpersist();
    return rank;
  }
}
