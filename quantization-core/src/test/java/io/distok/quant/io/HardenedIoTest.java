package io.distok.quant.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.FloatMatrix;
import io.distok.quant.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

/** Bad inputs, outputs that must not destroy inputs, permissions and interrupted writes. */
class HardenedIoTest {
  @TempDir
  Path dir;

  static String message(Path file) {
    return assertThrows(InvalidInputException.class, () -> MatrixReader.read(file)).getMessage();
  }

  @Test
  void outputThatIsAnInputIsRefusedWhateverTheSpelling() throws IOException {
    Path in = dir.resolve("x.npy");
    Npy.write(in, new FloatMatrix(2, 2));
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
  void badHeadersAndShortFilesAreClearErrors() throws IOException {
    Path fv = dir.resolve("short.fvecs");
    Files.write(fv, new byte[] {1, 0, 0});
    assertTrue(message(fv).contains("not an .fvecs file (3 bytes"), message(fv));
    Path neg = npyWithShape("neg.npy", "(-1, 4)", 16);
    assertTrue(message(neg).contains("negative dimension -1"), message(neg));
    Path huge = npyWithShape("huge.npy", "(4611686018427387904, 4)", 16);
    assertTrue(message(huge).contains("promises more bytes than any file holds"), message(huge));
    Path folder = Files.createDirectory(dir.resolve("folder.npy"));
    assertTrue(message(folder).contains(folder + ": is a folder"), message(folder));
    Path gz = dir.resolve("cut.csv.gz");
    byte[] full;
    try (var bos = new java.io.ByteArrayOutputStream();
        var out = new java.util.zip.GZIPOutputStream(bos)) {
      out.write("1,2\n3,4\n".repeat(2000).getBytes(StandardCharsets.UTF_8));
      out.finish();
      full = bos.toByteArray();
    }
    Files.write(gz, java.util.Arrays.copyOf(full, full.length / 2));
    assertTrue(message(gz).startsWith(gz + ": corrupt or truncated gzip"), message(gz));
  }

  private Path npyWithShape(String name, String shape, int dataBytes) throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
    Path f = dir.resolve(name);
    Files.write(f, b.array());
    return f;
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

  @Test
  void csvWithNumericIdsUnderAnIdHeaderReadsThemAsIds() throws IOException {
    Path f = dir.resolve("items.csv");
    Files.writeString(f, "id,f0,f1\n1,0.5,0.25\n2,1.5,2.5\n");
    Delimited.Table t = Delimited.read(f, Delimited.Layout.AUTO);
    assertEquals(List.of("1", "2"), t.matrix().ids());
    assertEquals(2, t.matrix().matrix().cols());
    assertTrue(t.layout().contains("ids from column 1 'id'"), t.layout());
    Delimited.Table none = Delimited.read(f, new Delimited.Layout(true, ""));
    assertNull(none.matrix().ids());
    assertEquals(3, none.matrix().matrix().cols());
    Path g = dir.resolve("named.tsv");
    Files.writeString(g, "f0\tsku\tf1\n0.5\t\"a\tb\"\t1\n");
    Delimited.Table named = Delimited.read(g, new Delimited.Layout(null, "sku"));
    assertEquals(List.of("a\tb"), named.matrix().ids());
    assertEquals(1f, named.matrix().matrix().get(0, 1));
    Path q = dir.resolve("quoted.csv");
    Files.writeString(q, "\"Smith, J.\",1,2\n\"x\"\"y\",3,4\n");
    assertEquals(List.of("Smith, J.", "x\"y"), MatrixReader.read(q).ids());
    var e = assertThrows(InvalidInputException.class, () -> Delimited.read(f, new Delimited.Layout(null, "nope")));
    assertTrue(e.getMessage().contains("no column 'nope'"), e.getMessage());
  }

  @Test
  void csvLineNumbersCountSkippedAndQuotedLines() throws IOException {
    Path f = dir.resolve("lines.csv");
    Files.writeString(f, "# comment\n\n\"a\nb\",1,2\nc,3,x\n");
    var e = assertThrows(InvalidInputException.class, () -> MatrixReader.read(f));
    assertTrue(e.getMessage().contains("line 5, column 3: not a number: 'x'"), e.getMessage());
    assertFalse(e.getMessage().contains("Exception"), e.getMessage());
  }
}
