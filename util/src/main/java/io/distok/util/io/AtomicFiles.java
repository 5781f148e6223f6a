package io.distok.util.io;

import io.distok.util.InvalidInputException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files and directories all-or-nothing: content goes to a temporary sibling which is moved over the
 * target only once complete, so readers never see a partial output and a failure leaves the old file (or
 * nothing).
 *
 * <p>Temporary siblings are created the way any other output is ({@code open(O_CREAT|O_EXCL)} and {@code mkdir}
 * with the process umask applied), not with {@link Files#createTempFile}'s owner-only mode, so the moved output
 * has the permissions a user expects. Temporaries still present when the JVM shuts down (Ctrl-C, SIGTERM) are
 * removed by a shutdown hook.
 */
public final class AtomicFiles {
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::removePending, "distok-temp-cleanup"));
  }

  private AtomicFiles() {}

  /** Writes {@code target} through {@code body}. */
  public static void write(Path target, IoConsumer<OutputStream> body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = createParent(abs);
    if (Files.isDirectory(abs)) {
      throw new InvalidInputException(target + ": is a folder, cannot write a file there");
    }
    Path tmp = null;
    try {
      tmp = createTemp(dir, abs, ".tmp", target, Files::createFile);
      OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.WRITE);
      try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
        body.accept(out);
      }
      move(tmp, abs, target);
    } catch (IOException | RuntimeException | Error e) {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
      throw e;
    } finally {
      if (tmp != null) {
        PENDING.remove(tmp);
      }
    }
  }

  /**
   * Builds a directory: {@code body} fills a temporary sibling directory, which then replaces {@code target}
   * (an existing target directory is removed only after the new one is complete).
   */
  public static void writeDirectory(Path target, IoConsumer<Path> body) throws IOException {
    Path abs = target.toAbsolutePath();
    Path parent = createParent(abs);
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new InvalidInputException(target + ": exists and is not a folder");
    }
    Path tmp = null;
    Path old = null;
    try {
      tmp = createTemp(parent, abs, "", target, Files::createDirectory);
      body.accept(tmp);
      if (Files.exists(abs)) {
        old = tempSibling(parent, abs, ".old");
        PENDING.add(old);
        Files.move(abs, old);
        Files.move(tmp, abs);
        deleteRecursively(old);
      } else {
        Files.move(tmp, abs);
      }
    } catch (IOException | RuntimeException | Error e) {
      if (tmp != null) {
        deleteRecursively(tmp);
      }
      if (old != null && Files.exists(old) && !Files.exists(abs)) {
        Files.move(old, abs); // put the previous content back
      }
      throw e;
    } finally {
      if (tmp != null) {
        PENDING.remove(tmp);
      }
      if (old != null) {
        PENDING.remove(old);
      }
    }
  }

  private static Path createParent(Path abs) throws IOException {
    Path dir = abs.getParent();
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidInputException(abs + ": cannot write there, " + e.getFile() + " is not a folder");
    } catch (AccessDeniedException e) {
      throw new IOException(abs + ": cannot create its folder " + dir + ", permission denied", e);
    }
    return dir;
  }

  /**
   * Creates a fresh temporary sibling of {@code abs} with {@code create} (a file or a folder, so that the umask
   * applies as to any new output) and registers it for removal on interrupt.
   */
  private static Path createTemp(Path parent, Path abs, String suffix, Path target, IoConsumer<Path> create)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path tmp = tempSibling(parent, abs, suffix);
      PENDING.add(tmp);
      try {
        create.accept(tmp);
        return tmp;
      } catch (FileAlreadyExistsException e) {
        PENDING.remove(tmp);
        if (attempt > 100) {
          throw e;
        }
      } catch (AccessDeniedException e) {
        PENDING.remove(tmp);
        throw new IOException(target + ": cannot write, permission denied in folder " + parent, e);
      } catch (FileSystemException e) {
        PENDING.remove(tmp);
        throw new IOException(target + ": cannot write in folder " + parent + " (" + reason(e) + ")", e);
      }
    }
  }

  private static String reason(FileSystemException e) {
    return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName().replace("Exception", "");
  }

  private static Path tempSibling(Path dir, Path abs, String suffix) {
    long r = ThreadLocalRandom.current().nextLong() >>> 1;
    return dir.resolve("." + abs.getFileName() + "." + Long.toString(r, 36) + suffix);
  }

  private static void move(Path from, Path to, Path target) throws IOException {
    try {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (FileSystemException e) {
      throw new IOException(target + ": cannot replace it (" + reason(e) + ")", e);
    }
  }

  /** Temporary paths not yet moved into place; for tests of the interrupt cleanup. */
  static Set<Path> pending() {
    return Set.copyOf(PENDING);
  }

  private static void removePending() {
    for (Path p : PENDING) {
      try {
        deleteRecursively(p);
      } catch (IOException | UncheckedIOException e) {
        // shutting down: nothing else can be done about a temporary that will not go away
      }
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
