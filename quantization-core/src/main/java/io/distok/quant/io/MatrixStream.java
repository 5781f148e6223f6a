package io.distok.quant.io;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The rows of an {@code .npy} (float32 / float64, 2-D or 1-D) or {@code .fvecs} file, read front to back in
 * blocks of the caller's size (gzip allowed), so a matrix larger than the heap can be processed with memory for
 * one block: reading costs O(rows cols) time and O(block) memory beyond the caller's buffer. Every row is checked
 * (an {@code .fvecs} record's dimension, the end of the file) as it is read; errors name the file and the row.
 */
public final class MatrixStream implements Closeable {
  /** Bytes converted per chunk, whatever the caller's block size. */
  private static final int CHUNK_BYTES = 1 << 20;

  private final Path file;
  private final InputStream in;
  private final boolean fvecs;
  private final int cols;
  private final long rows;
  private final int itemSize;
  private final ByteOrder order;
  private final int rowBytes;
  private final byte[] chunk;
  private long read;

  private MatrixStream(Path file, InputStream in, boolean fvecs, int cols, long rows, int itemSize,
      ByteOrder order) {
    this.file = file;
    this.in = in;
    this.fvecs = fvecs;
    this.cols = cols;
    this.rows = rows;
    this.itemSize = itemSize;
    this.order = order;
    this.rowBytes = (fvecs ? 4 : 0) + cols * itemSize;
    this.chunk = new byte[Math.max(rowBytes, CHUNK_BYTES / rowBytes * rowBytes)];
  }

  /** Whether {@code file} is a format this class streams (by name, a trailing {@code .gz} ignored). */
  public static boolean supports(Path file) {
    String base = Inputs.baseName(file);
    return base.endsWith(".npy") || base.endsWith(".fvecs");
  }

  /**
   * Opens {@code file} and reads its header.
   *
   * @throws InvalidInputException when the file is missing, of another format, or its header is malformed
   */
  public static MatrixStream open(Path file) throws IOException {
    String base = Inputs.baseName(file);
    boolean fvecs = base.endsWith(".fvecs");
    if (!fvecs && !base.endsWith(".npy")) {
      throw new InvalidInputException(file + ": only .npy and .fvecs files can be streamed");
    }
    InputStream opened = Inputs.open(file);
    InputStream in = opened.markSupported() ? opened : new java.io.BufferedInputStream(opened);
    try {
      boolean gzip = isGzip(file);
      long fileBytes = gzip ? -1 : Files.size(file);
      if (fvecs) {
        // the first record's dimension is the row width; the stream goes back so every record reads alike
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (head.length == 0) {
          throw new InvalidInputException(file + ": empty file");
        }
        if (head.length < 4) {
          throw new InvalidInputException(file + ": not an .fvecs file (" + head.length + " bytes, shorter than one "
              + "record header)");
        }
        int d = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (d <= 0 || d > (1 << 24)) {
          throw new InvalidInputException(file + ": not an .fvecs file (first record claims dimension " + d + ")");
        }
        long recordBytes = 4L + 4L * d;
        long rows = -1;
        if (fileBytes >= 0) {
          if (fileBytes % recordBytes != 0) {
            throw new InvalidInputException(file + ": truncated: " + fileBytes + " bytes is not a whole number of "
                + recordBytes + "-byte records of dimension " + d);
          }
          rows = fileBytes / recordBytes;
        }
        return new MatrixStream(file, in, true, d, rows, 4, ByteOrder.LITTLE_ENDIAN);
      }
      Npy.Header h = Npy.readHeader(in, file.toString());
      if (h.kind() != 'f' || (h.itemSize() != 4 && h.itemSize() != 8)) {
        throw new InvalidInputException(file + ": dtype " + h.kind() + h.itemSize() + " is not float32 or float64");
      }
      if (fileBytes >= 0) {
        h.requireData(file.toString(), fileBytes - h.dataStart());
      }
      if (h.cols() > Integer.MAX_VALUE / 8) {
        throw new InvalidInputException(file + ": rows of " + h.cols() + " values are too long");
      }
      return new MatrixStream(file, in, false, (int) h.cols(), h.rows(), h.itemSize(), h.order());
    } catch (IOException e) {
      in.close();
      throw Inputs.describe(file, e);
    } catch (RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static boolean isGzip(Path file) throws IOException {
    try (InputStream raw = Files.newInputStream(file)) {
      return raw.read() == 0x1f && raw.read() == 0x8b;
    }
  }

  public Path file() {
    return file;
  }

  /** Values per row. */
  public int cols() {
    return cols;
  }

  /** Number of rows, or -1 when unknown before reading to the end (a gzip-compressed {@code .fvecs}). */
  public long rows() {
    return rows;
  }

  /** Rows read so far. */
  public long rowsRead() {
    return read;
  }

  /**
   * Reads up to {@code maxRows} rows into {@code dst} from index 0, row-major.
   *
   * @return the rows read; 0 at the end
   * @throws InvalidInputException on a truncated file, a record of another dimension or a non-finite value,
   *     naming the row
   */
  public int read(float[] dst, int maxRows) throws IOException {
    return read(dst, 0, maxRows);
  }

  /** As {@link #read(float[], int)}, writing from row {@code dstRow} of {@code dst}. */
  public int read(float[] dst, int dstRow, int maxRows) throws IOException {
    if (maxRows <= 0 || dstRow < 0 || ((long) dstRow + maxRows) * cols > dst.length) {
      throw new IllegalArgumentException("a buffer of " + dst.length + " floats cannot take " + maxRows + " rows of "
          + cols);
    }
    int want = rows >= 0 ? (int) Math.min(maxRows, rows - read) : maxRows;
    int done = 0;
    try {
      while (done < want) {
        int n = Math.min(want - done, chunk.length / rowBytes);
        int bytes = n * rowBytes;
        int got = in.readNBytes(chunk, 0, bytes);
        int whole = got / rowBytes;
        convert(chunk, whole, dst, dstRow + done);
        done += whole;
        read += whole;
        if (got < bytes) {
          if (rows < 0 && got % rowBytes == 0) {
            return done; // the end of a stream of unknown length
          }
          throw new InvalidInputException(file + ": truncated at row " + read + (rows >= 0 ? " of " + rows : "")
              + " (" + (got % rowBytes) + " bytes of a " + rowBytes + "-byte row)");
        }
      }
    } catch (IOException e) {
      throw Inputs.describe(file, e);
    }
    return done;
  }

  private void convert(byte[] src, int n, float[] dst, int dstRow) {
    ByteBuffer b = ByteBuffer.wrap(src, 0, n * rowBytes).order(order);
    for (int r = 0; r < n; r++) {
      int off = r * rowBytes;
      int out = (dstRow + r) * cols;
      long row = read + r;
      if (fvecs) {
        int d = b.getInt(off);
        if (d != cols) {
          throw new InvalidInputException(file + ": record " + row + " has dimension " + d + " != " + cols);
        }
        off += 4;
      }
      if (itemSize == 4) {
        b.position(off);
        b.asFloatBuffer().get(dst, out, cols);
      } else {
        for (int j = 0; j < cols; j++) {
          dst[out + j] = (float) b.getDouble(off + 8 * j);
        }
      }
      for (int j = 0; j < cols; j++) {
        if (!Float.isFinite(dst[out + j])) {
          throw new InvalidInputException(file + ": " + dst[out + j] + " in row " + row + ", column " + j
              + " (values must be finite)");
        }
      }
    }
  }

  /**
   * Reads every remaining row into one matrix: one allocation of rows x cols floats when the row count is known.
   *
   * @throws InvalidInputException when the matrix holds more than 2^31 - 1 values
   */
  public FloatMatrix readAll() throws IOException {
    int block = Math.max(1, CHUNK_BYTES / rowBytes);
    if (rows >= 0) {
      if ((rows - read) * cols > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(file + ": array too large to load (" + rows + " x " + cols + "); stream it");
      }
      int n = (int) (rows - read);
      float[] out = new float[n * cols];
      for (int at = 0; at < n; ) {
        at += read(out, at, Math.min(n - at, block));
      }
      return FloatMatrix.wrap(out, n, cols);
    }
    float[] out = new float[block * cols];
    int n = 0;
    while (true) {
      if ((long) (n + block) * cols > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(file + ": array too large to load (over " + n + " rows of " + cols
            + "); stream it");
      }
      if ((n + block) * cols > out.length) {
        out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 8L, Math.max((long) (n + block) * cols,
            out.length * 2L)));
      }
      int got = read(out, n, block);
      if (got == 0) {
        break;
      }
      n += got;
    }
    return FloatMatrix.wrap(n * cols == out.length ? out : Arrays.copyOf(out, n * cols), n, cols);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
