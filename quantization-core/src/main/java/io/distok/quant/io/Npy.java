package io.distok.quant.io;

import io.distok.util.io.AtomicFiles;
import io.distok.util.io.Inputs;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1-3): 1-D or 2-D, C order, float32/float64 read as floats and
 * int32/int64 read as codes, either byte order. Writes version 1.0 little-endian, loadable by
 * {@code numpy.load}.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /**
   * The header of an .npy file: dtype, shape and where the data starts.
   *
   * @param dataStart byte offset of the first value
   */
  record Header(char kind, int itemSize, ByteOrder order, long rows, long cols, int dataStart) {
    long dataBytes() {
      try {
        return Math.multiplyExact(Math.multiplyExact(rows, cols), (long) itemSize);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    /** Fails unless {@code have} data bytes hold the whole array. */
    void requireData(String name, long have) {
      long need = dataBytes();
      if (have < need) {
        if (need == Long.MAX_VALUE) {
          throw new InvalidInputException(String.format(Locale.ROOT,
              "%s: header shape (%d, %d) promises more bytes than any file holds; the file has %d data bytes", name,
              rows, cols, have));
        }
        throw new InvalidInputException(String.format(Locale.ROOT,
            "%s: truncated: header promises %d x %d values of %d bytes (%d bytes) but only %d bytes follow", name,
            rows, cols, itemSize, need, have));
      }
    }
  }

  /** Reads the magic, version and header dictionary from the start of a stream (which is left at the data). */
  static Header readHeader(java.io.InputStream in, String name) throws IOException {
    byte[] lead = in.readNBytes(10);
    if (lead.length < 10) {
      throw new InvalidInputException(name + ": not an .npy file (only " + lead.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (lead[i] != MAGIC[i]) {
        throw new InvalidInputException(name + ": not an .npy file (missing \\x93NUMPY magic)");
      }
    }
    int major = lead[6];
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(ByteBuffer.wrap(lead).order(ByteOrder.LITTLE_ENDIAN).getShort(8));
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      byte[] more = in.readNBytes(2);
      if (more.length < 2) {
        throw new InvalidInputException(name + ": truncated .npy header");
      }
      headerLen = ByteBuffer.wrap(new byte[] {lead[8], lead[9], more[0], more[1]}).order(ByteOrder.LITTLE_ENDIAN)
          .getInt();
      headerStart = 12;
    } else {
      throw new InvalidInputException(name + ": unsupported .npy format version " + major);
    }
    if (headerLen < 0 || headerLen > 1 << 24) {
      throw new InvalidInputException(name + ": truncated .npy header");
    }
    byte[] h = in.readNBytes(headerLen);
    if (h.length < headerLen) {
      throw new InvalidInputException(name + ": truncated .npy header");
    }
    String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new InvalidInputException(name + ": malformed .npy header: " + header.trim());
    }
    if (f.group(1).equals("True")) {
      throw new InvalidInputException(name + ": Fortran-order arrays are not supported; save with C order "
          + "(numpy.ascontiguousarray)");
    }
    char kind = d.group(2).charAt(0);
    int itemSize = Integer.parseInt(d.group(3));
    ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    String[] dims = s.group(1).split(",");
    long[] shape = new long[2];
    int nd = 0;
    for (String dim : dims) {
      if (dim.isBlank()) {
        continue;
      }
      if (nd == 2) {
        throw new InvalidInputException(name + ": arrays of more than 2 dimensions are not supported (shape ("
            + s.group(1) + "))");
      }
      long v;
      try {
        v = Long.parseLong(dim.trim());
      } catch (NumberFormatException e) {
        throw new InvalidInputException(name + ": malformed shape (" + s.group(1) + ") in the .npy header");
      }
      if (v < 0) {
        throw new InvalidInputException(name + ": negative dimension " + v + " in the .npy header shape ("
            + s.group(1) + ")");
      }
      shape[nd++] = v;
    }
    if (nd == 0) {
      throw new InvalidInputException(name + ": scalar arrays are not supported");
    }
    return new Header(kind, itemSize, order, shape[0], nd == 2 ? shape[1] : 1, headerStart + headerLen);
  }

  /** Parsed header plus the data bytes. */
  private record Array(char kind, int itemSize, ByteOrder order, int rows, int cols, ByteBuffer data) {}

  private static Array parse(Path file) throws IOException {
    byte[] bytes = Inputs.readAll(file);
    String name = file.toString();
    Header h = readHeader(new java.io.ByteArrayInputStream(bytes), name);
    h.requireData(name, bytes.length - h.dataStart());
    if (h.rows() * h.cols() > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(name + ": array too large (" + h.rows() + " x " + h.cols() + ")");
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, h.dataStart(), (int) h.dataBytes()).slice().order(h.order());
    return new Array(h.kind(), h.itemSize(), h.order(), (int) h.rows(), (int) h.cols(), data);
  }

  /**
   * Reads a float32 or float64 array as a matrix (a 1-D array becomes one column).
   *
   * @throws InvalidInputException for anything else, naming the file and the problem
   */
  public static FloatMatrix readFloats(Path file) throws IOException {
    try (MatrixStream in = MatrixStream.open(file)) {
      return in.readAll();
    }
  }

  /** Reads an int32 or int64 array (values must fit in int) as codes. */
  public static Codes readCodes(Path file) throws IOException {
    Array a = parse(file);
    if (a.kind() != 'i' && a.kind() != 'u' || (a.itemSize() != 4 && a.itemSize() != 8 && a.itemSize() != 2
        && a.itemSize() != 1)) {
      throw new InvalidInputException(file + ": dtype " + a.kind() + a.itemSize() + " is not an integer type");
    }
    int[] out = new int[a.rows() * a.cols()];
    ByteBuffer b = a.data();
    for (int i = 0; i < out.length; i++) {
      long v = switch (a.itemSize()) {
        case 1 -> a.kind() == 'u' ? Byte.toUnsignedInt(b.get(i)) : b.get(i);
        case 2 -> a.kind() == 'u' ? Short.toUnsignedInt(b.getShort(i * 2)) : b.getShort(i * 2);
        case 4 -> a.kind() == 'u' ? Integer.toUnsignedLong(b.getInt(i * 4)) : b.getInt(i * 4);
        default -> b.getLong(i * 8);
      };
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw new InvalidInputException(file + ": value " + v + " at index " + i + " does not fit in int32");
      }
      out[i] = (int) v;
    }
    return Codes.wrap(out, a.rows(), a.cols());
  }

  /** Writes a float32 array atomically. */
  public static void write(Path file, FloatMatrix m) throws IOException {
    AtomicFiles.write(file, out -> write(out, m));
  }

  /** Writes a float32 array to a stream. */
  public static void write(OutputStream out, FloatMatrix m) throws IOException {
    writeFloatHeader(out, m.rows(), m.cols());
    writeFloats(out, m.data(), 0, m.data().length);
  }

  /**
   * Writes the header of a little-endian float32 array of {@code rows x cols}, to be followed by exactly that
   * many values ({@link #writeFloats}): for files written a block at a time, larger than any one array.
   */
  public static void writeFloatHeader(OutputStream out, long rows, int cols) throws IOException {
    writeHeader(out, "<f4", rows, cols);
  }

  /** Writes {@code values[from, to)} as little-endian float32, through a small buffer. */
  public static void writeFloats(OutputStream out, float[] values, int from, int to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(to - from, 1 << 18)).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = from; at < to; ) {
      int n = Math.min(to - at, buf.capacity() / 4);
      buf.clear();
      buf.asFloatBuffer().put(values, at, n);
      out.write(buf.array(), 0, n * 4);
      at += n;
    }
  }

  /** Writes codes atomically: an int32 array, or int64 for {@link Codes#isWide() wide} codes. */
  public static void write(Path file, Codes codes) throws IOException {
    AtomicFiles.write(file, out -> {
      if (codes.isWide()) {
        writeHeader(out, "<i8", codes.rows(), codes.codesPerRow());
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(codes.rows() * codes.codesPerRow(), 8))
            .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < codes.rows(); i++) {
          for (int j = 0; j < codes.codesPerRow(); j++) {
            buf.putLong(codes.getLong(i, j));
          }
        }
        out.write(buf.array());
        return;
      }
      writeHeader(out, "<i4", codes.rows(), codes.codesPerRow());
      ByteBuffer buf = ByteBuffer.allocate(codes.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
      buf.asIntBuffer().put(codes.data());
      out.write(buf.array());
    });
  }

  private static void writeHeader(OutputStream out, String descr, long rows, int cols) throws IOException {
    String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    DataOutputStream dos = new DataOutputStream(out);
    dos.write(MAGIC);
    dos.writeByte(1);
    dos.writeByte(0);
    int len = header.length();
    dos.writeByte(len & 0xff);
    dos.writeByte((len >>> 8) & 0xff);
    dos.write(header.getBytes(StandardCharsets.ISO_8859_1));
    dos.flush();
  }
}
