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
    if (hasModule) {
      assertEquals("vector-" + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(),
          DistanceKernels.get().name(), "the preferred species of this machine");
    }
    if (!hasModule) {
      org.junit.jupiter.api.Assertions.assertFalse(DistanceKernels.vectorApiAvailable());
    }
  }
}
