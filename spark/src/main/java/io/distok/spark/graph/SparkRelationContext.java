package io.distok.spark.graph;

import io.distok.graph.nodepiece.RelationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import scala.Tuple2;

/**
 * The relational context of every node as the single-machine {@link RelationContext} computes it: the counts of
 * each node's relation tokens (outgoing {@code r} as token r, incoming as R + r) by one aggregate, then the same
 * {@link RelationContext#choose} per node. O(V + E) work, one shuffle by (node, token) and one by node.
 */
public final class SparkRelationContext {
  private SparkRelationContext() {}

  /**
   * Token counts per node: {@code (node, [token, count, token, count, ...])}, for {@link #automaticM} and {@link
   * #compute}; persist it when both use it.
   */
  public static JavaPairRDD<Integer, int[]> tokenCounts(SparkGraph g) {
    int r = g.relationCount();
    return g.edges().flatMapToPair(e -> List.of(
            new Tuple2<>(((long) e.head() << 32) | e.relation(), 1),
            new Tuple2<>(((long) e.tail() << 32) | (r + e.relation()), 1)).iterator())
        .reduceByKey(Integer::sum, g.partitions())
        .mapToPair(t -> new Tuple2<>((int) (t._1() >>> 32), new int[] {(int) (long) t._1(), t._2()}))
        // grouped, not reduced: concatenating pairwise would copy a hub's list once per token
        .groupByKey(g.partitions())
        .mapValues(pairs -> {
          List<int[]> list = new ArrayList<>();
          pairs.forEach(list::add);
          int[] out = new int[2 * list.size()];
          for (int i = 0; i < list.size(); i++) {
            out[2 * i] = list.get(i)[0];
            out[2 * i + 1] = list.get(i)[1];
          }
          return out;
        });
  }

  /** The relation tokens of every node, at most m each, in the single-machine order, from {@link #tokenCounts}. */
  public static JavaPairRDD<Integer, int[]> compute(SparkGraph g, JavaPairRDD<Integer, int[]> tokenCounts, int m,
      RelationContext.Selection selection, long seed) {
    int r2 = 2 * g.relationCount();
    return tokenCounts.mapPartitionsToPair(rows -> {
      int[] counts = new int[r2];
      List<Tuple2<Integer, int[]>> out = new ArrayList<>();
      while (rows.hasNext()) {
        Tuple2<Integer, int[]> row = rows.next();
        int[] pairs = row._2();
        int nt = pairs.length / 2;
        int[] touched = new int[nt];
        for (int i = 0; i < nt; i++) {
          touched[i] = pairs[2 * i];
          counts[touched[i]] = pairs[2 * i + 1];
        }
        out.add(new Tuple2<>(row._1(), RelationContext.choose(counts, touched, nt, m, selection, seed, row._1())));
        for (int t : touched) {
          counts[t] = 0;
        }
      }
      return out.iterator();
    }, true);
  }

  /**
   * The automatic m of {@link RelationContext#automaticM}: the percentile of the distinct relation tokens per
   * node, from a histogram collected to the driver (at most 2R + 1 entries). O(V + E).
   */
  public static int automaticM(SparkGraph g, JavaPairRDD<Integer, int[]> tokenCounts, double percentile) {
    if (!(percentile >= 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], got " + percentile);
    }
    Map<Integer, Long> histogram = tokenCounts.mapToPair(t -> new Tuple2<>(t._2().length / 2, 1L))
        .reduceByKey(Long::sum).collectAsMap();
    long n = g.nodeCount();
    // every node of a triple file has an edge, so none has zero tokens; the rank is that of the sorted array
    long idx = (long) Math.min(n - 1, Math.max(0, Math.ceil(percentile / 100.0 * n) - 1));
    long seen = 0;
    for (int c = 0; c <= 2 * g.relationCount(); c++) {
      seen += histogram.getOrDefault(c, 0L);
      if (seen > idx) {
        return Math.max(1, c);
      }
    }
    throw new IllegalStateException("histogram of " + seen + " nodes, expected " + n);
  }
}
