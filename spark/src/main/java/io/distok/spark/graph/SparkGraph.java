package io.distok.spark.graph;

import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A graph read from a triple file or edge list into Spark, indexed exactly as the single-machine reader ({@link
 * TripleFiles} into a {@code CsrGraph}) indexes it: node ids by first appearance (head before tail within a
 * line), relation ids by first appearance, edges in input order. The relation names live on the driver (they are
 * few); nodes and edges stay distributed.
 *
 * <p>Reading costs two shuffles of the node names (first appearance, then the id join of every edge end) and
 * one sort of the V distinct names: O(E) work spread over the partitions, O(R) on the driver.
 */
public final class SparkGraph {
  private final JavaRDD<IndexedEdge> edges;
  private final JavaPairRDD<Integer, String> nodeNames;
  private final List<String> relationNames;
  private final int nodeCount;
  private final long edgeCount;
  private final int partitions;

  private SparkGraph(JavaRDD<IndexedEdge> edges, JavaPairRDD<Integer, String> nodeNames, List<String> relationNames,
      int nodeCount, long edgeCount, int partitions) {
    this.edges = edges;
    this.nodeNames = nodeNames;
    this.relationNames = List.copyOf(relationNames);
    this.nodeCount = nodeCount;
    this.edgeCount = edgeCount;
    this.partitions = partitions;
  }

  /**
   * Reads a triple file ({@code head<TAB>relation<TAB>tail}) or an edge list ({@code u<TAB>v}, relation {@code
   * edge}) with the single-machine line rules: blank and {@code #} lines skipped, CRLF tolerated, gzip by the
   * {@code .gz} name (Hadoop's codecs). Any path Spark reads is accepted (local, HDFS, S3).
   *
   * @param partitions the partitions of every distributed step (at least 1)
   * @throws InvalidInputException naming file and line for the first bad line, or for an empty graph
   */
  public static SparkGraph read(JavaSparkContext sc, String path, boolean triples, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    String file = path;
    // zipWithIndex numbers the lines in file order (partitions of one file are consecutive), as a reader would
    JavaRDD<String[]> parsed = sc.textFile(path, partitions).zipWithIndex().flatMap(li -> {
      String line = li._1();
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank() || line.startsWith("#")) {
        return java.util.Collections.<String[]>emptyIterator();
      }
      String[] f = TripleFiles.parseLine(file, li._2() + 1, line, triples);
      // the line number travels with the fields: it orders first appearances and the edges
      return java.util.List.<String[]>of(new String[] {f[0], f[1], f[2], Long.toString(li._2())}).iterator();
    }).persist(StorageLevel.MEMORY_AND_DISK());
    long edgeCount = parsed.count();
    if (edgeCount == 0) {
      throw new InvalidInputException(path + ": empty graph (no edges)");
    }
    // relation ids by first appearance: few, so ranked on the driver
    List<Tuple2<String, Long>> relFirst = new ArrayList<>(parsed.mapToPair(f -> new Tuple2<>(f[1], Long.parseLong(f[3])))
        .reduceByKey(Math::min).collect());
    relFirst.sort((a, b) -> Long.compare(a._2(), b._2()));
    List<String> relationNames = new ArrayList<>();
    Map<String, Integer> relationIds = new HashMap<>();
    for (Tuple2<String, Long> r : relFirst) {
      relationIds.put(r._1(), relationNames.size());
      relationNames.add(r._1());
    }
    // node ids by first appearance: 2 line + 0 for a head, + 1 for a tail, ranked by a distributed sort
    JavaPairRDD<String, Integer> nodeIds = parsed.flatMapToPair(f -> {
      long line = Long.parseLong(f[3]);
      return List.of(new Tuple2<>(f[0], 2 * line), new Tuple2<>(f[2], 2 * line + 1)).iterator();
    }).reduceByKey(Math::min, partitions).mapToPair(Tuple2::swap).sortByKey(true, partitions).values()
        .zipWithIndex().mapToPair(t -> new Tuple2<>(t._1(), Math.toIntExact(t._2())))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long nodes = nodeIds.count();
    if (nodes > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(path + ": " + nodes + " nodes; at most " + (Integer.MAX_VALUE - 8)
          + " are supported");
    }
    Broadcast<Map<String, Integer>> rel = sc.broadcast(relationIds);
    JavaRDD<IndexedEdge> edges = parsed
        .mapToPair(f -> new Tuple2<>(f[0], new String[] {f[1], f[2], f[3]}))
        .join(nodeIds, partitions)
        .mapToPair(x -> new Tuple2<>(x._2()._1()[1], new long[] {x._2()._2(), rel.value().get(x._2()._1()[0]),
            Long.parseLong(x._2()._1()[2])}))
        .join(nodeIds, partitions)
        .map(x -> new IndexedEdge(x._2()._1()[2], (int) x._2()._1()[0], (int) x._2()._1()[1], x._2()._2()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    edges.count();
    parsed.unpersist();
    return new SparkGraph(edges, nodeIds.mapToPair(Tuple2::swap), relationNames, (int) nodes, edgeCount, partitions);
  }

  /** The edges with their ids and input positions, in no particular order. */
  public JavaRDD<IndexedEdge> edges() {
    return edges;
  }

  /** Node id to name. */
  public JavaPairRDD<Integer, String> nodeNames() {
    return nodeNames;
  }

  /** The names of the given node ids, in that order. O(V) distributed work, O(ids) on the driver. */
  public List<String> names(int[] ids) {
    Map<Integer, Integer> at = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      at.put(ids[i], i);
    }
    Broadcast<Map<Integer, Integer>> wanted = JavaSparkContext.fromSparkContext(edges.context()).broadcast(at);
    String[] out = new String[ids.length];
    for (Tuple2<Integer, String> t : nodeNames.filter(t -> wanted.value().containsKey(t._1())).collect()) {
      out[at.get(t._1())] = t._2();
    }
    return List.of(out);
  }

  /** Relation names by relation id. */
  public List<String> relationNames() {
    return relationNames;
  }

  public int relationCount() {
    return relationNames.size();
  }

  public int nodeCount() {
    return nodeCount;
  }

  public long edgeCount() {
    return edgeCount;
  }

  /** Partitions of the distributed steps. */
  public int partitions() {
    return partitions;
  }

  /** Total degree (out plus in, parallel edges and both ends of a loop counted) of every node, on the driver. */
  public int[] degrees() {
    int[] deg = new int[nodeCount];
    for (Tuple2<Integer, Integer> t : edges.flatMapToPair(e -> List.of(new Tuple2<>(e.head(), 1),
        new Tuple2<>(e.tail(), 1)).iterator()).reduceByKey(Integer::sum, partitions).collect()) {
      deg[t._1()] = t._2();
    }
    return deg;
  }
}
