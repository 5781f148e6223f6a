package io.distok.graph.prompt;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.io.TextLines;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch mode: one JSONL record per node ({@code node}, {@code prompt}, optional {@code label}, {@code count} in
 * the budget's units, edges kept and in the subgraph) for fine-tuning or evaluation sets. Prompts are built in
 * parallel in windows of {@value #WINDOW} nodes and written in the order of the node list, so the file is the
 * same whatever the thread count; it is written to a temporary sibling and moved into place when complete.
 * Cost: one prompt per node (see {@link GraphPrompter}); memory O(window x prompt size).
 */
public final class PromptBatch {
  /** Nodes whose prompts are built together before they are written. */
  static final int WINDOW = 1024;

  private PromptBatch() {}

  /**
   * What a batch wrote.
   *
   * @param prompts records written
   * @param maxCount largest prompt size in the budget's units
   * @param totalCount sum of the prompt sizes
   * @param focalEdgesKept edges touching the focal nodes kept, summed over prompts
   * @param focalEdgesTotal edges touching the focal nodes, summed over prompts
   */
  public record Summary(int prompts, int maxCount, long totalCount, long focalEdgesKept, long focalEdgesTotal) {}

  /**
   * Writes the prompts of {@code nodes} to {@code out}.
   *
   * @param labels node to label for the records' {@code label} field (nodes without one get none), or null
   */
  public static Summary write(GraphPrompter prompter, PromptTemplate template, List<String> nodes,
      Map<String, String> labels, PromptEncoding encoding, GraphPrompter.Options options, Path out,
      ProgressListener progress) throws IOException {
    int[] stats = new int[2];
    long[] sums = new long[3];
    AtomicFiles.write(out, stream -> {
      for (int from = 0; from < nodes.size(); from += WINDOW) {
        List<String> window = nodes.subList(from, Math.min(nodes.size(), from + WINDOW));
        GraphPrompter.Prompt[] prompts = new GraphPrompter.Prompt[window.size()];
        Parallel.forEachChunk(window.size(), 8, (c, lo, hi) -> {
          for (int i = lo; i < hi; i++) {
            prompts[i] = template.apply(prompter, window.get(i), encoding, options);
          }
        });
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < prompts.length; i++) {
          GraphPrompter.Prompt p = prompts[i];
          Map<String, Object> rec = new LinkedHashMap<>();
          rec.put("node", window.get(i));
          rec.put("prompt", p.text());
          String label = labels == null ? null : labels.get(window.get(i));
          if (label != null) {
            rec.put("label", label);
          }
          rec.put("count", p.count());
          rec.put("edges_kept", p.unitsKept());
          rec.put("edges_total", p.unitsTotal());
          sb.append(JSON.std.asString(rec)).append('\n');
          stats[0]++;
          stats[1] = Math.max(stats[1], p.count());
          sums[0] += p.count();
          sums[1] += p.focalEdgesKept();
          sums[2] += p.focalEdgesTotal();
        }
        stream.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        progress.progress("prompts", from + window.size(), nodes.size());
      }
    });
    return new Summary(stats[0], stats[1], sums[0], sums[1], sums[2]);
  }

  /**
   * Reads a node list, one id per line (gzip ok, blank and {@code #} lines skipped).
   *
   * @throws InvalidInputException naming the file and line of an id the graph does not have
   */
  public static List<String> readNodes(Path file, CsrGraph graph) throws IOException {
    List<String> nodes = new ArrayList<>();
    TextLines.forEach(file, (lineNo, line) -> {
      String id = line.strip();
      if (!graph.hasNode(id)) {
        throw new InvalidInputException(file + ", line " + lineNo + ": node '" + id + "' is not in the graph");
      }
      nodes.add(id);
    });
    if (nodes.isEmpty()) {
      throw new InvalidInputException(file + ": no node ids");
    }
    return nodes;
  }

  /**
   * Reads {@code node<TAB>label} lines (e.g. Cora's {@code labels.tsv}); a label of {@code -1} means none, as in
   * the Planetoid files.
   *
   * @throws InvalidInputException naming the file and line of a malformed or repeated line
   */
  public static Map<String, String> readLabels(Path file) throws IOException {
    Map<String, String> labels = new HashMap<>();
    TextLines.forEach(file, (lineNo, line) -> {
      String[] f = line.split("\t", -1);
      if (f.length != 2 || f[0].isBlank() || f[1].isBlank()) {
        throw new InvalidInputException(file + ", line " + lineNo + ": expected node<TAB>label with both fields "
            + "non-empty");
      }
      if (labels.containsKey(f[0].strip())) {
        throw new InvalidInputException(file + ", line " + lineNo + ": node '" + f[0].strip() + "' has a label "
            + "already");
      }
      labels.put(f[0].strip(), f[1].strip().equals("-1") ? null : f[1].strip());
    });
    return labels;
  }
}
