package io.distok.cli;

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
final class BenchData {
  private BenchData() {}

  /** Fails with a message that says where the data sets are when {@code file} is absent. */
  static void require(Path file) {
    if (!Files.exists(file)) {
      throw new InvalidInputException(file + ": data file not found. The benchmark data sets live in ../shared/data"
          + " beside a development checkout (see its README); pass --data with a path to one of them or to your "
          + "own vectors.");
    }
  }

  /**
   * Runs the comparison script ({@code bench/faiss_compare.py} or one like it) with the chosen Python on
   * {@code data} with {@code args} and
   * {@code OMP_NUM_THREADS=threads}; returns the JSON object of its last output line, or null when it fails or
   * prints nothing (e.g. python3-faiss is not installed).
   */
  static Map<String, Object> runFaiss(FaissOptions faiss, Path data, List<String> args, int threads)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(faiss.python, faiss.script.toString(), data.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("OMP_NUM_THREADS", "" + threads);
    Process proc = pb.start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!proc.waitFor(30, TimeUnit.MINUTES) || proc.exitValue() != 0 || out.isEmpty()) {
      return null;
    }
    return JSON.std.mapFrom(out.lines().reduce((a, b) -> b).orElse(""));
  }
}
