package io.distok.util.io;

import io.distok.util.InvalidInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens input files, decompressing gzip transparently (detected by its magic bytes, not the name). */
public final class Inputs {
  private Inputs() {}

  /** Opens {@code file} for reading; a missing file is an {@link InvalidInputException}. */
  public static InputStream open(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(file + ": is a folder, expected a file");
    }
    InputStream raw;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new InvalidInputException(file + ": permission denied");
    }
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      try {
        return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
      } catch (IOException e) {
        raw.close();
        throw describe(file, e);
      }
    }
    return raw;
  }

  /** Reads a whole (possibly gzip-compressed) file. */
  public static byte[] readAll(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw describe(file, e);
    }
  }

  /**
   * An I/O failure while reading {@code file} as a message naming the file: damaged gzip data becomes an
   * {@link InvalidInputException}; other I/O errors keep their type with the path in front.
   */
  public static IOException describe(Path file, IOException e) {
    if (e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException) {
      throw new InvalidInputException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
    }
    String msg = e.getMessage();
    if (msg != null && msg.startsWith(file.toString())) {
      return e;
    }
    return new IOException(file + ": " + (msg == null ? e.getClass().getSimpleName() : msg), e);
  }

  /** The file name without a trailing {@code .gz}, lower-cased, for format detection. */
  public static String baseName(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
  }
}
