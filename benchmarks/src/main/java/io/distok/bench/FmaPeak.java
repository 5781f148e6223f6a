package io.distok.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the machine's practical single-precision FMA peak: every thread runs 12 independent chains of
 * fused multiply-adds of the preferred species (the width the distance kernel uses) on registers (no memory traffic), enough to cover FMA latency on current x86
 * cores. Used as the denominator when reporting the distance kernel's efficiency.
 *
 * <p>Requires the {@code jdk.incubator.vector} module.
 */
public final class FmaPeak {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

  /** Float lanes per vector of the species measured. */
  public static int lanes() {
    return F.length();
  }

  private FmaPeak() {}

  /**
   * The best of five trials of {@link #trialGflops}: the peak is a maximum, and a trial only ever loses to
   * interference (other processes, frequency changes).
   */
  public static double measureGflops(int threads, long millis) throws Exception {
    double best = 0;
    for (int trial = 0; trial < 5; trial++) {
      best = Math.max(best, trialGflops(threads, millis / 5 + 1));
    }
    return best;
  }

  /** Runs for about {@code millis} per thread on {@code threads} threads; returns GFLOP/s summed. */
  static double trialGflops(int threads, long millis) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      chains(2_000_000); // warm up the JIT
      List<Future<Double>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          long iters = 1_000_000;
          long start = System.nanoTime();
          long done = 0;
          float sink = 0;
          while (System.nanoTime() - start < millis * 1_000_000L) {
            sink += chains(iters);
            done += iters;
          }
          double secs = (System.nanoTime() - start) / 1e9;
          if (sink == 42.4242f) {
            System.out.print("");
          }
          return done * 12.0 * F.length() * 2 / secs / 1e9;
        }));
      }
      double total = 0;
      for (Future<Double> f : results) {
        total += f.get();
      }
      return total;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * The measuring loop itself: {@code iters} rounds of 12 independent vector FMAs ({@code 12 * lanes() * 2 *
   * iters} flops), for harnesses such as JMH that time a call; returns a value that depends on every chain.
   */
  public static float chains(long iters) {
    FloatVector m = FloatVector.broadcast(F, 0.999999f);
    FloatVector a = FloatVector.broadcast(F, 1e-7f);
    FloatVector c0 = FloatVector.broadcast(F, 1f);
    FloatVector c1 = c0.add(a);
    FloatVector c2 = c1.add(a);
    FloatVector c3 = c2.add(a);
    FloatVector c4 = c3.add(a);
    FloatVector c5 = c4.add(a);
    FloatVector c6 = c5.add(a);
    FloatVector c7 = c6.add(a);
    FloatVector c8 = c7.add(a);
    FloatVector c9 = c8.add(a);
    FloatVector c10 = c9.add(a);
    FloatVector c11 = c10.add(a);
    for (long i = 0; i < iters; i++) {
      c0 = c0.fma(m, a);
      c1 = c1.fma(m, a);
      c2 = c2.fma(m, a);
      c3 = c3.fma(m, a);
      c4 = c4.fma(m, a);
      c5 = c5.fma(m, a);
      c6 = c6.fma(m, a);
      c7 = c7.fma(m, a);
      c8 = c8.fma(m, a);
      c9 = c9.fma(m, a);
      c10 = c10.fma(m, a);
      c11 = c11.fma(m, a);
    }
    return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
