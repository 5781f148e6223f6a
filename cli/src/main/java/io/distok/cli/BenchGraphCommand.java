package io.distok.cli;

import io.distok.bench.BenchData;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.testdata.SyntheticGraphs;
import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
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
 * {@code distok bench graph}: anchor-relation tokenization at NodePiece's published settings on FB15k-237 and
 * WN18RR, and on a generated large graph. Times the tokenization itself (graph loading and JVM start are
 * reported apart), reports the peak heap and the diagnostics.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = "Benchmark graph tokenization: FB15k-237 (1000 anchors, k=20, m=15) and WN18RR (500 anchors, "
        + "k=50, m=4) from --kg-dir, and/or a generated graph (--generated NODES).")
public final class BenchGraphCommand implements Callable<Integer> {
  @Option(names = "--kg-dir", description = "Folder holding FB15k-237/ and WN18RR/ (e.g. ../shared/data/kg).")
  Path kgDir;

  @Option(names = "--generated", defaultValue = "0", description = "Also tokenize a generated graph of this many "
      + "nodes.")
  int generated;

  @Option(names = "--generated-edges", defaultValue = "0", description = "Edges of the generated graph (default: 10"
      + " per node).")
  long generatedEdges;

  @Option(names = "--repeat", defaultValue = "3", description = "Timed runs on the benchmark graphs; the median is "
      + "reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--json", description = "Write all figures as JSON here.")
  Path json;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if (kgDir == null && generated == 0) {
      throw new InvalidInputException("give --kg-dir (e.g. ../shared/data/kg) and/or --generated NODES");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    w.printf(Locale.ROOT, "%-14s %9s %9s %7s %5s %4s %9s %10s %8s %9s %9s %9s %9s%n", "graph", "nodes", "edges",
        "anchors", "k", "m", "load s", "tokenize s", "CPU s", "peak MB", "uniq dist", "uniq bare", "short k");
    if (kgDir != null) {
      Path fb = kgDir.resolve("FB15k-237/train.txt.gz");
      Path wn = kgDir.resolve("WN18RR/train.txt");
      if (!Files.exists(fb) && !Files.exists(wn)) {
        throw new InvalidInputException(kgDir + ": no FB15k-237/train.txt.gz or WN18RR/train.txt; the benchmark "
            + "graphs live in ../shared/data/kg beside a development checkout (see its README)");
      }
      if (Files.exists(fb)) {
        rows.add(run(w, "FB15k-237", () -> TripleFiles.readTriples(fb), NodePieceConfig.DEFAULT.withAnchors(1000)
            .withK(20).withM(15), repeat, BenchData.NODEPIECE_FB15K237));
      } else {
        w.println("FB15k-237 skipped: " + fb + " not found");
      }
      if (Files.exists(wn)) {
        rows.add(run(w, "WN18RR", () -> TripleFiles.readTriples(wn), NodePieceConfig.DEFAULT.withAnchors(500)
            .withK(50).withM(4), repeat, BenchData.NODEPIECE_WN18RR));
      } else {
        w.println("WN18RR skipped: " + wn + " not found");
      }
    }
    if (generated > 0) {
      long edges = generatedEdges > 0 ? generatedEdges : 10L * generated;
      rows.add(run(w, "generated", () -> SyntheticGraphs.csr(generated, edges, 50, 7), NodePieceConfig.DEFAULT
          .withK(20).withM(10), 1, null));
    }
    w.printf(Locale.ROOT, "(tokenize s = anchor selection + k-label BFS + relational context, JVM start and graph "
        + "loading excluded; peak MB = peak heap in use during tokenization, graph included; unique = token set "
        + "with anchor hop distances, uniq bare = anchor set + relation set without distances (NodePiece's figure); "
        + "CPU s = process CPU seconds of the tokenization; max heap %d MB; "
        + "%d cores)%n", Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("graphs", rows);
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /** Loads a graph. */
  @FunctionalInterface
  private interface Loader {
    CsrGraph load() throws Exception;
  }

  private Map<String, Object> run(PrintWriter w, String name, Loader loader, NodePieceConfig config, int repeats,
      BenchData.NodePieceReference ref) throws Exception {
    long t0 = System.nanoTime();
    CsrGraph g = loader.load();
    double loadS = (System.nanoTime() - t0) / 1e9;
    if (repeats > 1) {
      NodePieceTokenizer.tokenize(g, config, ProgressListener.NONE); // JIT warm-up, untimed
    }
    double[] times = new double[repeats];
    double[] cpu = new double[repeats];
    NodeTokenization t = null;
    long peak = 0;
    for (int r = 0; r < repeats; r++) {
      System.gc();
      resetPeaks();
      long c = processCpuNanos();
      long s = System.nanoTime();
      t = NodePieceTokenizer.tokenize(g, config, ProgressListener.NONE);
      times[r] = (System.nanoTime() - s) / 1e9;
      cpu[r] = (processCpuNanos() - c) / 1e9;
      peak = Math.max(peak, heapPeak());
    }
    double tok = MethodRun.median(times);
    double cpuS = MethodRun.median(cpu);
    NodeTokenization.Diagnostics d = t.diagnostics();
    w.printf(Locale.ROOT, "%-14s %9d %9d %7d %5d %4d %9.2f %10.3f %8.3f %9.0f %8.2f%% %8.2f%% %8.3f%%%n", name,
        g.nodeCount(), g.edgeCount(), d.anchors(), t.k(), t.m(), loadS, tok, cpuS, peak / 1048576.0,
        100 * d.uniqueTokenSetShare(), 100 * d.uniqueTokenSetShareWithoutDistances(), 100 * d.shortOfKShare());
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("graph", name);
    row.put("load_s", loadS);
    row.put("tokenize_s", tok);
    row.put("tokenize_cpu_s", cpuS);
    row.put("tie_break", config.tieBreak().toString());
    row.put("peak_heap_mb", peak / 1048576.0);
    row.put("diagnostics", d.toMap());
    if (ref != null) {
      w.printf(Locale.ROOT, "%-14s reference tokenizer (published, other machine, graph build included): %.1f s CPU%s,"
          + " %.0f MB peak RSS, unique %.1f%% with distances / %.1f%% without, short of k %.2f%%%n", "",
          ref.cpuSeconds(), Double.isNaN(ref.wallSeconds()) ? "" : String.format(Locale.ROOT, " (%.1f s wall)",
              ref.wallSeconds()), ref.peakMb(), 100 * ref.uniqueWithDistances(), 100 * ref.uniqueWithoutDistances(),
          100 * ref.shortOfK());
      Map<String, Object> rr = new LinkedHashMap<>();
      rr.put("cpu_s", ref.cpuSeconds());
      rr.put("peak_rss_mb", ref.peakMb());
      rr.put("unique_with_distances", ref.uniqueWithDistances());
      rr.put("unique_without_distances", ref.uniqueWithoutDistances());
      rr.put("short_of_k", ref.shortOfK());
      row.put("reference", rr);
    }
    return row;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long heapPeak() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** CPU time of this process so far, or 0 where the JVM does not report it. */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }
}
