package io.distok.spark.graph;

import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceVocabulary;
import io.distok.spark.SparkOutputs;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The tokens of every node of a graph on Spark, with the vocabulary, as a table: {@code node} (name), {@code id},
 * {@code tokens} (k anchor then m relation token strings), {@code anchors} (anchor names, nearest first), {@code
 * distances} (their hop distances), {@code relations} ({@code name} or {@code name^-1}, without padding).
 */
public final class SparkNodeTokenization {
  /** The table's schema. */
  public static final StructType SCHEMA = new StructType()
      .add("node", DataTypes.StringType, false)
      .add("id", DataTypes.IntegerType, false)
      .add("tokens", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("anchors", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("distances", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("relations", DataTypes.createArrayType(DataTypes.StringType, false), false);

  private final SparkGraph graph;
  private final NodePieceConfig config;
  private final NodePieceVocabulary vocabulary;
  private final int[] anchors;
  private final int m;
  private final JavaRDD<NodeTokens> nodes;

  SparkNodeTokenization(SparkGraph graph, NodePieceConfig config, NodePieceVocabulary vocabulary, int[] anchors,
      int m, JavaRDD<NodeTokens> nodes) {
    this.graph = graph;
    this.config = config;
    this.vocabulary = vocabulary;
    this.anchors = anchors;
    this.m = m;
    this.nodes = nodes;
  }

  public NodePieceVocabulary vocabulary() {
    return vocabulary;
  }

  /** Anchor node ids in rank order. */
  public int[] anchorNodes() {
    return anchors.clone();
  }

  public int k() {
    return config.k();
  }

  /** Relation tokens per node (resolved when m was automatic). */
  public int m() {
    return m;
  }

  /** The identity of the token space, as {@link NodePieceVocabulary#fingerprint}. */
  public String fingerprint() {
    return vocabulary.fingerprint(config.k(), m);
  }

  /** Every node's tokens, distributed. */
  public JavaRDD<NodeTokens> nodes() {
    return nodes;
  }

  /** The table of {@link #SCHEMA}. */
  public Dataset<Row> toDataFrame(SparkSession spark) {
    NodePieceVocabulary vocab = vocabulary;
    int k = config.k();
    int mm = m;
    // arrays, not lists: Spark's row encoder takes Java arrays or Scala sequences
    JavaRDD<Row> rows = nodes.map(n -> {
      String[] anchorNames = new String[n.anchorRanks().length];
      for (int j = 0; j < anchorNames.length; j++) {
        anchorNames[j] = vocab.anchorNames().get(n.anchorRanks()[j]);
      }
      String[] rels = new String[n.relations().length];
      for (int j = 0; j < rels.length; j++) {
        rels[j] = vocab.relationName(n.relations()[j]);
      }
      return RowFactory.create(n.name(), n.id(), n.tokens(vocab, k, mm).toArray(new String[0]), anchorNames,
          n.distances(), rels);
    });
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * Writes {@code out}: {@code tokens/} (Parquet, {@link #SCHEMA}), {@code vocabulary.txt} (one token per line,
   * by id) and {@code manifest.json} (counts, k, m, fingerprint, configuration), all or nothing.
   */
  public void write(SparkSession spark, String out) throws IOException {
    SparkOutputs.writeDirectory(spark, out, dir -> {
      toDataFrame(spark).write().parquet(dir + "/tokens");
      SparkOutputs.writeText(spark, dir, "vocabulary.txt", String.join("\n", vocabulary.tokens()) + "\n");
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("kind", "distok-graph-tokens");
      manifest.put("nodes", graph.nodeCount());
      manifest.put("edges", graph.edgeCount());
      manifest.put("relations", graph.relationCount());
      manifest.put("anchors", anchors.length);
      manifest.put("k", config.k());
      manifest.put("m", m);
      manifest.put("vocabularySize", vocabulary.size());
      manifest.put("fingerprint", fingerprint());
      manifest.put("strategy", config.strategy().toString());
      manifest.put("tieBreak", config.tieBreak().toString());
      manifest.put("selection", config.selection().toString());
      manifest.put("maxHops", config.maxHops());
      manifest.put("directed", config.directed());
      manifest.put("seed", config.seed());
      SparkOutputs.writeJson(spark, dir, "manifest.json", manifest);
    });
  }
}
