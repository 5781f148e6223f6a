package io.distok.quant.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Randomized properties of block-wise matrix reading; jqwik prints each run's seed. */
class MatrixStreamPropertiesTest {

  private static Path tempDir() throws IOException {
    Path base = Path.of("target", "matrix-stream");
    Files.createDirectories(base);
    return Files.createTempDirectory(base, "t");
  }

  private static FloatMatrix random(SplittableRandom rng, int n, int d) {
    FloatMatrix m = new FloatMatrix(n, d);
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        m.set(i, t, (float) rng.nextGaussian());
      }
    }
    return m;
  }

  /** Writes {@code m} in one of five encodings: npy f4 LE, npy f4 BE, npy f8 LE, fvecs, gzip-compressed fvecs. */
  private static Path write(Path dir, FloatMatrix m, int format) throws IOException {
    switch (format) {
      case 0 -> {
        Path f = dir.resolve("m.npy");
        Npy.write(f, m);
        return f;
      }
      case 1, 2 -> {
        boolean f8 = format == 2;
        ByteBuffer b = ByteBuffer.allocate(m.rows() * m.cols() * (f8 ? 8 : 4))
            .order(f8 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        for (float v : m.data()) {
          if (f8) {
            b.putDouble(v);
          } else {
            b.putFloat(v);
          }
        }
        return FileFormatsTest.npy(dir.resolve("m.npy"), f8 ? "<f8" : ">f4", "False",
            "(" + m.rows() + ", " + m.cols() + ")", b.array());
      }
      case 3 -> {
        Path f = dir.resolve("m.fvecs");
        Fvecs.write(f, m);
        return f;
      }
      default -> {
        Path plain = dir.resolve("plain.fvecs");
        Fvecs.write(plain, m);
        Path f = dir.resolve("m.fvecs.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
          out.write(Files.readAllBytes(plain));
        }
        return f;
      }
    }
  }

  /** Reading in blocks of any size gives the rows a whole-file read gives, in order, and then 0 at the end. */
  @Property(tries = 40)
  void blocksConcatenateToTheMatrix(@ForAll @IntRange(min = 1, max = 3000) int n,
      @ForAll @IntRange(min = 1, max = 40) int d, @ForAll @IntRange(min = 1, max = 700) int block,
      @ForAll @IntRange(min = 0, max = 4) int format, @ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix m = random(rng, n, d);
    Path f = write(tempDir(), m, format);
    float[] all = new float[n * d];
    float[] buf = new float[block * d];
    int at = 0;
    try (MatrixStream in = MatrixStream.open(f)) {
      assertEquals(d, in.cols());
      assertEquals(format == 4 ? -1 : n, in.rows(), "row count known before reading unless compressed");
      int got;
      while ((got = in.read(buf, block)) > 0) {
        System.arraycopy(buf, 0, all, at * d, got * d);
        at += got;
      }
      assertEquals(0, in.read(buf, block));
      assertEquals(n, in.rowsRead());
    }
    assertEquals(n, at);
    assertArrayEquals(m.data(), all);
    assertArrayEquals(m.data(), MatrixReader.read(f).matrix().data(), "whole-file reads go through the stream too");
  }

  /** A file cut inside a row, or holding a non-finite value, fails naming the row. */
  @Property(tries = 20)
  void damageIsReportedWithItsRow(@ForAll @IntRange(min = 2, max = 500) int n,
      @ForAll @IntRange(min = 1, max = 16) int d, @ForAll boolean fvecs, @ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix m = random(rng, n, d);
    int bad = rng.nextInt(n);
    int col = rng.nextInt(d);
    m.set(bad, col, Float.NaN);
    Path dir = tempDir();
    Path f = write(dir, m, fvecs ? 3 : 0);
    String msg = assertThrows(InvalidInputException.class, () -> readAll(f)).getMessage();
    assertTrue(msg.contains("in row " + bad + ", column " + col), msg);
    // a gzip stream cut inside a row: the row count is not known beforehand, so the cut is seen when reached
    m.set(bad, col, 0f);
    byte[] whole = Files.readAllBytes(write(dir, m, 3));
    int rowBytes = 4 + 4 * d;
    int cutRow = 1 + rng.nextInt(n - 1);
    Path cut = dir.resolve("cut.fvecs.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(cut))) {
      out.write(Arrays.copyOf(whole, cutRow * rowBytes + 1 + rng.nextInt(rowBytes - 1)));
    }
    String cutMsg = assertThrows(InvalidInputException.class, () -> readAll(cut)).getMessage();
    assertTrue(cutMsg.contains("truncated at row " + cutRow), cutMsg);
  }

  private static void readAll(Path f) throws IOException {
    try (MatrixStream in = MatrixStream.open(f)) {
      in.readAll();
    }
  }
}
