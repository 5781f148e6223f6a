package io.distok.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark support: checks for benchmark data (which lives beside a development checkout, not in the project)
 * and runs faiss's comparison script on it.
 */
public final class BenchData {
  private BenchData() {}

  /** Fails with a message that says where the data sets are when {@code file} is absent. */
  public static void require(Path file) {
    if (!Files.exists(file)) {
      throw new InvalidInputException(file + ": data file not found. The benchmark data sets live in ../shared/data"
          + " beside a development checkout (see its README); pass --data with a path to one of them or to your "
          + "own vectors.");
    }
  }

  /** The published figures of the NodePiece reference tokenizer on FB15k-237 (1000 anchors, k 20, m 15). */
  public static final NodePieceReference NODEPIECE_FB15K237 = new NodePieceReference(4.8, 6.8, 429, 0.947, 0.943,
      0.0006);
  /** The published figures of the NodePiece reference tokenizer on WN18RR (500 anchors, k 50, m 4). */
  public static final NodePieceReference NODEPIECE_WN18RR = new NodePieceReference(11.9, Double.NaN, 415, 0.694,
      0.654, 0.0029);

  /**
   * A published reference point of the NodePiece reference tokenizer (single core, Python/igraph, on another
   * machine, graph build included): CPU and wall seconds (NaN when not published), peak RSS, unique token sets
   * with and without hop distances, share of nodes short of k anchors.
   */
  public record NodePieceReference(double cpuSeconds, double wallSeconds, double peakMb, double uniqueWithDistances,
      double uniqueWithoutDistances, double shortOfK) {}

  /**
   * Runs the comparison script ({@code bench/faiss_compare.py} or one like it) with the chosen Python on
   * {@code data} with {@code args} and
   * {@code OMP_NUM_THREADS=threads}; returns the JSON object of its last output line, or null when it fails or
   * prints nothing (e.g. python3-faiss is not installed), after writing the last lines of its error output to
   * standard error so that the reason is not lost.
   */
  public static Map<String, Object> runFaiss(String python, Path script, Path data, List<String> args, int threads)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(python, script.toString(), data.toString()));
    cmd.addAll(args);
    java.nio.file.Path errors = java.nio.file.Files.createTempFile("distok-faiss-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errors.toFile());
      pb.environment().put("OMP_NUM_THREADS", "" + threads);
      Process proc = pb.start();
      String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      boolean done = proc.waitFor(30, TimeUnit.MINUTES);
      if (!done || proc.exitValue() != 0 || out.isEmpty()) {
        List<String> err = java.nio.file.Files.readAllLines(errors, StandardCharsets.UTF_8);
        System.err.println("distok: the faiss runner " + (done ? "exited with " + proc.exitValue() : "timed out")
            + (err.isEmpty() ? "" : "; its last error lines:"));
        err.subList(Math.max(0, err.size() - 5), err.size()).forEach(l -> System.err.println("  " + l));
        return null;
      }
      return JSON.std.mapFrom(out.lines().reduce((a, b) -> b).orElse(""));
    } finally {
      java.nio.file.Files.deleteIfExists(errors);
    }
  }
}
