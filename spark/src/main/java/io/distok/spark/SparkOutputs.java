package io.distok.spark;

import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * All-or-nothing output directories on any file system Spark writes to (local, HDFS, S3 through Hadoop): a job
 * fills a temporary sibling, which replaces the target only once complete, as {@code AtomicFiles.writeDirectory}
 * does for local folders. A temporary still present when the JVM shuts down (Ctrl-C) is removed. Files get the
 * file system's default permissions (the umask on a local disk).
 */
public final class SparkOutputs {
  private static final Set<Pending> PENDING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SparkOutputs::removePending, "distok-spark-temp-cleanup"));
  }

  private record Pending(FileSystem fs, Path path) {}

  private SparkOutputs() {}

  /** Fills a directory: receives the temporary directory's URI to write into. */
  @FunctionalInterface
  public interface Body {
    void fill(String directory) throws IOException;
  }

  /**
   * Builds {@code target} through {@code body}; an existing directory there is replaced only after the new one is
   * complete, a failure leaves it as it was.
   *
   * @throws InvalidInputException when {@code target} is an existing file
   */
  public static void writeDirectory(SparkSession spark, String target, Body body) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path out = new Path(target);
    FileSystem fs = out.getFileSystem(conf);
    out = fs.makeQualified(out);
    if (fs.exists(out) && !fs.getFileStatus(out).isDirectory()) {
      throw new InvalidInputException(target + ": exists and is not a folder");
    }
    Path parent = out.getParent();
    if (parent != null) {
      fs.mkdirs(parent);
    }
    Pending tmp = new Pending(fs, new Path(parent, "." + out.getName() + ".tmp-" + UUID.randomUUID()));
    Pending old = new Pending(fs, new Path(parent, "." + out.getName() + ".old-" + UUID.randomUUID()));
    PENDING.add(tmp);
    try {
      body.fill(tmp.path().toString());
      if (fs.exists(out)) {
        PENDING.add(old);
        rename(fs, out, old.path());
        rename(fs, tmp.path(), out);
        fs.delete(old.path(), true);
      } else {
        rename(fs, tmp.path(), out);
      }
    } catch (IOException | RuntimeException | Error e) {
      fs.delete(tmp.path(), true);
      if (fs.exists(old.path()) && !fs.exists(out)) {
        rename(fs, old.path(), out);
      }
      throw e;
    } finally {
      PENDING.remove(tmp);
      PENDING.remove(old);
    }
  }

  /** Writes a small UTF-8 text file (a manifest, a vocabulary) into a directory of the job's file system. */
  public static void writeText(SparkSession spark, String directory, String name, String text) throws IOException {
    writeBytes(spark, directory, name, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a file ({@code name} may hold sub-folders) into a directory of the job's file system. */
  public static void writeBytes(SparkSession spark, String directory, String name, byte[] bytes)
      throws IOException {
    Path p = new Path(directory, name);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    try (OutputStream os = fs.create(p, false)) {
      os.write(bytes);
    }
  }

  /** Writes a JSON document (maps, lists, numbers, strings), pretty-printed, into a directory. */
  public static void writeJson(SparkSession spark, String directory, String name, Object document)
      throws IOException {
    writeText(spark, directory, name, com.fasterxml.jackson.jr.ob.JSON.std
        .with(com.fasterxml.jackson.jr.ob.JSON.Feature.PRETTY_PRINT_OUTPUT).asString(document) + "\n");
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not move " + from + " to " + to);
    }
  }

  private static void removePending() {
    for (Pending p : PENDING) {
      try {
        p.fs().delete(p.path(), true);
      } catch (IOException e) {
        throw new UncheckedIOException(p.path() + ": could not remove the temporary output", e);
      }
    }
  }
}
