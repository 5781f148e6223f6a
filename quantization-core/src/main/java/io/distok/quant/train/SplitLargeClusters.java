package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import java.util.SplittableRandom;

/**
 * faiss's remedy for empty clusters: pick a cluster with probability proportional to its size beyond one, give
 * the empty cluster a copy of its centroid and push the two copies apart by a relative {@code 1/1024}; the next
 * assignment then splits the big cluster between them. O(K^2) per step with dead codes, O(K) otherwise.
 */
public final class SplitLargeClusters implements DeadCodePolicy {
  /** The one instance. */
  public static final SplitLargeClusters INSTANCE = new SplitLargeClusters();
  private static final float SPLIT_EPS = 1f / 1024f;

  private SplitLargeClusters() {}

  @Override
  public int repair(FloatMatrix c, int[] counts, int rows, SplittableRandom rng) {
    int k = c.rows();
    int d = c.cols();
    int splits = 0;
    float[] cd = c.data();
    for (int ci = 0; ci < k; ci++) {
      if (counts[ci] != 0) {
        continue;
      }
      long weight = 0;
      for (int j = 0; j < k; j++) {
        weight += Math.max(0, counts[j] - 1);
      }
      if (weight == 0) {
        break; // every non-empty cluster holds one point: nothing to split
      }
      long r = rng.nextLong(weight);
      int cj = 0;
      for (; cj < k; cj++) {
        long w = Math.max(0, counts[cj] - 1);
        if (r < w) {
          break;
        }
        r -= w;
      }
      System.arraycopy(cd, cj * d, cd, ci * d, d);
      for (int t = 0; t < d; t++) {
        if (t % 2 == 0) {
          cd[ci * d + t] *= 1 + SPLIT_EPS;
          cd[cj * d + t] *= 1 - SPLIT_EPS;
        } else {
          cd[ci * d + t] *= 1 - SPLIT_EPS;
          cd[cj * d + t] *= 1 + SPLIT_EPS;
        }
      }
      counts[ci] = counts[cj] / 2;
      counts[cj] -= counts[ci];
      splits++;
    }
    return splits;
  }
}
