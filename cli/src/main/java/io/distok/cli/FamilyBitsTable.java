package io.distok.cli;

import io.distok.bench.BenchData;
import io.distok.bench.CpuLoad;
import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.UsageMetrics;
import io.distok.quant.family.ParameterValues;
import io.distok.quant.family.QuantizerFamily;
import io.distok.quant.io.ModelStore;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The families table of {@code distok bench quantize --bits B,...}: every vector family at B bits per vector (VQ,
 * which cannot spend more than a codebook's bits, at K = 2^min(B, 12)), trained through its family with the
 * defaults a user gets, with quality, usage, time and model size per row, and faiss's {@code LocalSearchQuantizer}
 * beside AQ with the same M, nbits, iterations and seed.
 */
final class FamilyBitsTable {
  /** Largest VQ codebook the table trains: 2^12 codes. */
  static final int MAX_VQ_BITS = 12;

  private final FloatMatrix x;
  private final Path data;
  private final long seed;
  private final double minSeconds;
  private final String faissPython;
  private final Path faissScript;
  private final PrintWriter w;

  FamilyBitsTable(FloatMatrix x, Path data, long seed, double minSeconds, String faissPython, Path faissScript,
      PrintWriter w) {
    this.x = x;
    this.data = data;
    this.seed = seed;
    this.minSeconds = minSeconds;
    this.faissPython = faissPython;
    this.faissScript = faissScript;
    this.w = w;
  }

  /** One row: a family with the values it was given. */
  private record Row(String family, Map<String, String> values, String note) {}

  private List<Row> rows(int bits) {
    int d = x.cols();
    List<Row> out = new ArrayList<>();
    int vqBits = Math.min(bits, MAX_VQ_BITS);
    out.add(new Row("vq", Map.of("K", "" + (1 << vqBits)), vqBits < bits ? vqBits + " bits: VQ cannot spend " + bits
        : ""));
    int m = bits / 8;
    if (bits % 8 == 0 && d % m == 0) {
      out.add(new Row("pq", Map.of("M", "" + m), ""));
    } else {
      out.add(new Row("pq", null, "skipped: " + m + " sub-spaces do not divide d = " + d));
    }
    out.add(new Row("rq", Map.of("L", "" + m), ""));
    out.add(new Row("aq", Map.of("bits", "" + bits), ""));
    out.add(new Row("fsq", Map.of("bits", "" + bits), ""));
    out.add(new Row("lfq", Map.of("bits", "" + bits), ""));
    out.add(new Row("bsq", Map.of("bits", "" + bits), ""));
    return out;
  }

  /** Runs every row for every bit budget and prints the table; returns the figures for JSON. */
  List<Map<String, Object>> run(List<Integer> budgets) throws IOException, InterruptedException {
    w.println();
    w.println("| bits | family | parameters | MSE | rel. MSE | util | perplexity / position | bit entropy | train s | "
        + "encode ms | encode x RQ | model bytes | faiss LSQ train s | encode s | MSE | note |");
    w.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    List<Map<String, Object>> figures = new ArrayList<>();
    for (int bits : budgets) {
      double rqEncode = Double.NaN;
      for (Row r : rows(bits)) {
        if (r.values() == null) {
          w.printf(Locale.ROOT, "| %d | %s | | | | | | | | | | | | | | %s |%n", bits, r.family(), r.note());
          continue;
        }
        Map<String, Object> f = runRow(r, bits);
        if (r.family().equals("rq")) {
          rqEncode = (double) f.get("encode_s");
        }
        f.put("encode_x_rq", (double) f.get("encode_s") / rqEncode);
        figures.add(f);
        w.println(line(f, r.note()));
        w.flush();
      }
    }
    w.println("(MSE: mean squared L2 error per vector on the training file itself; util and perplexity: means over "
        + "code positions, perplexity exp(entropy); bit entropy: mean per-bit entropy in bits for sign codes; encode x "
        + "RQ: encode time over RQ's at the same bits, < 1 is faster; faiss LSQ: same M, nbits, train_iters, "
        + "encode_ils_iters, train_ils_iters, icm_iters, nperts, lambd, p and seed as distok's AQ)");
    return figures;
  }

  private Map<String, Object> runRow(Row r, int bits) throws IOException, InterruptedException {
    QuantizerFamily family = QuantizerFamily.forName(r.family());
    ParameterValues values = ParameterValues.of(family.parameters(), r.values());
    long t0 = System.nanoTime();
    Quantizer q = family.trainer(values).train(x, seed, ProgressListener.NONE);
    double train = (System.nanoTime() - t0) / 1e9;
    // untimed encodes first, as for the faiss-comparison rows: the figure is compiled code's throughput, not the JIT's
    // (a family whose training never ran its encoding kernels - FSQ's level search - is interpreted at first, and
    // the Vector API is slow until C2 has compiled it). Rounds until one is no faster than the one before, at most
    // 10: one fixed round left FSQ on GloVe at 1.23 ms per encode in the timed half second, 0.55 ms once compiled
    double previous = Double.MAX_VALUE;
    for (int round = 0; round < 10; round++) {
      double perCall = CpuLoad.atLeast(minSeconds / 2, () -> q.encode(x)).seconds();
      if (perCall > previous * 0.97) {
        break;
      }
      previous = perCall;
    }
    CpuLoad.Timed<Codes> enc = CpuLoad.atLeast(minSeconds, () -> q.encode(x));
    Codes codes = enc.result();
    UsageMetrics metrics = UsageMetrics.of(q, x, codes);
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("bits", bits);
    f.put("family", r.family());
    f.put("parameters", CliSupport.describe(q.parameters()));
    f.put("codeBits", q.layout().totalBits());
    f.put("mse", metrics.mse());
    f.put("relativeMse", metrics.relativeMse());
    f.put("utilization", metrics.codebooks().stream().mapToDouble(CodebookUsage::utilization).average().orElse(0));
    f.put("perplexity", metrics.codebooks().stream().mapToDouble(CodebookUsage::perplexity).average().orElse(0));
    if (r.family().equals("lfq") || r.family().equals("bsq")) {
      double sum = 0;
      int count = 0;
      for (int j = 0; j < q.layout().positions(); j++) {
        CodebookUsage.BitUsage b = CodebookUsage.perBit(codes, j, q.layout().bits(j));
        sum += b.factorisedEntropy() / Math.log(2);
        count += q.layout().bits(j);
      }
      f.put("bitEntropy", sum / count);
    }
    f.put("train_s", train);
    f.put("encode_s", enc.seconds());
    f.put("modelBytes", modelBytes(q));
    if (r.family().equals("aq") && faissScript != null) {
      f.put("faiss", faissLsq(q));
    }
    return f;
  }

  private Map<String, Object> faissLsq(Quantizer q) throws IOException, InterruptedException {
    Map<String, Object> p = q.parameters();
    List<String> args = new ArrayList<>(List.of("lsq", "--M", "" + p.get("M"), "--nbits", "" + p.get("nbits"),
        "--seed", "" + seed, "--min-seconds", "" + minSeconds, "--repeat", "1"));
    for (String name : List.of("train_iters", "encode_ils_iters", "train_ils_iters", "icm_iters", "nperts", "lambd",
        "p")) {
      args.add("--" + name.replace('_', '-'));
      args.add(String.valueOf(p.get(name)));
    }
    Map<String, Object> f = BenchData.runFaiss(faissPython, faissScript, data, args,
        Runtime.getRuntime().availableProcessors());
    if (f == null) {
      throw new InvalidInputException("faiss LSQ run failed: " + faissPython + " " + faissScript + " " + data + " "
          + String.join(" ", args));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("train_s", f.get("train_s"));
    out.put("encode_s", f.get("encode_s"));
    out.put("mse", f.get("mse"));
    out.put("build", FaissOptions.describe(f));
    return out;
  }

  private long modelBytes(Quantizer q) throws IOException {
    Path dir = Files.createTempDirectory("distok-bench-model");
    try {
      ModelStore.save(q, seed, dir.resolve("m"));
      try (Stream<Path> files = Files.walk(dir.resolve("m"))) {
        return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
      }
    } finally {
      AtomicFiles.deleteRecursively(dir);
    }
  }

  private static String line(Map<String, Object> f, String note) {
    @SuppressWarnings("unchecked")
    Map<String, Object> faiss = (Map<String, Object>) f.get("faiss");
    String bitEntropy = f.containsKey("bitEntropy") ? String.format(Locale.ROOT, "%.3f", f.get("bitEntropy")) : "";
    String fa = faiss == null ? " | | |" : String.format(Locale.ROOT, " %.2f | %.3f | %.4f |",
        ((Number) faiss.get("train_s")).doubleValue(), ((Number) faiss.get("encode_s")).doubleValue(),
        ((Number) faiss.get("mse")).doubleValue());
    return String.format(Locale.ROOT, "| %d | %s | %s | %.4f | %.4f | %.1f%% | %.1f | %s | %.2f | %.3f | %.3f | %d |%s "
        + "%s |", (int) f.get("codeBits"), f.get("family"), f.get("parameters"), f.get("mse"), f.get("relativeMse"),
        100 * (double) f.get("utilization"), f.get("perplexity"), bitEntropy, f.get("train_s"),
        // milliseconds: FSQ, LFQ and BSQ encode a data set in under one
        1000 * ((Number) f.get("encode_s")).doubleValue(),
        f.get("encode_x_rq"), f.get("modelBytes"), fa, note);
  }
}
