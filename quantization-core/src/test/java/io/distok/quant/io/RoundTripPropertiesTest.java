package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distok.util.FloatMatrix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Random shapes, dtypes, byte orders and ids survive a write and a read; jqwik prints each run's seed. */
class RoundTripPropertiesTest {

  @Property(tries = 40)
  void npyOfAnyShapeDtypeAndByteOrder(@ForAll @IntRange(min = 1, max = 40) int rows,
      @ForAll @IntRange(min = 1, max = 20) int cols, @ForAll boolean float64, @ForAll boolean bigEndian,
      @ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix m = new FloatMatrix(rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int t = 0; t < cols; t++) {
        m.set(i, t, (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4))));
      }
    }
    Path dir = Files.createTempDirectory("npy");
    try {
      Path f = dir.resolve("m.npy");
      if (!float64 && !bigEndian) {
        Npy.write(f, m);
      } else {
        writeNpy(f, m, float64, bigEndian);
      }
      FloatMatrix back = Npy.readFloats(f);
      assertEquals(rows, back.rows());
      assertEquals(cols, back.cols());
      assertArrayEquals(m.data(), back.data());
    } finally {
      AtomicFiles.deleteRecursively(dir);
    }
  }

  /** Ids with separators, quotes, tabs, spaces and non-ASCII characters come back as written. */
  @Property(tries = 40)
  void csvAndTsvWithAnyIds(@ForAll @IntRange(min = 1, max = 30) int rows,
      @ForAll @IntRange(min = 1, max = 8) int cols, @ForAll boolean tsv, @ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    String alphabet = "ab,\t\"' ;x1-é漢";
    List<String> ids = new ArrayList<>();
    FloatMatrix m = new FloatMatrix(rows, cols);
    for (int i = 0; i < rows; i++) {
      StringBuilder id = new StringBuilder("i" + i);
      int len = rng.nextInt(6);
      for (int c = 0; c < len; c++) {
        id.append(alphabet.charAt(rng.nextInt(alphabet.length())));
      }
      ids.add(id.toString().strip());
      for (int t = 0; t < cols; t++) {
        m.set(i, t, (float) rng.nextGaussian());
      }
    }
    char sep = tsv ? '\t' : ',';
    Path dir = Files.createTempDirectory("csv");
    try {
      Path f = dir.resolve(tsv ? "m.tsv" : "m.csv");
      AtomicFiles.write(f, os -> {
        try (CsvWriter w = CsvWriter.open(os, sep)) {
          List<Object> header = new ArrayList<>(List.of("id"));
          for (int t = 0; t < cols; t++) {
            header.add("f" + t);
          }
          w.row(header);
          for (int i = 0; i < rows; i++) {
            List<Object> row = new ArrayList<>(List.of(ids.get(i)));
            for (int t = 0; t < cols; t++) {
              row.add(m.get(i, t));
            }
            w.row(row);
          }
        }
      });
      LabeledMatrix back = MatrixReader.read(f);
      assertEquals(ids, back.ids());
      assertArrayEquals(m.data(), back.matrix().data());
    } finally {
      AtomicFiles.deleteRecursively(dir);
    }
  }

  private static void writeNpy(Path f, FloatMatrix m, boolean float64, boolean bigEndian) throws IOException {
    String header = "{'descr': '" + (bigEndian ? ">" : "<") + (float64 ? "f8" : "f4") + "', 'fortran_order': False, "
        + "'shape': (" + m.rows() + ", " + m.cols() + "), }";
    int pad = 64 - (10 + header.length() + 1) % 64;
    header = header + " ".repeat(pad % 64) + "\n";
    int item = float64 ? 8 : 4;
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + item * m.data().length)
        .order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) header.length());
    b.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    b.put(header.getBytes(StandardCharsets.US_ASCII));
    for (float v : m.data()) {
      if (float64) {
        b.putDouble(v);
      } else {
        b.putFloat(v);
      }
    }
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(b.array());
    }
  }
}
