package io.distok.quant.kernel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the distance kernel once per JVM: the Vector API kernel when the {@code jdk.incubator.vector} module
 * is in the boot layer (run with {@code --add-modules jdk.incubator.vector}) and the CPU has 128-bit or wider
 * vectors (at the preferred width, or {@code distok.vectorBits}),
 * the scalar kernel otherwise. Setting the system property {@code distok.kernel=scalar} forces the fallback.
 */
public final class DistanceKernels {
  private static final Logger LOG = LoggerFactory.getLogger(DistanceKernels.class);
  private DistanceKernels() {}

  /**
   * Holds the selection apart from this class's own initialisation: {@link PackedRows#WIDTH} calls {@link
   * #panelWidth} while PackedRows is being initialised, and the vector kernel reads that width in its own static
   * initialiser, so building the kernel during DistanceKernels' initialisation would see a width of 0.
   */
  private static final class Selected {
    static final DistanceKernel KERNEL = select();
  }

  /** The kernel selected for this JVM (chosen on first use). */
  public static DistanceKernel get() {
    return Selected.KERNEL;
  }

  /** Two vectors of the preferred species when the Vector API kernel is used, else 16. */
  static int panelWidth() {
    if (!"scalar".equalsIgnoreCase(System.getProperty("distok.kernel")) && vectorApiAvailable()) {
      return 2 * vectorBits() / 32;
    }
    return 16;
  }

  /**
   * The Vector API kernel, for benchmarks and tests that compare it with the scalar one.
   *
   * @throws IllegalStateException if {@link #vectorApiAvailable()} is false
   */
  public static DistanceKernel vector() {
    if (!vectorApiAvailable()) {
      throw new IllegalStateException("the jdk.incubator.vector module is not available in this JVM");
    }
    return new VectorDistanceKernel();
  }

  /** The portable scalar kernel (always available). */
  public static DistanceKernel scalar() {
    return new ScalarDistanceKernel();
  }

  /**
   * True when the {@code jdk.incubator.vector} module is present and its preferred species is at least 128
   * bits wide. Checked through the module layer, without touching any Vector API class.
   */
  public static boolean vectorApiAvailable() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      return VectorProbe.preferredBits() >= 128;
    } catch (LinkageError e) {
      return false;
    }
  }

  private static DistanceKernel select() {
    if ("scalar".equalsIgnoreCase(System.getProperty("distok.kernel"))) {
      return new ScalarDistanceKernel();
    }
    if (vectorApiAvailable()) {
      return new VectorDistanceKernel();
    }
    // as Lucene does: a library user who forgot the module silently loses most of the speed otherwise
    LOG.warn("Java vector incubator module is not readable; distok uses its scalar kernels, several times "
        + "slower. Run the JVM with --add-modules jdk.incubator.vector to enable the vector kernels.");
    return new ScalarDistanceKernel();
  }

  /**
   * Width in bits of the vector kernel's species: the machine's preferred one (512 with AVX-512, 256 with AVX2,
   * 128 with NEON or SSE), or less when the system property {@code distok.vectorBits} (128, 256 or 512) asks for
   * it, which lets one machine test the narrower paths. Only meaningful when {@link #vectorApiAvailable()}.
   *
   * @throws IllegalArgumentException if the property is not 128, 256 or 512
   */
  static int vectorBits() {
    int preferred = VectorProbe.preferredBits();
    String asked = System.getProperty("distok.vectorBits");
    if (asked == null) {
      return preferred;
    }
    int bits;
    try {
      bits = Integer.parseInt(asked.trim());
    } catch (NumberFormatException e) {
      bits = -1;
    }
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new IllegalArgumentException("distok.vectorBits must be 128, 256 or 512, got '" + asked + "'");
    }
    return Math.min(bits, preferred);
  }

  /** Isolates the Vector API reference so that merely loading DistanceKernels never needs the module. */
  private static final class VectorProbe {
    static int preferredBits() {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
  }
}
