package io.distok.util.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Line-by-line reading of the project's small text formats (triple files, mapping files, node lists): UTF-8,
 * gzip detected by content, CRLF ok, blank and {@code #} lines skipped; I/O errors name the file. O(file size).
 */
public final class TextLines {
  private TextLines() {}

  /** Receives one line (without its line break) and its 1-based number. */
  @FunctionalInterface
  public interface Body {
    void accept(int lineNo, String line);
  }

  /** Calls {@code body} with every line that is not blank and does not start with {@code #}. */
  public static void forEach(Path file, Body body) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8),
        1 << 16)) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        if (!line.isBlank() && !line.startsWith("#")) {
          body.accept(lineNo, line);
        }
      }
    } catch (IOException e) {
      throw Inputs.describe(file, e);
    }
  }
}
