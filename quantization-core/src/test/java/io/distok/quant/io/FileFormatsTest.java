package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.testdata.SyntheticData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatsTest {
  @TempDir
  Path dir;

  static String message(Path file) {
    return assertThrows(InvalidInputException.class, () -> MatrixReader.read(file)).getMessage();
  }

  @Test
  void npyRoundTripAndGzip() throws IOException {
    FloatMatrix m = SyntheticData.gaussianClusters(17, 5, 3, 1, 1);
    Path f = dir.resolve("m.npy");
    Npy.write(f, m);
    assertArrayEquals(m.data(), MatrixReader.read(f).matrix().data());
    Path gz = dir.resolve("m.npy.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(f));
    }
    assertArrayEquals(m.data(), MatrixReader.read(gz).matrix().data());
    Codes c = Codes.wrap(new int[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Path cf = dir.resolve("c.npy");
    Npy.write(cf, c);
    assertEquals(c, Npy.readCodes(cf));
  }

  /** Writes an .npy with an arbitrary header, as numpy would. */
  static Path npy(Path file, String descr, String fortran, String shape, byte[] data) throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
    String header = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    out.write(data);
    Files.write(file, out.toByteArray());
    return file;
  }

  @Test
  void npyFloat64AndBigEndianAreRead() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 6; i++) {
      b.putDouble(i * 0.5);
    }
    FloatMatrix m = MatrixReader.read(npy(dir.resolve("d.npy"), "<f8", "False", "(2, 3)", b.array())).matrix();
    assertEquals(2, m.rows());
    assertEquals(2.5f, m.get(1, 2));
    ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
    FloatMatrix v = MatrixReader.read(npy(dir.resolve("be.npy"), ">f4", "False", "(2,)", be.array())).matrix();
    assertEquals(1, v.cols());
    assertEquals(-2f, v.get(1, 0));
  }

  @Test
  void npyErrorsNameTheProblem() throws IOException {
    assertTrue(message(npy(dir.resolve("f.npy"), "<f4", "True", "(2, 2)", new byte[16])).contains("Fortran"));
    assertTrue(message(npy(dir.resolve("t.npy"), "<f4", "False", "(4, 2)", new byte[16])).contains("truncated"));
    assertTrue(message(npy(dir.resolve("i.npy"), "<i4", "False", "(2, 2)", new byte[16]))
        .contains("not float32 or float64"));
    Path fake = dir.resolve("fake.npy");
    Files.writeString(fake, "1,2,3\n4,5,6\n");
    assertTrue(message(fake).contains("not an .npy file"));
    ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(Float.NaN);
    assertTrue(message(npy(dir.resolve("nan.npy"), "<f4", "False", "(1, 2)", b.array()))
        .contains("NaN in row 0, column 1"));
    Path empty = npy(dir.resolve("e.npy"), "<f4", "False", "(0, 4)", new byte[0]);
    assertTrue(message(empty).contains("empty"));
  }

  @Test
  void fvecsRoundTripAndErrors() throws IOException {
    FloatMatrix m = SyntheticData.gaussianClusters(9, 7, 2, 1, 2);
    Path f = dir.resolve("v.fvecs");
    Fvecs.write(f, m);
    assertArrayEquals(m.data(), MatrixReader.read(f).matrix().data());
    byte[] bytes = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.fvecs");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 3));
    assertTrue(message(cut).contains("truncated"), message(cut));
    ByteBuffer mixed = ByteBuffer.allocate(4 + 8 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
    mixed.putInt(2).putFloat(1).putFloat(2).putInt(1).putFloat(3).putFloat(4);
    Path mf = dir.resolve("mixed.fvecs");
    Files.write(mf, mixed.array());
    assertTrue(message(mf).contains("record 1 has dimension 1 != 2"), message(mf));
  }

  @Test
  void csvWithIdsAndHeader() throws IOException {
    Path f = dir.resolve("items.csv");
    Files.writeString(f, "item,f0,f1,f2\r\nA,1,2,3\r\nB,4,5,6\r\n");
    LabeledMatrix m = MatrixReader.read(f);
    assertEquals(List.of("A", "B"), m.ids());
    assertEquals(6f, m.matrix().get(1, 2));
    Path t = dir.resolve("plain.tsv");
    Files.writeString(t, "1\t2\n3\t4\n");
    LabeledMatrix p = MatrixReader.read(t);
    assertNull(p.ids());
    assertEquals(4f, p.matrix().get(1, 1));
  }

  @Test
  void csvErrorsNameLineAndColumn() throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "1,2,3\n4,5\n");
    assertTrue(message(f).contains("line 2: dimension 2 != 3"), message(f));
    Files.writeString(f, "1,2,3\n4,NaN,6\n");
    assertTrue(message(f).contains("line 2, column 2: NaN"), message(f));
    Files.writeString(f, "1,2,3\n4,x,6\n");
    assertTrue(message(f).contains("line 2, column 2: not a number"), message(f));
    Files.writeString(f, "# only a comment\n");
    assertTrue(message(f).contains("no data rows"), message(f));
    assertTrue(message(dir.resolve("missing.csv")).contains("no such file"));
  }

  @Test
  void idxImagesAreScaledToUnitRange() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(16 + 2 * 4).order(ByteOrder.BIG_ENDIAN);
    b.putInt(2051).putInt(2).putInt(2).putInt(2);
    b.put(new byte[] {0, (byte) 255, 51, 102, 0, 0, 0, (byte) 255});
    Path f = dir.resolve("t10k-images-idx3-ubyte.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(b.array());
    }
    FloatMatrix m = MatrixReader.read(f).matrix();
    assertEquals(2, m.rows());
    assertEquals(4, m.cols());
    assertEquals(1f, m.get(0, 1));
    assertEquals(0.2f, m.get(0, 2), 1e-6f);
    Path bad = dir.resolve("x-idx3-ubyte");
    Files.write(bad, java.util.Arrays.copyOf(b.array(), 20));
    assertTrue(message(bad).contains("truncated"), message(bad));
  }

  @Test
  void atomicWriteLeavesNothingOnFailure() throws IOException {
    Path target = dir.resolve("out.bin");
    assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
      out.write(1);
      throw new IOException("disk full");
    }));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
