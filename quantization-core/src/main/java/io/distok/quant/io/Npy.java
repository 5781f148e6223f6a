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

  /** Parsed header plus the data bytes. */
  private record Array(char kind, int itemSize, ByteOrder order, int rows, int cols, ByteBuffer data) {}

  private static Array parse(Path file) throws IOException {
    byte[] bytes = Inputs.readAll(file);
    String name = file.toString();
    if (bytes.length < 10) {
      throw new InvalidInputException(name + ": not an .npy file (only " + bytes.length + " bytes)");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new InvalidInputException(name + ": not an .npy file (missing \\x93NUMPY magic)");
      }
    }
    int major = bytes[6];
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLen;
    int headerStart;
    if (major == 1) {
      headerLen = Short.toUnsignedInt(buf.getShort(8));
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new InvalidInputException(name + ": truncated .npy header");
      }
      headerLen = buf.getInt(8);
      headerStart = 12;
    } else {
      throw new InvalidInputException(name + ": unsupported .npy format version " + major);
    }
    if (headerLen < 0 || headerStart + headerLen > bytes.length) {
      throw new InvalidInputException(name + ": truncated .npy header");
    }
    String header = new String(bytes, headerStart, headerLen,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
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
    long rows = shape[0];
    long cols = nd == 2 ? shape[1] : 1;
    int dataStart = headerStart + headerLen;
    long have = bytes.length - dataStart;
    long need;
    try {
      need = Math.multiplyExact(Math.multiplyExact(rows, cols), (long) itemSize);
    } catch (ArithmeticException e) {
      need = Long.MAX_VALUE;
    }
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
    if (rows * cols > Integer.MAX_VALUE - 8) {
      throw new InvalidInputException(name + ": array too large (" + rows + " x " + cols + ")");
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) need).slice().order(order);
    return new Array(kind, itemSize, order, (int) rows, (int) cols, data);
  }

  /**
   * Reads a float32 or float64 array as a matrix (a 1-D array becomes one column).
   *
   * @throws InvalidInputException for anything else, naming the file and the problem
   */
  public static FloatMatrix readFloats(Path file) throws IOException {
    Array a = parse(file);
    if (a.kind() != 'f' || (a.itemSize() != 4 && a.itemSize() != 8)) {
      throw new InvalidInputException(file + ": dtype " + a.kind() + a.itemSize()
          + " is not float32 or float64");
    }
    float[] out = new float[a.rows() * a.cols()];
    if (a.itemSize() == 4) {
      a.data().asFloatBuffer().get(out);
    } else {
      var db = a.data().asDoubleBuffer();
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) db.get(i);
      }
    }
    return FloatMatrix.wrap(out, a.rows(), a.cols());
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
    writeHeader(out, "<f4", m.rows(), m.cols());
    ByteBuffer buf = ByteBuffer.allocate(m.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(m.data());
    out.write(buf.array());
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

  private static void writeHeader(OutputStream out, String descr, int rows, int cols) throws IOException {
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
