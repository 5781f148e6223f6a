package io.distok.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CpuLoadTest {

  @Test
  void shortOperationsRepeatUntilTheMinimumTimeAndReportTimePerCall() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    CpuLoad.Timed<Integer> t = CpuLoad.atLeast(0.05, () -> {
      long until = System.nanoTime() + 2_000_000; // about 2 ms of work per call
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      return calls.incrementAndGet();
    });
    double elapsed = (System.nanoTime() - start) / 1e9;
    assertEquals(calls.get(), t.calls());
    assertEquals(calls.get(), t.result());
    assertTrue(t.calls() >= 2, "a 2 ms operation must repeat to fill 50 ms, ran " + t.calls());
    assertTrue(t.seconds() * t.calls() >= 0.05 && t.seconds() * t.calls() <= elapsed, t.toString());
    assertTrue(t.seconds() >= 0.002, "time per call " + t.seconds());
    assertTrue(t.othersShare() >= 0 && t.othersShare() <= 1, "share " + t.othersShare());
  }

  @Test
  void aLongOperationRunsOnce() {
    CpuLoad.Timed<String> t = CpuLoad.atLeast(0, () -> "once");
    assertEquals(1, t.calls());
    assertEquals("once", t.result());
  }
}
