package io.distok.graph.sink;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per node, written atomically: {@code {"node", "tokens", "token_ids", "anchors": [[name,
 * distance]...], "relations": [...]}}. O(V (k + m)).
 */
public final class JsonlTokenSink implements NodeTokenSink {
  private final Path file;

  public JsonlTokenSink(Path file) {
    this.file = file;
  }

  @Override
  public long write(NodeTokenization t, ProgressListener progress) throws IOException {
    int n = t.graph().nodeCount();
    AtomicFiles.write(file, os -> {
      Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
      JSON json = JSON.std;
      for (int v = 0; v < n; v++) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("node", t.graph().nodeName(v));
        o.put("tokens", t.tokens(v));
        o.put("token_ids", Arrays.stream(t.tokenIds(v)).boxed().toList());
        List<List<Object>> pairs = new ArrayList<>();
        for (NodeTokenization.AnchorDistance a : t.nearestAnchors(v)) {
          pairs.add(List.of(a.anchor(), a.distance()));
        }
        o.put("anchors", pairs);
        o.put("relations", t.relations(v));
        w.write(json.asString(o));
        w.write('\n');
      }
      w.flush();
    });
    return n;
  }
}
