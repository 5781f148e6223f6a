package io.distok.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ParallelTest {

  /**
   * Two chunks that each wait for the other to start can only finish when two threads run the loop: the caller
   * must work beside the pool rather than hand the loop over and wait (which left one thread on 2 cores).
   */
  @Test
  void aLoopCalledFromAPlainThreadRunsOnAtLeastTwoThreads() {
    CountDownLatch bothStarted = new CountDownLatch(2);
    AtomicBoolean timedOut = new AtomicBoolean();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Parallel.forEachChunk(2, 1, (chunk, from, to) -> {
      threads.add(Thread.currentThread());
      bothStarted.countDown();
      try {
        if (!bothStarted.await(20, TimeUnit.SECONDS)) {
          timedOut.set(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(!timedOut.get() && threads.size() == 2, "the two chunks ran on " + threads.size() + " thread(s)");
  }

  @Test
  void chunkBoundariesDoNotDependOnTheThreadCount() {
    int n = 10_007;
    int[] one = Parallel.withThreads(1, () -> chunkOfEachRow(n));
    int[] three = Parallel.withThreads(3, () -> chunkOfEachRow(n));
    assertArrayEquals(one, chunkOfEachRow(n));
    assertArrayEquals(one, three);
  }

  private static int[] chunkOfEachRow(int n) {
    int[] chunkOf = new int[n];
    Parallel.forEachChunk(n, 97, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        chunkOf[i] = chunk;
      }
    });
    return chunkOf;
  }
}
