package io.distok.cli;

import io.distok.bench.BenchData;
import io.distok.bench.CpuLoad;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.bench.FmaPeak;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.io.MatrixReader;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.kmeans.ProgressiveDimKMeans;
import io.distok.quant.rq.LevelTraining;
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
    description = {"Benchmark VQ (K=256), PQ (M x 256) and RQ (3 x 256, beam 1 and 5) on a vector file, optionally "
        + "against faiss on the same file.",
        "Round r uses seed --seed + r on both sides, and MSE is the mean over rounds: with random seeding one draw "
        + "is luck, several are a comparison.",
        "Each method runs with faiss's settings (random seeding, faiss's iterations; RQ trained with the encoding "
        + "beam and no refinement, once level by level with plain k-means and once with faiss's default "
        + "progressive-dimension k-means) and with distok's own recipe (k-means++ seeding; RQ's automatic level "
        + "training and refinement) against faiss's default recipe. distok and faiss runs alternate round by "
        + "round; every figure repeats its operation for at least --min-seconds; rounds in which other processes "
        + "used more than --max-others-share of the CPU are repeated (twice at most) and flagged."})
public final class BenchQuantizeCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, description = "Vector file (.npy, .fvecs, IDX, CSV).")
  Path data;

  @Option(names = "--K", defaultValue = "256", description = "Codes per codebook (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--M", description = "PQ sub-spaces (default: 8, or the largest divisor of d up to 8).")
  Integer m;

  @Option(names = {"--rounds", "--repeat"}, defaultValue = "3", description = "Timed rounds per method; median, "
      + "min and max are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--min-seconds", defaultValue = "0.5", description = "Each timed figure repeats its operation "
      + "until it has run this long and reports the time per call (default: ${DEFAULT-VALUE}).")
  double minSeconds;

  @Option(names = "--max-others-share", defaultValue = "0.10", description = "A round in which other processes "
      + "used more than this share of all CPUs is repeated, at most twice, and flagged (default: ${DEFAULT-VALUE}).")
  double maxOthersShare;

  @Option(names = "--seed", defaultValue = "1234", description = "Seed of the first round, passed to faiss too; "
      + "round r uses seed + r (default: ${DEFAULT-VALUE}).")
  long seed;

  @picocli.CommandLine.Mixin
  FaissOptions faiss;

  @Option(names = "--faiss-reference-python", paramLabel = "PYTHON", description = "A second faiss build shown "
      + "beside the first for reference (e.g. /usr/bin/python3 with Debian's python3-faiss); ratios are against the "
      + "first.")
  String referencePython;

  @Option(names = "--json", description = "Write all figures as JSON to this file.")
  Path json;

  @Option(names = "--bits", split = ",", paramLabel = "B", description = "Instead of the faiss comparison of VQ, PQ "
      + "and RQ: every family (vq, pq, rq, aq, fsq, lfq, bsq) at B bits per vector, e.g. --bits 32,64, with its "
      + "defaults, and faiss's LocalSearchQuantizer beside AQ at equal parameters when --faiss is given.")
  List<Integer> bits;

  @Option(names = "--peak-millis", defaultValue = "2000", description = "How long each of the five FMA-peak trials "
      + "runs, in ms; 0 skips the peak measurement (default: ${DEFAULT-VALUE}).")
  int peakMillis;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  /** One benchmarked configuration: distok's trainer and the faiss run it is compared with. */
  private record Case(String method, String recipe, QuantizerTrainer<? extends Quantizer> trainer, String faissRecipe,
      List<String> faissArgs) {}

  /** Per-round figures of one side. */
  private static final class Side {
    final List<Double> train = new ArrayList<>();
    final List<Double> encode = new ArrayList<>();
    final List<Double> mses = new ArrayList<>();
    double mse = Double.NaN;

    void add(double t, double e, double roundMse) {
      train.add(t);
      encode.add(e);
      mses.add(roundMse);
      mse = mses.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("train_s", median(train));
      m.put("train_min_s", min(train));
      m.put("train_max_s", max(train));
      m.put("encode_s", median(encode));
      m.put("encode_min_s", min(encode));
      m.put("encode_max_s", max(encode));
      m.put("mse", mse);
      m.put("mse_per_round", mses);
      return m;
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if (rounds < 1 || !(minSeconds >= 0)) {
      throw CliSupport.usage(spec, "--rounds must be >= 1 and --min-seconds >= 0");
    }
    BenchData.require(data);
    FloatMatrix x = MatrixReader.read(data).matrix();
    int d = x.cols();
    int subspaces = m != null ? m : largestDivisorUpTo(d, 8);
    int cores = Runtime.getRuntime().availableProcessors();
    if (bits != null) {
      for (int b : bits) {
        if (b < 8 || b % 8 != 0) {
          throw CliSupport.usage(spec, "--bits must be multiples of 8 (whole 8-bit codes for PQ, RQ and AQ), got " + b);
        }
      }
      w.printf(Locale.ROOT, "data %s: %d x %d; %d cores; kernel %s; seed %d%n", data, x.rows(), d, cores,
          DistanceKernels.get().name(), seed);
      boolean haveFaiss = faiss.script != null && Files.exists(faiss.script);
      if (faiss.script != null && !haveFaiss) {
        w.println("faiss comparison skipped: " + faiss.script + " not found");
      }
      var table = new FamilyBitsTable(x, data, seed, minSeconds, faiss.python, haveFaiss ? faiss.script : null, w);
      List<Map<String, Object>> figures = table.run(bits);
      if (json != null) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("data", data.toString());
        doc.put("rows", x.rows());
        doc.put("dim", d);
        doc.put("cores", cores);
        doc.put("families", figures);
        io.distok.util.io.JsonFiles.write(json, doc);
      }
      return 0;
    }
    w.printf(Locale.ROOT, "data %s: %d x %d; %d cores; kernel %s; %d rounds, each figure >= %.2f s, distok and faiss "
        + "alternating; JIT warmed up first%n", data, x.rows(), d, cores, DistanceKernels.get().name(), rounds,
        minSeconds);
    List<Case> cases = cases(subspaces);
    boolean withFaiss = faiss.script != null;
    if (withFaiss && !Files.exists(faiss.script)) {
      w.println("faiss comparison skipped: " + faiss.script + " not found");
      withFaiss = false;
    }
    List<String> pythons = new ArrayList<>();
    if (withFaiss) {
      pythons.add(faiss.python);
      if (referencePython != null) {
        pythons.add(referencePython);
      }
    }
    warmUp(x);
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, List<Side>> faissByArgs = new LinkedHashMap<>();
    List<String> baselines = new ArrayList<>();
    w.println();
    w.println(header(pythons.size()));
    try (TerminalProgress progress = TerminalProgress.create()) {
      for (int ci = 0; ci < cases.size(); ci++) {
        Case c = cases.get(ci);
        Side mine = new Side();
        String key = String.join(" ", c.faissArgs());
        List<Side> theirs = faissByArgs.get(key);
        boolean measureFaiss = withFaiss && theirs == null;
        if (measureFaiss) {
          theirs = new ArrayList<>();
          for (int b = 0; b < pythons.size(); b++) {
            theirs.add(new Side());
          }
        }
        double worstShare = 0;
        int contended = 0;
        Quantizer model = null;
        Codes codes = null;
        for (int r = 0; r < rounds; r++) {
          progress.progress(c.method() + ", " + c.recipe(), r, rounds);
          long roundSeed = seed + r;
          for (int attempt = 0; ; attempt++) {
            var train = CpuLoad.atLeast(minSeconds, () -> c.trainer().train(x, roundSeed, ProgressListener.NONE));
            Quantizer q = train.result();
            var encode = CpuLoad.atLeast(minSeconds, () -> q.encode(x));
            double share = Math.max(train.othersShare(), encode.othersShare());
            List<Map<String, Object>> faissRuns = new ArrayList<>();
            if (measureFaiss) {
              for (String python : pythons) {
                List<String> args = new ArrayList<>(c.faissArgs());
                args.addAll(List.of("--seed", "" + roundSeed, "--repeat", "1", "--min-seconds", "" + minSeconds));
                Map<String, Object> f = BenchData.runFaiss(python, faiss.script, data, args, cores);
                if (f == null) {
                  throw new InvalidInputException("faiss run failed: " + python + " " + faiss.script + " " + data
                      + " " + String.join(" ", args) + " (is python3-faiss installed, with OpenBLAS?)");
                }
                faissRuns.add(f);
                share = Math.max(share, ((Number) f.getOrDefault("others_cpu_share", 0)).doubleValue());
              }
            }
            if (share > maxOthersShare && attempt < 2) {
              continue;
            }
            if (share > maxOthersShare) {
              contended++;
            }
            worstShare = Math.max(worstShare, share);
            mine.add(train.seconds(), encode.seconds(), UsageMetrics.of(q, x, encode.result()).mse());
            model = q;
            codes = encode.result();
            for (int b = 0; b < faissRuns.size(); b++) {
              Map<String, Object> f = faissRuns.get(b);
              Side side = theirs.get(b);
              side.add(num(f, "train_s"), num(f, "encode_s"), num(f, "mse"));
              if (baselines.size() <= b) {
                baselines.add(FaissOptions.describe(f));
              }
            }
            break;
          }
        }
        if (measureFaiss) {
          faissByArgs.put(key, theirs);
        }
        UsageMetrics metrics = UsageMetrics.of(model, x, codes); // of the last round's model
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("method", c.method());
        row.put("recipe", c.recipe());
        row.put("faissRecipe", c.faissRecipe());
        row.put("distok", mine.toMap());
        row.put("metrics", metrics.toMap());
        row.put("othersCpuShareMax", worstShare);
        row.put("contendedRounds", contended);
        if (theirs != null) {
          List<Map<String, Object>> f = new ArrayList<>();
          for (int b = 0; b < theirs.size(); b++) {
            Map<String, Object> fm = theirs.get(b).toMap();
            fm.put("build", baselines.get(b));
            fm.put("sharedWithEarlierRow", !measureFaiss);
            f.add(fm);
          }
          row.put("faiss", f);
        }
        rows.add(row);
        w.println(line(c, mine, theirs, worstShare, contended, !measureFaiss && theirs != null));
        w.flush();
      }
    }
    w.println();
    for (int b = 0; b < baselines.size(); b++) {
      w.println((b == 0 ? "baseline: " : "reference: ") + baselines.get(b));
    }
    w.println("(x = distok / first faiss: medians of times, means of MSEs over rounds with seeds " + seed + ".."
        + (seed + rounds - 1) + "; a time ratio < 1 means distok is faster, an MSE ratio < 1 lower error; [min-max] "
        + "over rounds; \"others\" = largest CPU share other processes used during a round)");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("data", data.toString());
    doc.put("rows", x.rows());
    doc.put("dim", d);
    doc.put("cores", cores);
    doc.put("rounds", rounds);
    doc.put("minSeconds", minSeconds);
    doc.put("baselines", baselines);
    doc.put("methods", rows);
    doc.put("kernel", kernelReport(w, x, cores));
    if (json != null) {
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /**
   * The benchmarked configurations. "faiss's settings" rows use the same parameters on both sides; "distok
   * recipe" rows compare each library's defaults (faiss's figures are shared with the row above when its run is
   * the same).
   */
  private List<Case> cases(int subspaces) {
    List<Case> out = new ArrayList<>();
    KMeansParams vqRandom = new KMeansParams(k, 20, 256, 0, false);
    List<String> kmeans = List.of("kmeans", "--K", "" + k, "--iters", "20");
    String equalVq = "faiss's settings: 20 it, random seeding, 256 pts/centroid";
    out.add(new Case("VQ K=" + k, equalVq, VectorQuantizer.trainer(vqRandom), equalVq, kmeans));
    out.add(new Case("VQ K=" + k, "distok recipe: k-means++ seeding, 20 it", VectorQuantizer.trainer(
        vqRandom.withPlusPlus(true)), equalVq, kmeans));
    KMeansParams km25 = new KMeansParams(k, 25, 256, 0, false);
    List<String> pq = List.of("pq", "--M", "" + subspaces, "--nbits", "8");
    String equalPq = "faiss's settings: 25 it, random seeding";
    String pqName = "PQ " + subspaces + "x" + k;
    out.add(new Case(pqName, equalPq, ProductQuantizer.trainer(subspaces, km25), equalPq, pq));
    out.add(new Case(pqName, "distok recipe: k-means++ seeding, 25 it", ProductQuantizer.trainer(subspaces,
        km25.withPlusPlus(true)), equalPq, pq));
    int[] ks = {k, k, k};
    KMeansParams progressive = km25.withNiter(ProgressiveDimKMeans.DEFAULT_NITER)
        .withProgressiveDimSteps(KMeansParams.DEFAULT_PROGRESSIVE_DIM_STEPS);
    for (int beam : new int[] {1, 5}) {
      String rq = "RQ 3x" + k + " beam " + beam;
      String equal = "faiss's settings: plain k-means 25 it, random seeding, trained with beam " + beam
          + ", no refinement";
      out.add(new Case(rq, equal, ResidualQuantizer.trainer(new ResidualQuantizerParams(ks, km25, beam, false, 0,
          beam)), equal, List.of("rq", "--M", "3", "--nbits", "8", "--beam", "" + beam, "--train-type", "kmeans",
          "--iters", "25")));
      String faissDefault = "faiss's default: progressive-dim k-means (10 steps of 10 it), random seeding, trained "
          + "with beam " + beam + ", no refinement";
      List<String> faissDefaultArgs = List.of("rq", "--M", "3", "--nbits", "8", "--beam", "" + beam);
      out.add(new Case(rq, faissDefault, ResidualQuantizer.trainer(new ResidualQuantizerParams(ks, progressive,
          beam, false, 0, beam)), faissDefault, faissDefaultArgs));
      ResidualQuantizerParams recipe = new ResidualQuantizerParams(ks, km25.withPlusPlus(true), beam, false);
      out.add(new Case(rq, "distok recipe: level training auto (progressive-dim 10 x 10 it when the first d^0.7 "
          + "principal components hold 80% of the variance, else k-means++ 25 it), trained greedily, "
          + ResidualQuantizerParams.DEFAULT_REFINE_ROUNDS + " refinement rounds at most",
          ResidualQuantizer.trainer(recipe, LevelTraining.AUTO, false),
          faissDefault, faissDefaultArgs));
    }
    return out;
  }

  private static String header(int baselines) {
    StringBuilder h = new StringBuilder("| method | distok recipe | distok train s | distok encode s | distok MSE |");
    StringBuilder r = new StringBuilder("|---|---|---|---|---|");
    if (baselines > 0) {
      h.append(" faiss recipe | faiss train s | faiss encode s | faiss MSE | train x | encode x | MSE x |");
      r.append("---|---|---|---|---|---|---|");
    }
    if (baselines > 1) {
      h.append(" ref. faiss train s | ref. encode s | ref. MSE |");
      r.append("---|---|---|");
    }
    h.append(" others |");
    r.append("---|");
    return h + "\n" + r;
  }

  private static String line(Case c, Side mine, List<Side> theirs, double share, int contended, boolean shared) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.4f |", c.method(), c.recipe(), spread(mine.train),
        spread(mine.encode), mine.mse));
    if (theirs != null) {
      Side f = theirs.get(0);
      b.append(String.format(Locale.ROOT, " %s | %s | %s | %.4f | %.2f | %.2f | %.3f |",
          shared ? "(as above)" : c.faissRecipe(), spread(f.train), spread(f.encode), f.mse,
          median(mine.train) / median(f.train), median(mine.encode) / median(f.encode), mine.mse / f.mse));
      if (theirs.size() > 1) {
        Side g = theirs.get(1);
        b.append(String.format(Locale.ROOT, " %s | %s | %.4f |", spread(g.train), spread(g.encode), g.mse));
      }
    }
    b.append(String.format(Locale.ROOT, " %.0f%%%s |", 100 * share, contended > 0 ? " (" + contended
        + " contended)" : ""));
    return b.toString();
  }

  /** Median with the range of the rounds: {@code 0.123 [0.120-0.130]}. */
  private static String spread(List<Double> v) {
    return v.size() == 1 ? fmt(v.get(0)) : fmt(median(v)) + " [" + fmt(min(v)) + "-" + fmt(max(v)) + "]";
  }

  private static String fmt(double s) {
    return String.format(Locale.ROOT, s < 0.01 ? "%.5f" : "%.3f", s);
  }

  private static double median(List<Double> v) {
    return MethodRun.median(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double min(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  private static double max(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  private static double num(Map<String, Object> m, String key) {
    return ((Number) m.get(key)).doubleValue();
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
      ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {64, 64}, km.withPlusPlus(false), 3, false, 0,
          3)).train(sample, r, ProgressListener.NONE).encode(sample);
      ResidualQuantizer.trainer(new ResidualQuantizerParams(new int[] {64, 64}, km.withProgressiveDimSteps(
          KMeansParams.DEFAULT_PROGRESSIVE_DIM_STEPS), 1, false, 1)).train(sample, r, ProgressListener.NONE);
      ProductQuantizer.trainer(largestDivisorUpTo(x.cols(), 8), km).train(sample, r, ProgressListener.NONE)
          .encode(sample);
    }
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
