package io.distok.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.distok.util.FloatMatrix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Class initialisation order cannot be tested inside a JVM that has already loaded the kernel classes, so each
 * case runs in a fresh child JVM (with the vector module when this one has it) and touches one class first.
 */
class KernelInitOrderTest {

  /** Entry point of the child JVM: touches the class named by args[0] first, then uses the selected kernel. */
  public static void main(String[] args) {
    FloatMatrix c = FloatMatrix.ofRows(new float[] {0, 0}, new float[] {1, 1}, new float[] {5, 5});
    switch (args[0]) {
      case "PackedRows" -> System.out.println(PackedRows.WIDTH);
      case "DistanceKernels" -> System.out.println(DistanceKernels.get().name());
      case "VectorDistanceKernel" -> System.out.println(DistanceKernels.vectorApiAvailable()
          ? new VectorDistanceKernel().name() : "none");
      default -> throw new IllegalArgumentException(args[0]);
    }
    int[] idx = new int[1];
    DistanceKernels.get().nearest(new float[] {0.9f, 1.2f}, 0, 1, new PackedRows(c), idx, new float[1]);
    if (idx[0] != 1) {
      throw new AssertionError("nearest gave " + idx[0]);
    }
  }

  @Test
  void anyClassMayBeInitialisedFirst() throws IOException, InterruptedException {
    for (String first : List.of("PackedRows", "DistanceKernels", "VectorDistanceKernel")) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      if (DistanceKernels.vectorApiAvailable()) {
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
      }
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelInitOrderTest.class.getName(), first));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(60, TimeUnit.SECONDS);
      assertEquals(0, p.exitValue(), first + " first: " + out);
    }
  }
}
