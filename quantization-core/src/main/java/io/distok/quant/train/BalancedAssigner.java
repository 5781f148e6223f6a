package io.distok.quant.train;

import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.TopK;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import java.util.Arrays;
import java.util.Locale;

/**
 * Size-constrained assignment within groups: each code may take at most {@code ceil(g (1 + slack) / K)} of a
 * group's g rows. With one group holding every row this is globally balanced k-means assignment (no code dies
 * and none swallows a dense region); with prefix groups (rows sharing their codes of the previous levels)
 * smaller than K it gives the rows of a group distinct codes, which keeps full code tuples from colliding.
 * {@link Scope} says which groups a level balances over.
 *
 * <p>The assignment is greedy by distance: all (row, candidate code) pairs among each row's {@code T = 32}
 * nearest codes are taken in ascending distance (ties by row then code), a row takes its pair's code when the
 * code has room; rows left over then take their nearest code with room. The pairs are visited by merging the
 * rows' candidate lists through a heap, so only a few candidates per row are held at once. Cost per level
 * O(n K d) for distances plus O(p log n) for the p pairs visited (at most n T, usually little more than n);
 * memory O(n) for a few candidates per row. Groups run in parallel, and so does the candidate search within a
 * large group; the result does not depend on the thread count.
 *
 * @param slack 0 is strict balance, larger values let dense regions keep more of their rows
 * @param scope over which groups each level balances
 */
public record BalancedAssigner(double slack, Scope scope) implements Assigner {
  private static final int CANDIDATES = 32;
  /** Candidates per row held from the start; most rows take one of their first few. */
  private static final int CACHED = 4;
  /** Rows per parallel chunk of candidate search within one group. */
  private static final int CANDIDATE_CHUNK = 256;

  /** Which rows share a capacity. */
  public enum Scope {
    /** All rows of the level together. */
    GLOBAL,
    /** Each prefix group apart. */
    WITHIN_PREFIX,
    /**
     * All rows together at the upper levels, so that rows of one prefix may still share the next code (prefix
     * sharing is what makes semantic IDs hierarchical), and each prefix group apart at the last level, which
     * gives the rows of a group distinct last codes.
     */
    LAST_LEVEL_WITHIN_PREFIX,
    /**
     * Within prefix groups at every level, each code of an upper level taking up to what the levels after it can
     * still tell apart, {@code laterCodes / (1 + slack)} rows, or the fair share when that is more: a dense
     * region of a large catalogue is split just enough for the last level to give its rows distinct tuples,
     * while groups that fit keep their nearest codes (and so their neighbourhoods). The last level balances
     * within its groups as {@link #LAST_LEVEL_WITHIN_PREFIX} does.
     */
    ADAPTIVE
  }

  public BalancedAssigner {
    if (!(slack >= 0) || Double.isInfinite(slack)) {
      throw new IllegalArgumentException("balance slack must be a finite number >= 0, got " + slack);
    }
    if (scope == null) {
      throw new IllegalArgumentException("a balance scope is required");
    }
  }

