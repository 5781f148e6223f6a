package io.distok.util.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs that must not destroy inputs, permissions, store headers and interrupted writes. */
class AtomicFilesTest {
  @TempDir
  Path dir;

  @Test
  void outputThatIsAnInputIsRefusedWhateverTheSpelling() throws IOException {
    Path in = dir.resolve("x.npy");
    Files.write(in, new byte[] {1, 2, 3});
    byte[] before = Files.readAllBytes(in);
    Path sub = Files.createDirectories(dir.resolve("sub"));
    Path link = Files.createSymbolicLink(dir.resolve("link.npy"), in);
    for (Path out : List.of(in, dir.resolve("./x.npy"), sub.resolve("../x.npy"), link)) {
      var e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireDistinct("--out", out, in));
      assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains(in.toString()), e.getMessage());
    }
    var e = assertThrows(InvalidInputException.class, () -> OutputPaths.requireDistinct("--out", dir, in));
    assertTrue(e.getMessage().contains("holds the input"), e.getMessage());
    OutputPaths.requireDistinct("--out", dir.resolve("y.npy"), in, null);
    OutputPaths.requireDistinct("--out", dir.resolve("new/deeper/y.npy"), in);
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(in));
  }

  @Test
  void outputsGetTheUmaskPermissionsOfAnyNewFile() throws IOException {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path plainDir = Files.createDirectory(dir.resolve("plainDir"));
    Path file = dir.resolve("out.bin");
    AtomicFiles.write(file, out -> out.write(1));
    Path model = dir.resolve("model");
    AtomicFiles.writeDirectory(model, tmp -> Files.writeString(tmp.resolve("a.txt"), "a"));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(model));
    assertTrue(Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_READ));
  }

  @Test
  void writingBelowAFileNamesThePathInWords() throws IOException {
    Path notADir = Files.writeString(dir.resolve("plain.txt"), "x");
    var e = assertThrows(InvalidInputException.class, () -> AtomicFiles.write(notADir.resolve("out.npy"),
        out -> out.write(1)));
    assertTrue(e.getMessage().contains("is not a folder"), e.getMessage());
    var f = assertThrows(InvalidInputException.class, () -> AtomicFiles.write(dir, out -> out.write(1)));
    assertTrue(f.getMessage().contains("is a folder"), f.getMessage());
  }

  @Test
  void storeHeaderRefusesOtherVersionsAndEditedFiles() throws IOException {
    Path store = dir.resolve("store");
    AtomicFiles.writeDirectory(store, tmp -> {
      Files.writeString(tmp.resolve("data.txt"), "payload");
      var meta = StoreHeader.create("test-store", 3);
      StoreHeader.recordChecksums(meta, tmp, List.of("data.txt"));
      StoreHeader.write(tmp.resolve("meta.json"), meta);
    });
    assertEquals("test-store", StoreHeader.read(store, "meta.json", "test-store", 3, "a test store").get("format"));
    var v = assertThrows(InvalidInputException.class, () -> StoreHeader.read(store, "meta.json", "test-store", 4,
        "a test store"));
    assertTrue(v.getMessage().contains("format version 3") && v.getMessage().contains("reads version 4"),
        v.getMessage());
    var f = assertThrows(InvalidInputException.class, () -> StoreHeader.read(store, "meta.json", "other", 3,
        "an other store"));
    assertTrue(f.getMessage().contains("not an other store"), f.getMessage());
    Files.writeString(store.resolve("data.txt"), "edited");
    var c = assertThrows(InvalidInputException.class, () -> StoreHeader.read(store, "meta.json", "test-store", 3,
        "a test store"));
    assertTrue(c.getMessage().contains("data.txt: checksum mismatch"), c.getMessage());
  }

  /** A child JVM writing a file and a folder is interrupted (SIGINT, as Ctrl-C sends): no temporary is left. */
  @Test
  void interruptedWritesLeaveNoTemporaries() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        SlowWriter.class.getName(), dir.toString()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      assertEquals("writing", line, "child did not start writing");
      List<String> names = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.forEach(f -> names.add(f.getFileName().toString()));
      }
      assertTrue(names.stream().anyMatch(n -> n.startsWith(".out.jsonl.") && n.endsWith(".tmp")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith(".model.")), names.toString());
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not stop on SIGINT");
    } finally {
      p.destroyForcibly();
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.map(f -> f.getFileName().toString()).toList());
    }
  }

  /** Starts writing {@code out.jsonl} and the folder {@code model}, then waits to be interrupted. */
  public static final class SlowWriter {
    public static void main(String[] args) throws Exception {
      Path d = Path.of(args[0]);
      Thread folder = new Thread(() -> {
        try {
          AtomicFiles.writeDirectory(d.resolve("model"), tmp -> {
            Files.writeString(tmp.resolve("part"), "x");
            sleepForever();
          });
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      folder.setDaemon(true);
      folder.start();
      AtomicFiles.write(d.resolve("out.jsonl"), out -> {
        out.write("{}\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (AtomicFiles.pending().size() < 2) {
          Thread.onSpinWait();
        }
        System.out.println("writing");
        System.out.flush();
        sleepForever();
      });
    }

    static void sleepForever() {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
