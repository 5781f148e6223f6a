package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;
import io.distok.util.io.StoreHeader;
import io.distok.util.io.OutputPaths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
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
