package io.distok.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What else the machine was doing during a measurement: the share of all CPUs' time spent by other processes,
 * from {@code /proc/stat} (busy jiffies over all jiffies) minus this JVM's own CPU time. A loaded machine slows a
 * baseline and distok unequally (OpenMP threads spin-wait on a busy core), so benches record it per figure and
 * repeat contended rounds. Off Linux the share reads 0.
 *
 * @param totalJiffies all CPU time counted by the kernel so far
 * @param idleJiffies idle and I/O-wait time among it
 * @param ownCpuNanos this process's CPU time
 * @param wallNanos {@link System#nanoTime()} when sampled
 */
public record CpuLoad(long totalJiffies, long idleJiffies, long ownCpuNanos, long wallNanos) {
  private static final Path STAT = Path.of("/proc/stat");

  public static CpuLoad sample() {
    long total = 0;
    long idle = 0;
    try {
      String[] f = Files.readAllLines(STAT).get(0).trim().split("\\s+");
      for (int i = 1; i <= 8 && i < f.length; i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc/stat (not Linux): the share is reported as 0
    }
    long own = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : 0;
    return new CpuLoad(total, idle, own, System.nanoTime());
  }

  /** Share (0..1) of all CPUs' time between this sample and {@code later} used by other processes. */
  public double othersShareUntil(CpuLoad later) {
    long total = later.totalJiffies - totalJiffies;
    long wall = later.wallNanos - wallNanos;
    if (total <= 0 || wall <= 0) {
      return 0;
    }
    double busy = (double) (total - (later.idleJiffies - idleJiffies)) / total;
    double own = (double) (later.ownCpuNanos - ownCpuNanos) / ((double) wall
        * Runtime.getRuntime().availableProcessors());
    return Math.max(0, busy - own);
  }

  /** One timed figure: seconds per call, the calls it took, other processes' CPU share, the last result. */
  public record Timed<T>(double seconds, int calls, double othersShare, T result) {}

  /**
   * Calls {@code operation} until {@code minSeconds} have passed (at least once) and reports the time per call:
   * a single call shorter than about half a second is noise on a shared machine.
   */
  public static <T> Timed<T> atLeast(double minSeconds, java.util.function.Supplier<T> operation) {
    CpuLoad start = sample();
    int calls = 0;
    T result;
    do {
      result = operation.get();
      calls++;
    } while (System.nanoTime() - start.wallNanos < minSeconds * 1e9);
    CpuLoad end = sample();
    return new Timed<>((end.wallNanos - start.wallNanos) / 1e9 / calls, calls, start.othersShareUntil(end), result);
  }
}
