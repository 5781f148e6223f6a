package io.distok.quant.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes files and directories all-or-nothing: content goes to a temporary sibling which is moved over the
 * target only once complete, so readers never see a partial output and a failure leaves the old file (or
 * nothing).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code target} through {@code body}. */
  public static void write(Path target, IoConsumer<OutputStream> body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
        body.accept(out);
      }
      move(tmp, abs);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Builds a directory: {@code body} fills a temporary sibling directory, which then replaces {@code target}
   * (an existing target directory is removed only after the new one is complete).
   */
  public static void writeDirectory(Path target, IoConsumer<Path> body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException(abs + " exists and is not a directory");
    }
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
    try {
      body.accept(tmp);
      if (Files.exists(abs)) {
        Path old = Files.createTempDirectory(parent, "." + abs.getFileName() + ".old.");
        Files.delete(old);
        Files.move(abs, old);
        Files.move(tmp, abs);
        deleteRecursively(old);
      } else {
        Files.move(tmp, abs);
      }
    } catch (IOException | RuntimeException | Error e) {
      deleteRecursively(tmp);
      throw e;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or directory tree if it exists. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> {
        try {
          Files.delete(q);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /** A consumer that may throw {@link IOException}. */
  @FunctionalInterface
  public interface IoConsumer<T> {
    void accept(T t) throws IOException;
  }
}
