package io.distok.util.io;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes JSON documents (maps, lists, numbers, strings) to files, pretty-printed and atomically. */
public final class JsonFiles {
  private JsonFiles() {}

  /** Writes {@code document} to {@code file} through a temporary file. */
  public static void write(Path file, Object document) throws IOException {
    String text = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(document) + "\n";
    AtomicFiles.write(file, os -> os.write(text.getBytes(StandardCharsets.UTF_8)));
  }
}
