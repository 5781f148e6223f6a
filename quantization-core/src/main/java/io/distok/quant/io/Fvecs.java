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
    try (MatrixStream in = MatrixStream.open(file)) {
      return in.readAll();
    }
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
