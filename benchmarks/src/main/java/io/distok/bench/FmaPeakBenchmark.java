package io.distok.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak of one thread at the preferred vector width, timed like {@link KernelBenchmark}'s kernels so that
 * their share of peak compares like with like: one call is 12 x lanes x 2 x 100,000 flops (12 independent
 * register chains, no memory traffic; lanes = 16 with AVX-512, 8 with AVX2).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeakBenchmark {

  @Benchmark
  public float fmaChains() {
    return FmaPeak.chains(100_000);
  }
}
