package io.distok.graph.source;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.io.TextLines;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads graphs from text: triple files {@code head<TAB>relation<TAB>tail} and plain edge lists {@code
 * u<TAB>v} (or whitespace-separated; relation "edge"). Gzip is detected by content, CRLF line endings and
 * blank or {@code #} lines are tolerated. O(lines).
 */
public final class TripleFiles {
  private TripleFiles() {}

  /** Reads a triple file. */
  public static CsrGraph readTriples(Path file) throws IOException {
    return read(file, true);
  }

  /** Reads an edge list (two columns). */
  public static CsrGraph readEdgeList(Path file) throws IOException {
    return read(file, false);
  }

  /** Reads triples or an edge list into a builder, for combining several files. */
  public static void readInto(Path file, boolean triples, CsrGraph.Builder b) throws IOException {
    TextLines.forEach(file, (lineNo, line) -> {
      String[] f = parseLine(file.toString(), lineNo, line, triples);
      b.addEdge(f[0], f[1], f[2]);
    });
  }

  /**
   * One line of a triple file or edge list (neither blank nor a {@code #} comment) as {@code {head, relation,
   * tail}}, fields stripped; an edge list's relation is {@code edge}. The one parser of these lines, for every
   * reader of them (this class, the Spark jobs). O(line length).
   *
   * @param file the file's name, for the error message
   * @throws InvalidInputException naming file and line for a wrong field count or an empty field
   */
  public static String[] parseLine(String file, long lineNo, String line, boolean triples) {
    String[] f = line.indexOf('\t') >= 0 ? line.split("\t", -1) : line.trim().split("\\s+");
    int want = triples ? 3 : 2;
    if (f.length != want && !(!triples && f.length == 3)) {
      throw new InvalidInputException(file + ", line " + lineNo + ": expected " + want + " fields ("
          + (triples ? "head<TAB>relation<TAB>tail" : "u<TAB>v") + "), found " + f.length);
    }
    for (int i = 0; i < f.length; i++) {
      if (f[i].isBlank()) {
        throw new InvalidInputException(file + ", line " + lineNo + ": field " + (i + 1) + " is empty");
      }
    }
    return f.length == 3 ? new String[] {f[0].strip(), f[1].strip(), f[2].strip()}
        : new String[] {f[0].strip(), "edge", f[1].strip()};
  }

  private static CsrGraph read(Path file, boolean triples) throws IOException {
    CsrGraph.Builder b = new CsrGraph.Builder();
    readInto(file, triples, b);
    if (b.nodeCount() == 0) {
      throw new InvalidInputException(file + ": empty graph (no edges)");
    }
    return b.build();
  }
}
