package io.distok.graph.sink;

import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import io.distok.util.io.CsvWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code node<TAB>token token ...<TAB>anchor:distance ...} lines, atomically: the node, its tokens separated by
 * spaces, and its nearest anchors by name with their hop distance; no header line. A field holding a tab, quote
 * or line break is quoted (RFC 4180). O(V (k + m)).
 */
public final class TsvTokenSink implements NodeTokenSink {
  private final Path file;

  public TsvTokenSink(Path file) {
    this.file = file;
  }

  @Override
  public long write(NodeTokenization t, ProgressListener progress) throws IOException {
    int n = t.graph().nodeCount();
    AtomicFiles.write(file, os -> {
      try (CsvWriter w = CsvWriter.open(os, '\t')) {
        StringBuilder anchors = new StringBuilder();
        for (int v = 0; v < n; v++) {
          anchors.setLength(0);
          for (NodeTokenization.AnchorDistance a : t.nearestAnchors(v)) {
            anchors.append(anchors.length() == 0 ? "" : " ").append(a.anchor()).append(':').append(a.distance());
          }
          w.row(t.graph().nodeName(v), String.join(" ", t.tokens(v)), anchors.toString());
        }
      }
    });
    return n;
  }
}
