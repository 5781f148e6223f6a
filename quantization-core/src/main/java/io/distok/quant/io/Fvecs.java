package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;
import io.distok.util.io.Inputs;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The {@code .fvecs} format of the TEXMEX corpus (used by faiss): each vector is a little-endian int32
 * dimension d followed by d float32 values; every record must have the same d.
 */
public final class Fvecs {
  private Fvecs() {}

  /** Reads an {@code .fvecs} file (gzip allowed). */
  public static FloatMatrix read(Path file) throws IOException {
    byte[] bytes = Inputs.readAll(file);
    if (bytes.length == 0) {
      throw new InvalidInputException(file + ": empty file");
    }
    if (bytes.length < 4) {
      throw new InvalidInputException(file + ": not an .fvecs file (" + bytes.length + " bytes, shorter than one "
          + "record header)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int d = buf.getInt(0);
    if (d <= 0 || d > (1 << 24)) {
      throw new InvalidInputException(file + ": not an .fvecs file (first record claims dimension " + d + ")");
    }
    long recordBytes = 4L + 4L * d;
    if (bytes.length % recordBytes != 0) {
      long whole = bytes.length / recordBytes;
      int got = buf.getInt((int) Math.min(whole * recordBytes, bytes.length - 4));
      if (whole * recordBytes + 4 <= bytes.length && got != d) {
        throw new InvalidInputException(file + ": record " + whole + " has dimension " + got + " != " + d);
      }
      throw new InvalidInputException(file + ": truncated: " + bytes.length + " bytes is not a whole number of "
          + recordBytes + "-byte records of dimension " + d);
    }
    int n = (int) (bytes.length / recordBytes);
    float[] out = new float[n * d];
    for (int i = 0; i < n; i++) {
      int off = (int) (i * recordBytes);
      int di = buf.getInt(off);
      if (di != d) {
        throw new InvalidInputException(file + ": record " + i + " has dimension " + di + " != " + d);
      }
      buf.position(off + 4);
      buf.asFloatBuffer().get(out, i * d, d);
    }
    return FloatMatrix.wrap(out, n, d);
  }

  /** Writes an {@code .fvecs} file atomically. */
  public static void write(Path file, FloatMatrix m) throws IOException {
    AtomicFiles.write(file, out -> write(out, m));
  }

  private static void write(OutputStream out, FloatMatrix m) throws IOException {
    ByteBuffer rec = ByteBuffer.allocate(4 + 4 * m.cols()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < m.rows(); i++) {
      rec.clear();
      rec.putInt(m.cols());
      for (int t = 0; t < m.cols(); t++) {
        rec.putFloat(m.get(i, t));
      }
      out.write(rec.array());
    }
  }
}
