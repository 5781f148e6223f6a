package io.distok.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The faiss runner's output is read, and a failing runner says why, with a shell script standing in for it. */
class BenchDataTest {
  @TempDir
  Path dir;

  @Test
  void aFailingRunnerShowsItsLastErrorLines() throws Exception {
    Path script = dir.resolve("runner.sh");
    Files.writeString(script, "echo first >&2\necho 'MemoryError: out of memory' >&2\nexit 3\n");
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertNull(BenchData.runFaiss("sh", script, dir.resolve("x.npy"), List.of(), 2));
    } finally {
      System.setErr(saved);
    }
    String err = captured.toString(StandardCharsets.UTF_8);
    assertTrue(err.contains("exited with 3") && err.contains("MemoryError: out of memory"), err);
  }

  @Test
  void theLastOutputLineIsTheResult() throws Exception {
    Path script = dir.resolve("runner.sh");
    Files.writeString(script, "echo 'faiss 1.15' \necho \"{\\\"threads\\\": $OMP_NUM_THREADS, \\\"mse\\\": 0.5}\"\n");
    Map<String, Object> out = BenchData.runFaiss("sh", script, dir.resolve("x.npy"), List.of("rq"), 2);
    assertEquals(2, ((Number) out.get("threads")).intValue());
    assertEquals(0.5, ((Number) out.get("mse")).doubleValue());
  }
}
