package io.distok.util.io;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versioned header of every saved store (quantizer models, semantic-ID models, node vocabularies): a JSON
 * metadata file that starts with a magic {@code format} name, the {@code formatVersion} of the layout, the
 * library version that wrote it, and the SHA-256 of the data files beside it. Reading checks all of them and
 * names the file and the problem, so a foreign, newer, truncated or edited store is refused with one line.
 */
public final class StoreHeader {
  private StoreHeader() {}

  /** The first entries of a new metadata map: format, formatVersion, libraryVersion. */
  public static Map<String, Object> create(String format, int formatVersion) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", format);
    meta.put("formatVersion", formatVersion);
    meta.put("libraryVersion", Version.get());
    return meta;
  }

  /** Records the SHA-256 of each named file of {@code dir} under {@code "checksums"}. */
  public static void recordChecksums(Map<String, Object> meta, Path dir, List<String> files) throws IOException {
    Map<String, Object> sums = new LinkedHashMap<>();
    for (String f : files) {
      sums.put(f, sha256(dir.resolve(f)));
    }
    meta.put("checksums", sums);
  }

  /** Writes the metadata as pretty-printed JSON. */
  public static void write(Path metaFile, Map<String, Object> meta) throws IOException {
    Files.writeString(metaFile, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(meta) + "\n");
  }

  /**
   * Reads and checks a metadata file: it exists, is JSON, has the expected magic and version, and every file
   * it lists under {@code "checksums"} exists with that checksum.
   *
   * @param what what the folder should be, for messages ("a distok quantizer model")
   * @throws InvalidInputException naming the file and the problem
   */
  public static Map<String, Object> read(Path dir, String metaName, String format, int formatVersion, String what)
      throws IOException {
    Path metaFile = dir.resolve(metaName);
    Map<String, Object> meta;
    try {
      meta = JSON.std.mapFrom(Files.readString(metaFile));
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(dir + ": not " + what + " (no " + metaName + ")");
    } catch (IOException e) {
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
        throw new InvalidInputException(metaFile + ": not valid JSON (" + e.getMessage().lines().findFirst()
            .orElse("") + ")");
      }
      throw e;
    }
    if (meta == null || !format.equals(meta.get("format"))) {
      throw new InvalidInputException(metaFile + ": not " + what + " (format '" + (meta == null ? null
          : meta.get("format")) + "', expected '" + format + "')");
    }
    Object fv = meta.get("formatVersion");
    if (!(fv instanceof Number n) || n.intValue() != formatVersion || n.doubleValue() != n.intValue()) {
      throw new InvalidInputException(metaFile + ": format version " + fv + " (written by distok "
          + meta.get("libraryVersion") + ") is not supported; this distok " + Version.get() + " reads version "
          + formatVersion);
    }
    if (meta.get("checksums") instanceof Map<?, ?> sums) {
      for (Map.Entry<?, ?> e : sums.entrySet()) {
        String name = String.valueOf(e.getKey());
        Path f = dir.resolve(name).normalize();
        if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
          throw new InvalidInputException(dir + ": " + name + " is missing");
        }
        String actual = sha256(f);
        if (!actual.equals(e.getValue())) {
          throw new InvalidInputException(f + ": checksum mismatch (expected " + e.getValue() + ", found " + actual
              + "); the file is corrupt or was modified");
        }
      }
    }
    return meta;
  }

  /** A number from the metadata, or an error naming the file and key. */
  public static Number number(Path metaFile, Map<String, Object> meta, String key) {
    if (!(meta.get(key) instanceof Number n)) {
      throw new InvalidInputException(metaFile + ": missing or non-numeric '" + key + "'");
    }
    return n;
  }

  /** Hex SHA-256 of a file, read in 64 KB blocks: O(file size) time, O(1) memory. */
  public static String sha256(Path f) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    // streamed in blocks: a 100M-item table is a 4 GB file, more than one Java array holds (and than the heap should)
    byte[] buf = new byte[1 << 16];
    try (java.io.InputStream in = Files.newInputStream(f)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
