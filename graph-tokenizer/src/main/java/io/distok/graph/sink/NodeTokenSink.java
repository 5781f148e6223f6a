package io.distok.graph.sink;

import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Receives the tokens of every node of a tokenization: a file, a database, an index. */
public interface NodeTokenSink {

  /**
   * Writes the tokens of all nodes; all or nothing where the sink allows it (files are written atomically).
   *
   * @return nodes written
   */
  long write(NodeTokenization tokens, ProgressListener progress) throws IOException;

  /**
   * The file sink for {@code file} by its name: {@code .jsonl} or {@code .tsv}.
   *
   * @throws InvalidInputException for any other name
   */
  static NodeTokenSink forFile(Path file) {
    String base = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (base.endsWith(".jsonl")) {
      return new JsonlTokenSink(file);
    }
    if (base.endsWith(".tsv")) {
      return new TsvTokenSink(file);
    }
    throw new InvalidInputException(file + ": unknown output format; the name must end in .jsonl or .tsv");
  }
}
