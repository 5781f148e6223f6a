package io.distok.quant.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The build runs the core's tests twice: once with {@code --add-modules jdk.incubator.vector} and once
 * without; each run tells this test which kernel it must find through {@code distok.expectKernel}.
 */
class KernelSelectionTest {

  @Test
  void selectsTheExpectedKernel() {
    boolean hasModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    String expected = System.getProperty("distok.expectKernel", hasModule ? "vector" : "scalar");
    assertTrue(DistanceKernels.get().name().startsWith(expected), DistanceKernels.get().name());
    if (hasModule && !"scalar".equals(System.getProperty("distok.kernel"))) {
      int preferred = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
      String cap = System.getProperty("distok.vectorBits");
      int bits = cap == null ? preferred : Math.min(preferred, Integer.parseInt(cap));
      assertEquals("vector-" + bits, DistanceKernels.get().name(), "the preferred species, or the one asked for");
      assertEquals(2 * bits / 32, PackedRows.WIDTH, "a panel is two vectors");
    }
    if (!hasModule) {
      org.junit.jupiter.api.Assertions.assertFalse(DistanceKernels.vectorApiAvailable());
    }
  }
}
