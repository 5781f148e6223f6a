package io.distok.util;

/**
 * Receives progress of long-running work (training, encoding). Implementations must be cheap and thread-safe;
 * they are called from worker threads.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (stage, done, total) -> { };

  /**
   * Reports that {@code done} of {@code total} units of {@code stage} are complete.
   *
   * @param stage short human-readable name, e.g. "k-means level 2"
   */
  void progress(String stage, long done, long total);
}
