package io.distok.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  /**
   * Chunk 0 can only finish after every other chunk has: a loop that splits its chunks into fixed ranges per thread
   * (as a parallel stream does) leaves chunk 1 behind chunk 0 in the same range and never finishes; threads that
   * claim chunks one at a time do.
   */
  @Test
  void aSlowChunkDoesNotHoldBackTheChunksAfterIt() {
    int chunks = 8;
    CountDownLatch othersDone = new CountDownLatch(chunks - 1);
    AtomicBoolean timedOut = new AtomicBoolean();
    Parallel.forEachChunk(chunks, 1, (chunk, from, to) -> {
      if (chunk > 0) {
        othersDone.countDown();
        return;
      }
      try {
        if (!othersDone.await(20, TimeUnit.SECONDS)) {
          timedOut.set(true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(!timedOut.get(), "chunks after the slow one waited for it: " + othersDone.getCount() + " left");
  }

  /** A chunk's exception reaches the caller as the same object, and nested loops cover every row once. */
  @Test
  void exceptionsComeBackAsThrownAndNestedLoopsCoverEveryRow() {
    IllegalArgumentException thrown = new IllegalArgumentException("row 57 is bad");
    IllegalArgumentException caught = assertThrows(IllegalArgumentException.class, () ->
        Parallel.forEachChunk(100, 3, (chunk, from, to) -> {
          if (from <= 57 && 57 < to) {
            throw thrown;
          }
        }));
    assertSame(thrown, caught);
    int[] seen = new int[40 * 50];
    Parallel.forEachChunk(40, 1, (outer, from, to) ->
        Parallel.forEachChunk(50, 7, (inner, a, b) -> {
          for (int i = a; i < b; i++) {
            seen[outer * 50 + i]++;
          }
        }));
    int[] once = new int[seen.length];
    java.util.Arrays.fill(once, 1);
    assertArrayEquals(once, seen);
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
