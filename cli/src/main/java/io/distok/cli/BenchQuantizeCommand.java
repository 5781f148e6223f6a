package io.distok.cli;

import io.distok.quant.FloatMatrix;
import io.distok.quant.InvalidInputException;
import io.distok.quant.Parallel;
import io.distok.quant.ProgressListener;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.FmaPeak;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.io.MatrixReader;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.vq.VectorQuantizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench quantize}: train and encode throughput and MSE of VQ, PQ and RQ on a data file, side by
 * side with faiss on the same file when its comparison script is available, plus the distance kernel's
 * GFLOP/s against the machine's measured FMA peak.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
    description = "Benchmark VQ (K=256), PQ (M x 256) and RQ (3 x 256, beam 1 and 5) on a vector file, optionally "
        + "against faiss on the same file.")
public final class BenchQuantizeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "Vector file (.npy, .fvecs, IDX, CSV).")
  Path data;

  @Option(names = "--K", defaultValue = "256", description = "Codes per codebook (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--M", description = "PQ sub-spaces (default: 8, or the largest divisor of d up to 8).")
  Integer m;

  @Option(names = "--repeat", defaultValue = "3", description = "Runs per method; the median is reported "
      + "(default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--seed", defaultValue = "1234", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @picocli.CommandLine.Mixin
  FaissOptions faiss;

  @Option(names = "--json", description = "Write all figures as JSON to this file.")
  Path json;

  @Option(names = "--peak-millis", defaultValue = "2000", description = "How long each of the five FMA-peak trials "
      + "runs, in ms; 0 skips the peak measurement (default: ${DEFAULT-VALUE}).")
  int peakMillis;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    BenchData.require(data);
    FloatMatrix x = MatrixReader.read(data).matrix();
    int d = x.cols();
    int subspaces = m != null ? m : largestDivisorUpTo(d, 8);
    int cores = Runtime.getRuntime().availableProcessors();
    w.printf(Locale.ROOT, "data %s: %d x %d; %d cores; kernel %s; median of %d runs after JIT warm-up%n", data, x.rows(), d, cores,
        DistanceKernels.get().name(), repeat);
    // faiss defaults: k-means 20 iterations as given; PQ and RQ use ClusteringParameters' 25 iterations
    KMeansParams vq = new KMeansParams(k, 20, 256, 0, true);
    KMeansParams km25 = vq.withNiter(25);
    warmUp(x);
    List<MethodRun> runs = new ArrayList<>();
    List<String[]> faissArgs = new ArrayList<>();
    try (TerminalProgress progress = TerminalProgress.create()) {
      ProgressListener p = progress;
      runs.add(MethodRun.measure("VQ K=" + k, VectorQuantizer.trainer(vq), x, seed, repeat, p));
      faissArgs.add(new String[] {"kmeans", "--K", "" + k, "--iters", "20"});
      runs.add(MethodRun.measure("PQ " + subspaces + "x" + k, ProductQuantizer.trainer(subspaces, km25), x, seed,
          repeat, p));
      faissArgs.add(new String[] {"pq", "--M", "" + subspaces, "--nbits", "8"});
      for (int beam : new int[] {1, 5}) {
        var rq = new ResidualQuantizerParams(new int[] {k, k, k}, km25, beam, false);
        runs.add(MethodRun.measure("RQ 3x" + k + " beam " + beam, ResidualQuantizer.trainer(rq), x, seed, repeat, p));
        faissArgs.add(new String[] {"rq", "--M", "3", "--nbits", "8", "--beam", "" + beam});
      }
    }
    w.println();
    w.println("distok:");
    MethodRun.printTable(w, runs);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("data", data.toString());
    doc.put("rows", x.rows());
    doc.put("dim", d);
    doc.put("cores", cores);
    List<Map<String, Object>> rows = new ArrayList<>();
    if (faiss.script != null) {
      w.println();
      if (!Files.exists(faiss.script)) {
        w.println("faiss comparison skipped: " + faiss.script + " not found");
      } else {
        w.printf(Locale.ROOT, "%-22s %10s %10s %10s %10s %10s %9s%n", "vs faiss (same run)", "faiss tr s",
            "faiss enc s", "faiss MSE", "train x", "encode x", "MSE x");
        for (int i = 0; i < runs.size(); i++) {
          List<String> args = new ArrayList<>(List.of(faissArgs.get(i)));
          args.addAll(List.of("--seed", "" + seed, "--repeat", "" + repeat));
          Map<String, Object> f = BenchData.runFaiss(faiss, data, args, cores);
          MethodRun r = runs.get(i);
          if (f == null) {
            w.printf("%-22s faiss run failed (is python3-faiss installed?)%n", r.label());
            continue;
          }
          if (rows.isEmpty()) {
            w.println("baseline: " + FaissOptions.describe(f));
          }
          double ft = ((Number) f.get("train_s")).doubleValue();
          double fe = ((Number) f.get("encode_s")).doubleValue();
          double fm = ((Number) f.get("mse")).doubleValue();
          w.printf(Locale.ROOT, "%-22s %10.3f %10.3f %10.4f %10.2f %10.2f %9.4f%n", r.label(), ft, fe, fm,
              r.trainSeconds() / ft, r.encodeSeconds() / fe, r.metrics().mse() / fm);
          Map<String, Object> row = runRow(r);
          row.put("faiss", f);
          rows.add(row);
        }
        w.println("(x = distok / faiss: time ratio < 1 means distok is faster; MSE ratio < 1 means lower error)");
      }
    }
    if (rows.isEmpty()) {
      for (MethodRun r : runs) {
        rows.add(runRow(r));
      }
    }
    doc.put("methods", rows);
    doc.put("kernel", kernelReport(w, x, cores));
    if (json != null) {
      io.distok.quant.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /**
   * Untimed runs of every code path so that the timed runs measure compiled code, not the JIT (the Vector API
   * is slow until C2 has compiled it); faiss's figures likewise exclude interpreter start-up.
   */
  private static void warmUp(FloatMatrix x) {
    FloatMatrix sample = x.selectRows(java.util.stream.IntStream.range(0, Math.min(x.rows(), 4000)).toArray());
    KMeansParams km = new KMeansParams(64, 10, 256, 0, true);
    for (int r = 0; r < 3; r++) {
      VectorQuantizer.trainer(km).train(sample, r, ProgressListener.NONE).encode(sample);
      ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {64, 64}, km, 3, false))
          .train(sample, r, ProgressListener.NONE).encode(sample);
      ProductQuantizer.trainer(largestDivisorUpTo(x.cols(), 8), km).train(sample, r, ProgressListener.NONE)
          .encode(sample);
    }
  }

  private static Map<String, Object> runRow(MethodRun r) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("method", r.label());
    row.put("train_s", r.trainSeconds());
    row.put("encode_s", r.encodeSeconds());
    row.put("metrics", r.metrics().toMap());
    return row;
  }

  static int largestDivisorUpTo(int d, int max) {
    for (int m = Math.min(max, d); m > 1; m--) {
      if (d % m == 0) {
        return m;
      }
    }
    return 1;
  }

  /** Kernel GFLOP/s on this data against 256 centroids, vs the scalar kernel and the measured FMA peak. */
  private Map<String, Object> kernelReport(PrintWriter w, FloatMatrix x, int cores) throws Exception {
    int d = x.cols();
    int kc = 256;
    FloatMatrix centroids = x.selectRows(java.util.stream.IntStream.range(0, kc).map(i -> (int) ((long) i
        * x.rows() / kc)).toArray());
    PackedRows packed = new PackedRows(centroids);
    double flops = 2.0 * x.rows() * kc * d;
    double vector = gflops(DistanceKernels.get(), x, packed, flops);
    double scalar = gflops(DistanceKernels.scalar(), x, packed, flops);
    Map<String, Object> k = new LinkedHashMap<>();
    k.put("kernel", DistanceKernels.get().name());
    k.put("gflops", vector);
    k.put("scalarGflops", scalar);
    w.println();
    w.printf(Locale.ROOT, "distance kernel (%d x %d rows vs %d centroids, %d threads): %s %.1f GFLOP/s, scalar %.1f"
        + " GFLOP/s (%.1fx)%n", x.rows(), d, kc, cores, DistanceKernels.get().name(), vector, scalar,
        vector / scalar);
    if (DistanceKernels.vectorApiAvailable() && peakMillis > 0) {
      double peak = FmaPeak.measureGflops(cores, peakMillis);
      double mhz = cpuMhz();
      int lanes = FmaPeak.lanes();
      double theoretical = mhz > 0 ? cores * mhz / 1000 * 2 * lanes * 2 : Double.NaN;
      k.put("measuredPeakGflops", peak);
      k.put("theoreticalPeakGflops", theoretical);
      k.put("shareOfMeasuredPeak", vector / peak);
      w.printf(Locale.ROOT, "FMA peak: measured %.1f GFLOP/s (%d threads x 12 independent %d-bit FMA chains); "
          + "theoretical %.1f GFLOP/s (%d cores x %.0f MHz x 2 FMA units x %d lanes x 2 flops; the CPU may clock "
          + "lower under wide vectors)%n", peak, cores, 32 * lanes, theoretical, cores, mhz, lanes);
      k.put("vectorBits", 32 * lanes);
      w.printf(Locale.ROOT, "kernel efficiency: %.0f%% of measured peak, %.0f%% of theoretical%n", 100 * vector / peak,
          100 * vector / theoretical);
    }
    return k;
  }

  private static double gflops(DistanceKernel kernel, FloatMatrix x, PackedRows packed, double flops) {
    int n = x.rows();
    int[] idx = new int[n];
    float[] dist = new float[n];
    double best = Double.MAX_VALUE;
    for (int r = 0; r < 7; r++) {
      long t0 = System.nanoTime();
      Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK, (c, from, to) -> kernel.nearest(x.data(), from, to, packed,
          idx, dist));
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return flops / best / 1e9;
  }

  private static double cpuMhz() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("cpu MHz")) {
          return Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
