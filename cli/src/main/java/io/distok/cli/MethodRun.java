package io.distok.cli;

import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.UsageMetrics;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One timed train + encode of a method, with its metrics; the median of several repeats (the first repeat
 * includes JIT warm-up, which the median discards).
 */
record MethodRun(String label, Quantizer model, double trainSeconds, double encodeSeconds, UsageMetrics metrics) {

  static MethodRun measure(String label, QuantizerTrainer<? extends Quantizer> trainer, FloatMatrix x, long seed,
      int repeats, ProgressListener progress) {
    double[] train = new double[repeats];
    double[] encode = new double[repeats];
    Quantizer q = null;
    Codes codes = null;
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      q = trainer.train(x, seed, progress);
      long t1 = System.nanoTime();
      codes = q.encode(x);
      long t2 = System.nanoTime();
      train[r] = (t1 - t0) / 1e9;
      encode[r] = (t2 - t1) / 1e9;
    }
    return new MethodRun(label, q, median(train), median(encode), UsageMetrics.of(q, x, codes));
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  double minUtilization() {
    return metrics.codebooks().stream().mapToDouble(CodebookUsage::utilization).min().orElse(0);
  }

  double meanPerplexity() {
    return metrics.codebooks().stream().mapToDouble(CodebookUsage::perplexity).average().orElse(0);
  }

  static void printTable(PrintWriter w, List<MethodRun> runs) {
    w.printf(Locale.ROOT, "%-22s %9s %9s %10s %8s %9s %11s %8s%n", "method", "train s", "encode s", "MSE",
        "rel MSE", "min util", "perplexity", "shared");
    for (MethodRun r : runs) {
      w.printf(Locale.ROOT, "%-22s %9.3f %9.3f %10.4f %8.4f %8.1f%% %11.1f %7.2f%%%n", r.label(), r.trainSeconds(),
          r.encodeSeconds(), r.metrics().mse(), r.metrics().relativeMse(), 100 * r.minUtilization(),
          r.meanPerplexity(), 100 * r.metrics().sharedTupleRate());
    }
  }
}
