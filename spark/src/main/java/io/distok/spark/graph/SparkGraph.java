package io.distok.spark.graph;

import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * A graph read from a triple file or edge list into Spark, indexed exactly as the single-machine reader ({@link
 * TripleFiles} into a {@code CsrGraph}) indexes it: node ids by first appearance (head before tail within a
 * line), relation ids by first appearance, edges in input order. The relation names live on the driver (they are
 * few); nodes and edges stay distributed.
 *
 * <p>Reading costs, in Spark SQL, one aggregate of the 2E edge ends by name, a sort of the V distinct names and
 * two joins of the E edges with the V ids: O(E) work spread over the partitions, O(R) on the driver.
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
  public static SparkGraph read(SparkSession spark, String path, boolean triples, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String file = path;
    // Hadoop's text input keeps the file order, so zipWithIndex numbers the lines as a reader would; the line
    // number orders first appearances and the edges, and names a bad line
    JavaRDD<Row> lines = sc.textFile(path, partitions).zipWithIndex().flatMap(li -> {
      String line = li._1();
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isBlank() || line.startsWith("#")) {
        return Collections.<Row>emptyIterator();
      }
      String[] f = TripleFiles.parseLine(file, li._2() + 1, line, triples);
      return List.of(RowFactory.create(li._2(), f[0], f[1], f[2])).iterator();
    });
    // the shuffles (first appearances, ids of both ends) run in Spark SQL, on its compact rows
    Dataset<Row> parsed = spark.createDataFrame(lines, new StructType().add("pos", DataTypes.LongType, false)
        .add("h", DataTypes.StringType, false).add("r", DataTypes.StringType, false)
        .add("t", DataTypes.StringType, false)).persist(StorageLevel.MEMORY_AND_DISK());
    long edgeCount = parsed.count();
    if (edgeCount == 0) {
      throw new InvalidInputException(path + ": empty graph (no edges)");
    }
    // relation ids by first appearance: few, so ranked on the driver
    List<Row> relFirst = new ArrayList<>(parsed.groupBy("r").agg(functions.min("pos").as("first")).collectAsList());
    relFirst.sort((x, y) -> Long.compare(x.getLong(1), y.getLong(1)));
    List<String> relationNames = new ArrayList<>();
    List<Row> relationIds = new ArrayList<>();
    for (Row r : relFirst) {
      relationIds.add(RowFactory.create(r.getString(0), relationNames.size()));
      relationNames.add(r.getString(0));
    }
    // node ids by first appearance: 2 line + 0 for a head, + 1 for a tail, ranked by a distributed sort
    Dataset<Row> firsts = parsed.select(functions.col("h").as("name"), functions.col("pos").multiply(2).as("first"))
        .union(parsed.select(functions.col("t").as("name"), functions.col("pos").multiply(2).plus(1).as("first")))
        .groupBy("name").agg(functions.min("first").as("first"));
    JavaRDD<Row> ranked = firsts.sort("first").javaRDD().zipWithIndex()
        .map(t -> RowFactory.create(t._1().getString(0), Math.toIntExact(t._2())));
    Dataset<Row> nodeIds = spark.createDataFrame(ranked, new StructType().add("name", DataTypes.StringType, false)
        .add("id", DataTypes.IntegerType, false)).persist(StorageLevel.MEMORY_AND_DISK());
    long nodes = nodeIds.count();
    if (nodes > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(path + ": " + nodes + " nodes; at most " + (Integer.MAX_VALUE - 8)
          + " are supported");
    }
    Dataset<Row> rels = spark.createDataFrame(relationIds, new StructType().add("r", DataTypes.StringType, false)
        .add("rid", DataTypes.IntegerType, false));
    JavaRDD<IndexedEdge> edges = parsed
        .join(nodeIds.withColumnRenamed("name", "h").withColumnRenamed("id", "hid"), "h")
        .join(nodeIds.withColumnRenamed("name", "t").withColumnRenamed("id", "tid"), "t")
        .join(functions.broadcast(rels), "r")
        .select("pos", "hid", "rid", "tid").javaRDD()
        .map(r -> new IndexedEdge(r.getLong(0), r.getInt(1), r.getInt(2), r.getInt(3)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    edges.count();
    parsed.unpersist();
    JavaPairRDD<Integer, String> names = nodeIds.javaRDD().mapToPair(r -> new Tuple2<>(r.getInt(1), r.getString(0)));
    return new SparkGraph(edges, names, relationNames, (int) nodes, edgeCount, partitions);
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
