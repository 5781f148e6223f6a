package io.distok.spark;

import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A saved model directory as bytes, to broadcast to executors that share no file system with the driver: each
 * executor JVM writes it once to a local temporary directory (removed at exit) and loads it from there with the
 * model's own loader, so executors run exactly the model the driver saved. Models are small (codebooks, an MLP,
 * the sample's IDs), so the broadcast is too.
 */
public final class ModelFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, Object> LOADED = new ConcurrentHashMap<>();

  private final TreeMap<String, byte[]> files;
  private final String digest;

  private ModelFiles(TreeMap<String, byte[]> files, String digest) {
    this.files = files;
    this.digest = digest;
  }

  /** Reads every file under {@code dir}. O(total size). */
  public static ModelFiles read(Path dir) throws IOException {
    TreeMap<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    files.forEach((name, bytes) -> {
      md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(bytes);
    });
    return new ModelFiles(files, HexFormat.of().formatHex(md.digest()));
  }

  /** Loads a model from a directory. */
  @FunctionalInterface
  public interface Loader<T> {
    T load(Path dir) throws IOException;
  }

  /**
   * The model, written out and loaded once per JVM (per loader type) and shared by the tasks that run there.
   *
   * @throws UncheckedIOException when the local copy cannot be written or the loader fails
   */
  @SuppressWarnings("unchecked")
  public <T> T load(Class<T> type, Loader<T> loader) {
    return (T) LOADED.computeIfAbsent(digest + "/" + type.getName(), key -> {
      try {
        Path dir = Files.createTempDirectory("distok-model-");
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Path p = dir.resolve(f.getKey());
          Files.createDirectories(p.getParent());
          Files.write(p, f.getValue());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            AtomicFiles.deleteRecursively(dir);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
        return loader.load(dir);
      } catch (IOException e) {
        throw new UncheckedIOException("could not load the broadcast model on this executor", e);
      }
    });
  }

  /** Writes the files into {@code directory} on the job's file system (the model beside a job's output). */
  public void writeTo(org.apache.spark.sql.SparkSession spark, String directory) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      SparkOutputs.writeBytes(spark, directory, f.getKey(), f.getValue());
    }
  }
}
