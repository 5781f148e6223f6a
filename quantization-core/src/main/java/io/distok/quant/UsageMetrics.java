package io.distok.quant;

import io.distok.util.FloatMatrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Quality and codebook-usage metrics of a model on a data set: reconstruction MSE (mean squared L2 error per
 * vector, as faiss reports it), MSE relative to the data's total variance, per-codebook utilisation,
 * perplexity and dead codes, and for multi-code methods the share of vectors whose full code tuple is shared
 * with another vector. Computing them costs one decode, O(n d), plus O(n m + n log n) for the counts; memory O(n).
 *
 * @param rows vectors measured
 * @param mse mean over vectors of the squared reconstruction error
 * @param relativeMse {@code mse / variance}: 0 is perfect, 1 is no better than the mean vector
 * @param variance mean squared distance of the vectors to their mean
 * @param codebooks usage of each codebook
 * @param distinctTuples number of distinct code tuples
 * @param sharedTupleRate share of vectors whose full code tuple is also the tuple of another vector
 */
public record UsageMetrics(int rows, double mse, double relativeMse, double variance,
    List<CodebookUsage> codebooks, int distinctTuples, double sharedTupleRate) {

  private static final int DECODE_BLOCK = 4096;

  /** Measures {@code quantizer} on {@code x}, whose codes are {@code codes}. */
  public static UsageMetrics of(Quantizer quantizer, FloatMatrix x, Codes codes) {
    if (codes.rows() != x.rows()) {
      throw new IllegalArgumentException(codes.rows() + " code rows for " + x.rows() + " vectors");
    }
    int n = x.rows();
    int d = x.cols();
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        mean[t] += x.get(i, t);
      }
    }
    for (int t = 0; t < d; t++) {
      mean[t] /= Math.max(1, n);
    }
    double err = 0;
    double var = 0;
    // decoded a block at a time, so the measurement needs O(block d) memory, not a second copy of the data
    for (int from = 0; from < n; from += DECODE_BLOCK) {
      int to = Math.min(n, from + DECODE_BLOCK);
      FloatMatrix recon = quantizer.decode(codes.rows(from, to));
      for (int i = from; i < to; i++) {
        for (int t = 0; t < d; t++) {
          double v = x.get(i, t);
          double e = v - recon.get(i - from, t);
          double c = v - mean[t];
          err += e * e;
          var += c * c;
        }
      }
    }
    double mse = n == 0 ? 0 : err / n;
    double variance = n == 0 ? 0 : var / n;
    List<CodebookUsage> usage = new ArrayList<>();
    CodeLayout layout = quantizer.layout();
    for (int j = 0; j < layout.positions(); j++) {
      usage.add(CodebookUsage.of(codes, j, layout.size(j)));
    }
    int[] tupleStats = tupleGroups(codes);
    return new UsageMetrics(n, mse, variance == 0 ? 0 : mse / variance, variance, List.copyOf(usage),
        tupleStats[0], n == 0 ? 0 : tupleStats[1] / (double) n);
  }

  /** {@code [distinct tuples, rows whose tuple another row shares]}. */
  private static int[] tupleGroups(Codes codes) {
    int[] sizes = TupleGroups.sizes(codes, codes.codesPerRow());
    int shared = 0;
    for (int s : sizes) {
      if (s > 1) {
        shared += s;
      }
    }
    return new int[] {sizes.length, shared};
  }

  /** Metrics as nested maps and lists, ready for JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("mse", mse);
    m.put("relativeMse", relativeMse);
    m.put("variance", variance);
    m.put("distinctTuples", distinctTuples);
    m.put("sharedTupleRate", sharedTupleRate);
    List<Map<String, Object>> books = new ArrayList<>();
    for (CodebookUsage u : codebooks) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("codebook", u.codebook());
      b.put("K", u.size());
      b.put("used", u.used());
      b.put("utilization", u.utilization());
      b.put("perplexity", u.perplexity());
      b.put("deadCodes", u.deadCodes());
      books.add(b);
    }
    m.put("codebooks", books);
    return m;
  }

  /** A human-readable table. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "vectors %d  MSE %.4f  relative MSE %.4f  distinct tuples %d  shared-tuple"
        + " rate %.2f%%%n", rows, mse, relativeMse, distinctTuples, 100 * sharedTupleRate));
    sb.append(String.format(Locale.ROOT, "%-9s %6s %6s %9s %11s %6s%n", "codebook", "K", "used", "util", "perplexity",
        "dead"));
    for (CodebookUsage u : codebooks) {
      sb.append(String.format(Locale.ROOT, "%-9d %6d %6d %8.1f%% %11.1f %6d%n", u.codebook(), u.size(), u.used(),
          100 * u.utilization(), u.perplexity(), u.deadCodes()));
    }
    return sb.toString();
  }
}
