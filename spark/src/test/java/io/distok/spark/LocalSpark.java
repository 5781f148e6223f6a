package io.distok.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** One local Spark session for all tests of this JVM (starting one takes seconds), stopped at exit. */
public final class LocalSpark {
  private static SparkSession session;

  private LocalSpark() {}

  /** The shared {@code local[2]} session. */
  public static synchronized SparkSession session() {
    if (session == null) {
      session = DistokSpark.session("local[2]", "distok-tests", java.util.Map.of(
          "spark.local.dir", System.getProperty("java.io.tmpdir")));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
    }
    return session;
  }

  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }
}
