package io.distok.quant.io;

import io.distok.util.io.Inputs;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * IDX image files (the MNIST format: big-endian magic 2051, count, rows, columns, then unsigned bytes), read
 * as one row per image with pixels scaled to [0, 1] (as {@code ../shared/bench/faiss_compare.py} does).
 */
public final class IdxImages {
  private static final int MAGIC = 0x00000803;

  private IdxImages() {}

  /** True when the file name looks like an IDX image file. */
  static boolean looksLikeIdx(Path file) {
    String base = Inputs.baseName(file);
    return base.contains("idx3-ubyte") || base.endsWith(".idx");
  }

  /** Reads the images of an IDX file (gzip allowed). */
  public static FloatMatrix read(Path file) throws IOException {
    byte[] bytes = Inputs.readAll(file);
    if (bytes.length < 16) {
      throw new InvalidInputException(file + ": not an IDX image file (only " + bytes.length + " bytes)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    if (b.getInt(0) != MAGIC) {
      throw new InvalidInputException(file + ": not an IDX image file (magic " + b.getInt(0) + " != 2051)");
    }
    int n = b.getInt(4);
    int d = b.getInt(8) * b.getInt(12);
    long need = 16L + (long) n * d;
    if (n < 0 || d <= 0 || bytes.length < need) {
      throw new InvalidInputException(file + ": truncated: header promises " + n + " images of " + d
          + " pixels but the file has " + bytes.length + " bytes");
    }
    float[] out = new float[n * d];
    for (int i = 0; i < out.length; i++) {
      out[i] = Byte.toUnsignedInt(bytes[16 + i]) / 255f;
    }
    return FloatMatrix.wrap(out, n, d);
  }
}
