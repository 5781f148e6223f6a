package io.distok.util.io;

import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses outputs that would destroy an input: an output file that is an input (also through {@code ./},
 * {@code ..} or a symbolic link), or an output folder that holds an input (replacing the folder would delete
 * it). Paths are compared as real paths, so a not-yet-existing output is resolved through its nearest existing
 * ancestor.
 */
public final class OutputPaths {
  private OutputPaths() {}

  /**
   * Throws {@link InvalidInputException} naming both paths when {@code output} is one of {@code inputs} or
   * contains one of them. Null entries are ignored, so optional options can be passed as they are.
   */
  public static void requireDistinct(String outputOption, Path output, Path... inputs) throws IOException {
    if (output == null) {
      return;
    }
    Path out = real(output);
    for (Path in : inputs) {
      if (in == null || !Files.exists(in)) {
        continue;
      }
      Path realIn = real(in);
      if (realIn.equals(out)) {
        throw new InvalidInputException(outputOption + " " + output + " is the input " + in
            + "; refusing to overwrite an input, choose another output path");
      }
      if (realIn.startsWith(out)) {
        throw new InvalidInputException(outputOption + " " + output + " is a folder that holds the input " + in
            + "; writing it would delete the input, choose another output path");
      }
    }
  }

  /** The real path of {@code p}, or of its nearest existing ancestor joined with the rest. */
  static Path real(Path p) throws IOException {
    Path abs = p.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      return abs.toRealPath();
    }
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null && !Files.exists(existing)) {
      rest = existing.getFileName().resolve(rest);
      existing = existing.getParent();
    }
    return existing == null ? abs : existing.toRealPath().resolve(rest).normalize();
  }
}
