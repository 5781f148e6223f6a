package io.distok.util;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Deterministic data parallelism: work is cut into chunks whose boundaries depend only on the data size, never
 * on the thread count, and per-chunk results are combined in chunk order, so results are bit-identical with 1
 * or 64 threads.
 *
 * <p>Work runs in the current {@link ForkJoinPool} when called from one (see {@link #withThreads}), otherwise in
 * a pool of one worker per core. (Not the common pool: it has one worker fewer than there are cores, since a
 * parallel stream's caller usually works beside it, but a caller that hands the whole loop to the pool and waits
 * would leave a core idle; on a 2-core machine every loop ran on one thread.)
 */
public final class Parallel {
  /** Rows per chunk for row-parallel loops. */
  public static final int DEFAULT_CHUNK = 512;

  private static final ForkJoinPool POOL = new ForkJoinPool(Runtime.getRuntime().availableProcessors());

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

  /** Runs {@code body} over {@code [0, n)} in chunks of {@code chunkSize}, in parallel. */
  public static void forEachChunk(int n, int chunkSize, ChunkBody body) {
    int chunks = chunkCount(n, chunkSize);
    if (chunks == 0) {
      return;
    }
    if (chunks == 1) {
      body.run(0, 0, n);
      return;
    }
    Runnable all = () -> IntStream.range(0, chunks).parallel()
        .forEach(c -> body.run(c, c * chunkSize, Math.min(n, (c + 1) * chunkSize)));
    if (ForkJoinTask.inForkJoinPool()) {
      all.run();
    } else {
      POOL.invoke(ForkJoinTask.adapt(all));
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
