package io.distok.cli;

import io.distok.quant.io.Npy;
import io.distok.testdata.SyntheticData;
import io.distok.util.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench generate}: writes the generated catalogue of {@code bench semantic-ids --generated} to an
 * {@code .npy} file, a block at a time (any size; 100M x 64 is 25.6 GB), for runs of {@code semantic-ids fit /
 * assign} and of faiss on the same rows.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a generated clustered catalogue (the rows of bench semantic-ids --generated) as .npy.")
final class BenchGenerateCommand implements Callable<Integer> {
  @Option(names = "--items", required = true, paramLabel = "N", description = "Rows to write.")
  long items;

  @Option(names = "--dim", defaultValue = "64", description = "Dimension (default: ${DEFAULT-VALUE}).")
  int dim;

  @Option(names = "--clusters", defaultValue = "2000", description = "Gaussian centres, drawn in [-1, 1]^d; row i "
      + "belongs to centre i mod clusters (default: ${DEFAULT-VALUE}).")
  int clusters;

  @Option(names = "--noise", defaultValue = "0.3", description = "Standard deviation around a centre (default: "
      + "${DEFAULT-VALUE}).")
  double noise;

  @Option(names = "--seed", defaultValue = "3", description = "Seed (default: ${DEFAULT-VALUE}, the one of bench "
      + "semantic-ids --generated).")
  long seed;

  @Option(names = "--out", required = true, description = "The .npy file to write (replaced only once complete).")
  Path out;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (items < 1 || dim < 1 || clusters < 1 || !(noise >= 0)) {
      throw CliSupport.usage(spec, "--items, --dim and --clusters must be >= 1 and --noise >= 0");
    }
    PrintWriter w = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    try (TerminalProgress progress = TerminalProgress.create()) {
      write(out, items, dim, clusters, noise, seed, done -> progress.progress("generating", done, items));
    }
    w.printf(Locale.ROOT, "wrote %d x %d (%d centres, noise %s, seed %d) to %s in %.1f s%n", items, dim, clusters,
        noise, seed, out, (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  /**
   * Writes {@code SyntheticData.gaussianClusters(items, dim, clusters, noise, seed)} to {@code out} as .npy, streamed
   * a block at a time (never all rows in memory), all or nothing. O(items dim) time, O(dim clusters) memory.
   */
  static void write(Path out, long items, int dim, int clusters, double noise, long seed,
      java.util.function.LongConsumer progress) throws java.io.IOException {
    AtomicFiles.write(out, raw -> {
      OutputStream os = new BufferedOutputStream(raw, 1 << 20);
      Npy.writeFloatHeader(os, items, dim);
      SyntheticData.writeGaussianClusters((values, count) -> Npy.writeFloats(os, values, 0, count), items, dim,
          clusters, noise, seed, progress);
      os.flush();
    });
  }
}