  @Override
  public int[] assign(FloatMatrix x, FloatMatrix codebook, AssignmentContext context) {
    boolean within = switch (scope) {
      case GLOBAL -> false;
      case WITHIN_PREFIX, ADAPTIVE -> true;
      case LAST_LEVEL_WITHIN_PREFIX -> context.lastLevel();
    };
    int floor = 1;
    if (scope == Scope.ADAPTIVE && !context.lastLevel()) {
      floor = (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(context.laterCodes() / (1 + slack)));
    }
    return within ? assign(x, codebook, context.prefixGroup(), context.prefixGroups(), slack, floor)
        : assign(x, codebook, new int[x.rows()], 1, slack, 1);
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "balanced(slack=%s, scope=%s)", slack, scope.name().toLowerCase(Locale.ROOT));
  }

  /**
   * Assigns every row of {@code x} to a row of {@code centroids} with capacity {@code ceil(g (1 + slack) / K)}
   * per code within each group.
   *
   * @param group group of every row (values in {@code [0, groups)})
   * @return the code of every row
   */
  public static int[] assign(FloatMatrix x, FloatMatrix centroids, int[] group, int groups, double slack) {
    return assign(x, centroids, group, groups, slack, 1);
  }

  /**
   * As {@link #assign(FloatMatrix, FloatMatrix, int[], int, double)}, with each code's capacity at least {@code
   * minCapacity}.
   */
  public static int[] assign(FloatMatrix x, FloatMatrix centroids, int[] group, int groups, double slack,
      int minCapacity) {
    int n = x.rows();
    int k = centroids.rows();
    int[] count = new int[groups + 1];
    for (int g : group) {
      count[g + 1]++;
    }
    for (int g = 0; g < groups; g++) {
      count[g + 1] += count[g];
    }
    int[] members = new int[n];
    int[] fill = Arrays.copyOf(count, groups);
    for (int i = 0; i < n; i++) {
      members[fill[group[i]]++] = i;
    }
    PackedRows packed = new PackedRows(centroids);
    DistanceKernel kernel = DistanceKernels.get();
    int[] codes = new int[n];
    Parallel.forEachChunk(groups, 1, (c, from, to) -> {
      for (int g = from; g < to; g++) {
        assignGroup(x, packed, kernel, members, count[g], count[g + 1], k, slack, minCapacity, codes);
      }
    });
    return codes;
  }

  private static void assignGroup(FloatMatrix x, PackedRows c, DistanceKernel kernel, int[] members, int from,
      int to, int k, double slack, int minCapacity, int[] codes) {
    int g = to - from;
    if (g == 0) {
      return;
    }
    int cap = Math.max(minCapacity, Math.max(1, (int) Math.ceil(g * (1 + slack) / k)));
    int t = Math.min(CANDIDATES, k);
    if ((long) g * t > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("a balance group of " + g + " rows is too large (at most "
          + (0xFFFFFFFFL / t) + ")");
    }
    new GroupMerge(x, c, kernel, members, from, g, k, t, cap, codes).run();
  }

  /**
   * The greedy pass over one group as a k-way merge: every row's candidates are in ascending distance, so taking
   * each row's next untried candidate from a heap visits the (row, candidate) pairs in exactly the global order
   * of a sort over all of them, while only {@link #CACHED} candidates per row are held and a row's later ones are
   * computed when it first needs them. Memory O(g CACHED) instead of O(g T).
   */
  private static final class GroupMerge {
    final FloatMatrix x;
    final PackedRows c;
    final DistanceKernel kernel;
    final int[] members;
    final int from;
    final int g;
    final int k;
    final int t;
    final int t0;
    final int cap;
    final int[] codes;
    /** The first t0 candidates of every row: codes and sort keys. */
    final int[] cachedCode;
    final long[] cachedKey;
    /** All t candidates of the rows that got past their cached ones; null for the others. */
    final int[][] laterCode;
    final long[][] laterKey;

    GroupMerge(FloatMatrix x, PackedRows c, DistanceKernel kernel, int[] members, int from, int g, int k, int t,
        int cap, int[] codes) {
      this.x = x;
      this.c = c;
      this.kernel = kernel;
      this.members = members;
      this.from = from;
      this.g = g;
      this.k = k;
      this.t = t;
      this.t0 = Math.min(CACHED, t);
      this.cap = cap;
      this.codes = codes;
      this.cachedCode = new int[g * t0];
      this.cachedKey = new long[g * t0];
      this.laterCode = new int[g][];
      this.laterKey = new long[g][];
    }

    /** The sort key of candidate {@code rank} of member {@code m}: distance bits, then (member, rank). */
    long key(float distance, int m, int rank) {
      // non-negative float bits order like the floats; the low half keeps ties in (member, rank) order
      return ((long) Float.floatToIntBits(distance) << 32) | (((long) m * t + rank) & 0xFFFFFFFFL);
    }

    void run() {
      // the candidates of a large group are computed in parallel row chunks (disjoint slots, so the same bits)
      Parallel.forEachChunk(g, CANDIDATE_CHUNK, (ch, mFrom, mTo) -> {
        float[] dots = new float[k];
        float[] dist = new float[k];
        for (int m = mFrom; m < mTo; m++) {
          kernel.squaredDistances(x.data(), x.offset(members[from + m]), c, dots, dist);
          int[] top = TopK.smallest(dist, k, t0);
          for (int r = 0; r < t0; r++) {
            cachedCode[m * t0 + r] = top[r];
            cachedKey[m * t0 + r] = key(dist[top[r]], m, r);
          }
        }
      });
      // when no code is the nearest of more rows than it may take, the greedy pass gives every row its nearest
      // code (a row is first turned away only by a code already full of rows for which it was the nearest), so
      // the pass is skipped: the usual case at the upper levels of a sparse catalogue
      int[] nearestLoad = new int[k];
      boolean fits = true;
      for (int m = 0; m < g && fits; m++) {
        fits = ++nearestLoad[cachedCode[m * t0]] <= cap;
      }
      if (fits) {
        for (int m = 0; m < g; m++) {
          codes[members[from + m]] = cachedCode[m * t0];
        }
        return;
      }
      long[] heap = new long[g];
      for (int m = 0; m < g; m++) {
        heap[m] = cachedKey[m * t0];
      }
      int size = g;
      for (int i = size / 2 - 1; i >= 0; i--) {
        siftDown(heap, size, i);
      }
      int[] load = new int[k];
      boolean[] done = new boolean[g];
      float[] dots = new float[k];
      float[] dist = new float[k];
      while (size > 0) {
        long top = heap[0];
        long p = top & 0xFFFFFFFFL;
        int m = (int) (p / t);
        int r = (int) (p % t);
        int code = r < t0 ? cachedCode[m * t0 + r] : laterCode[m][r];
        if (load[code] < cap) {
          load[code]++;
          done[m] = true;
          codes[members[from + m]] = code;
          heap[0] = heap[--size];
        } else if (r + 1 < t) {
          heap[0] = r + 1 < t0 ? cachedKey[m * t0 + r + 1] : laterKey(m, dots, dist)[r + 1];
        } else {
          heap[0] = heap[--size];
        }
        siftDown(heap, size, 0);
      }
      // rows whose candidates were all full take their nearest code with room, in member order
      for (int m = 0; m < g; m++) {
        if (done[m]) {
          continue;
        }
        int i = members[from + m];
        kernel.squaredDistances(x.data(), x.offset(i), c, dots, dist);
        int best = -1;
        for (int j = 0; j < k; j++) {
          if (load[j] < cap && (best < 0 || dist[j] < dist[best])) {
            best = j;
          }
        }
        load[best]++;
        codes[i] = best;
      }
    }

    /** The keys of all t candidates of member m, computed (with their codes) the first time they are needed. */
    long[] laterKey(int m, float[] dots, float[] dist) {
      if (laterKey[m] == null) {
        kernel.squaredDistances(x.data(), x.offset(members[from + m]), c, dots, dist);
        int[] top = TopK.smallest(dist, k, t);
        long[] keys = new long[t];
        for (int r = 0; r < t; r++) {
          keys[r] = key(dist[top[r]], m, r);
        }
        laterCode[m] = top;
        laterKey[m] = keys;
      }
      return laterKey[m];
    }

    private static void siftDown(long[] heap, int size, int i) {
      long v = heap[i];
      while (true) {
        int child = 2 * i + 1;
        if (child >= size) {
          break;
        }
        if (child + 1 < size && heap[child + 1] < heap[child]) {
          child++;
        }
        if (heap[child] >= v) {
          break;
        }
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = v;
    }
  }
}
