package io.distok.spark;

import io.distok.util.InvalidInputException;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Spark sessions for distok's jobs, and the errors of failed jobs in distok's terms. */
public final class DistokSpark {
  private DistokSpark() {}

  /**
   * A session on {@code master} ({@code local[*]}, {@code spark://host:port}, {@code yarn}, ...), or the one a
   * {@code spark-submit} started (whose master wins), without the web UI and with the given extra settings.
   */
  public static SparkSession session(String master, String appName, Map<String, String> settings) {
    SparkSession.Builder b = SparkSession.builder().appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false");
    if (master != null) {
      b.master(master);
      if (master.startsWith("local")) {
        // in local mode nothing else must reach the driver: Spark otherwise binds to the first interface
        b.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1");
      }
    }
    settings.forEach(b::config);
    return b.getOrCreate();
  }

  /**
   * The input error behind a failed Spark job (raised in a task and carried back as the cause of a {@code
   * SparkException}), or null when the failure has another reason.
   */
  public static InvalidInputException inputError(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidInputException e) {
        return e;
      }
    }
    return null;
  }
}
