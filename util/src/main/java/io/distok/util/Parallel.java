package io.distok.util;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.IntStream;

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
    IntStream.range(0, chunks).parallel().forEach(c -> body.run(c, c * chunkSize, Math.min(n, (c + 1) * chunkSize)));
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
