package io.distok.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Deterministic data parallelism: work is cut into chunks whose boundaries depend only on the data size, never
 * on the thread count, and per-chunk results are combined in chunk order, so results are bit-identical with 1
 * or 64 threads.
 *
 * <p>A loop runs in the calling thread together with the workers of the current {@link ForkJoinPool} (see {@link
 * #withThreads}) or, outside one, of the common pool: the caller takes a share of the chunks instead of handing
 * the loop to a pool and waiting, so the common pool's cores - 1 workers and the caller keep every core busy
 * (a caller that waited left a core idle: on 2 cores every loop ran on one thread).
 */
public final class Parallel {
  /** Rows per chunk for row-parallel loops. */
  public static final int DEFAULT_CHUNK = 512;

  private Parallel() {}

  /** Body of a chunked loop: processes rows {@code [from, to)} of chunk number {@code chunk}. */
  @FunctionalInterface
  public interface ChunkBody {
    void run(int chunk, int from, int to);
  }

  /** Number of chunks {@link #forEachChunk} uses for {@code n} items. */
  public static int chunkCount(int n, int chunkSize) {
    return (n + chunkSize - 1) / chunkSize;
  }

  /**
   * Runs {@code body} over {@code [0, n)} in chunks of {@code chunkSize}, in parallel. Threads claim chunks one at a
   * time, so a loop whose chunks cost very different amounts (one large group among many small ones) keeps every
   * thread busy until the last chunk is claimed; the chunks themselves do not depend on the threads. An exception
   * thrown by a chunk stops further chunks from being claimed and is rethrown as it was thrown, after every chunk
   * already running has finished.
   */
  public static void forEachChunk(int n, int chunkSize, ChunkBody body) {
    int chunks = chunkCount(n, chunkSize);
    if (chunks == 0) {
      return;
    }
    if (chunks == 1) {
      body.run(0, 0, n);
      return;
    }
    boolean inPool = ForkJoinTask.inForkJoinPool();
    ForkJoinPool pool = inPool ? ForkJoinTask.getPool() : ForkJoinPool.commonPool();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable claim = () -> {
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        try {
          body.run(c, c * chunkSize, Math.min(n, (c + 1) * chunkSize));
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          next.set(chunks);
        }
      }
    };
    // a caller inside the pool is one of its workers, so the others are parallelism - 1; a caller outside it works
    // beside all of them
    int helpers = Math.min(chunks - 1, pool.getParallelism() - (inPool ? 1 : 0));
    List<ForkJoinTask<?>> started = new ArrayList<>(helpers);
    for (int i = 0; i < helpers; i++) {
      ForkJoinTask<?> task = ForkJoinTask.adapt(claim);
      started.add(inPool ? task.fork() : pool.submit(task));
    }
    // the caller claims chunks too, then waits for the chunks the helpers hold (a helper that never started runs
    // here and finds nothing left)
    claim.run();
    for (ForkJoinTask<?> task : started) {
      task.join();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Runs {@code work} with at most {@code threads} worker threads for every parallel loop inside it.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static <T> T withThreads(int threads, Supplier<T> work) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return pool.submit(work::get).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdown();
    }
  }
}
