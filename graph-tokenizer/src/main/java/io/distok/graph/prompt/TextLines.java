package io.distok.graph.prompt;

import io.distok.util.io.Inputs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The line reading of the prompt's mapping files: UTF-8, gzip ok, CRLF ok, blank and {@code #} lines skipped. */
final class TextLines {
  private TextLines() {}

  /** Receives one line (without its line break) and its 1-based number. */
  interface Body {
    void accept(int lineNo, String line);
  }

  static void forEach(Path file, Body body) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8))) {
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
