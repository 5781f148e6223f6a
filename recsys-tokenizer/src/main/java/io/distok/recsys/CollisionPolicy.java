package io.distok.recsys;

import io.distok.quant.CodeTuple;
import io.distok.quant.Codes;
import io.distok.quant.TupleGroups;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What to do when items share their full code tuple. Policies are deterministic: they order items by a
 * stable key (the item id), never by input position.
 */
public interface CollisionPolicy {

  /** The built-in policies. */
  enum Kind {
    /** An extra token 0..n-1 per group sharing a tuple, ordered by item id (TIGER, GRID). */
    SUFFIX,
    /** Colliding items move to the nearest free code of the last level. */
    REASSIGN,
    /** Keep collisions; report them only. */
    NONE;

    /** The lower-case spelling used on command lines and in reports. */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Number of positions the policy appends to the raw tuple (1 for the suffix policy). */
  int extraLevels();

  /**
   * Final IDs of a freshly fitted catalogue. O(n m + n log n) time, O(n m) memory beyond the result.
   *
   * @param ids item ids
   * @param raw raw code tuple of each item (row i for item i)
   * @param lastLevelRanking for item {@code i}, the last-level codes ordered from nearest to farthest
   * @return the final ID of each item, row i for item i
   */
  Codes resolve(List<String> ids, Codes raw, IntFunction<int[]> lastLevelRanking);

  /**
   * The final ID of a new item given the IDs already taken (which never change).
   *
   * @param taken whether a final ID is in use
   * @param ranking the new item's last-level codes ordered from nearest to farthest, computed only when asked
   */
  int[] resolveNew(String id, int[] raw, Predicate<int[]> taken, Supplier<int[]> ranking);

  /** The policy of the given kind. */
  static CollisionPolicy of(Kind kind, int suffixSize) {
    return switch (kind) {
      case SUFFIX -> new Suffix(suffixSize);
      case REASSIGN -> new Reassign();
      case NONE -> new None();
    };
  }

  /**
   * Item indices grouped by raw tuple: the items sorted by tuple, each group (a run of equal tuples) by item id.
   * O(n log n) comparisons, no per-item objects.
   */
  static int[] groupedOrder(List<String> ids, Codes raw) {
    int m = raw.codesPerRow();
    int[] order = TupleGroups.order(raw, m);
    for (int i = 0; i < order.length; ) {
      int run = i + 1;
      while (run < order.length && TupleGroups.compare(raw, order[i], order[run], m) == 0) {
        run++;
      }
      if (run - i > 1) {
        Integer[] group = new Integer[run - i];
        for (int g = 0; g < group.length; g++) {
          group[g] = order[i + g];
        }
        Arrays.sort(group, (a, b) -> ids.get(a).compareTo(ids.get(b)));
        for (int g = 0; g < group.length; g++) {
          order[i + g] = group[g];
        }
      }
      i = run;
    }
    return order;
  }

  /**
   * Suffix level: every ID gets one more token, the item's rank by id within its group. A new item takes the
   * lowest free suffix of its tuple, or when all are taken the lowest free suffix under the nearest last-level
   * code of the same prefix that has one.
   */
  final class Suffix implements CollisionPolicy {
    private final int size;

    Suffix(int size) {
      this.size = size;
    }

    @Override
    public int extraLevels() {
      return 1;
    }

    @Override
    public Codes resolve(List<String> ids, Codes raw, IntFunction<int[]> ranking) {
      int n = raw.rows();
      int m = raw.codesPerRow();
      Codes out = new Codes(n, m + 1);
      int[] order = groupedOrder(ids, raw);
      int largest = 0;
      int largestAt = 0;
      int over = 0;
      for (int i = 0; i < n; ) {
        int run = i + 1;
        while (run < n && TupleGroups.compare(raw, order[i], order[run], m) == 0) {
          run++;
        }
        if (run - i > largest) {
          largest = run - i;
          largestAt = order[i];
        }
        over += run - i > size ? 1 : 0;
        for (int r = i; r < run; r++) {
          int item = order[r];
          for (int j = 0; j < m; j++) {
            out.set(item, j, raw.get(item, j));
          }
          out.set(item, m, r - i);
        }
        i = run;
      }
      if (largest > size) {
        throw new InvalidInputException(largest + " items share the code tuple " + new CodeTuple(raw.row(largestAt))
            + (over > 1 ? " (the largest of " + over + " tuples shared by more than " + size + " items)" : "")
            + " but the suffix level has only " + size + " values; raise the suffix size, add a level or enable "
            + "balanced assignment");
      }
      return out;
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Predicate<int[]> taken, Supplier<int[]> ranking) {
      int m = raw.length;
      int[] c = Arrays.copyOf(raw, m + 1);
      if (takeFreeSuffix(c, taken)) {
        return c;
      }
      // every suffix of the tuple is taken: the nearest last-level code under the same prefix with a free suffix
      for (int code : ranking.get()) {
        if (code == raw[m - 1]) {
          continue;
        }
        c[m - 1] = code;
        if (takeFreeSuffix(c, taken)) {
          return c;
        }
      }
      throw new InvalidInputException("item '" + id + "': all " + size + " suffixes of every last-level code under "
          + "prefix " + new CodeTuple(raw).prefix(m - 1) + " are taken");
    }

    /**
     * Sets the last position of {@code c} to the lowest free suffix and says whether there was one. Suffixes are
     * handed out from 0 upwards, so the taken ones are 0..u-1: a tuple whose last suffix is taken is full, and the
     * lowest free one is found by bisection, O(log S) look-ups. (Were the suffixes not contiguous, as in a hand-
     * edited model, the bisection still ends on a free suffix.)
     */
    private boolean takeFreeSuffix(int[] c, Predicate<int[]> taken) {
      int last = c.length - 1;
      c[last] = size - 1;
      if (taken.test(c)) {
        return false;
      }
      int lo = 0;
      int hi = size - 1; // free
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        c[last] = mid;
        if (taken.test(c)) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      c[last] = hi;
      return true;
    }

  }

  /** Reassignment: within each collision group the first item by id keeps its tuple, the others move. */
  final class Reassign implements CollisionPolicy {
    @Override
    public int extraLevels() {
      return 0;
    }

    @Override
    public Codes resolve(List<String> ids, Codes raw, IntFunction<int[]> ranking) {
      int n = raw.rows();
      int m = raw.codesPerRow();
      Codes out = new Codes(n, m);
      Set<CodeTuple> taken = new HashSet<>();
      int[] order = groupedOrder(ids, raw);
      List<Integer> movers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int item = order[i];
        if (i > 0 && TupleGroups.compare(raw, order[i - 1], item, m) == 0) {
          movers.add(item);
          continue;
        }
        for (int j = 0; j < m; j++) {
          out.set(item, j, raw.get(item, j));
        }
        taken.add(new CodeTuple(raw.row(item)));
      }
      movers.sort((a, b) -> ids.get(a).compareTo(ids.get(b)));
      for (int item : movers) {
        int[] moved = nearestFree(ids.get(item), raw.row(item), c -> taken.contains(new CodeTuple(c)),
            ranking.apply(item));
        for (int j = 0; j < m; j++) {
          out.set(item, j, moved[j]);
        }
        taken.add(new CodeTuple(moved));
      }
      return out;
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Predicate<int[]> taken, Supplier<int[]> ranking) {
      return taken.test(raw) ? nearestFree(id, raw, taken, ranking.get()) : raw.clone();
    }

    private static int[] nearestFree(String id, int[] raw, Predicate<int[]> taken, int[] ranking) {
      int last = raw.length - 1;
      int[] c = raw.clone();
      for (int code : ranking) {
        c[last] = code;
        if (!taken.test(c)) {
          return c;
        }
      }
      throw new InvalidInputException("item '" + id + "': every last-level code under prefix "
          + new CodeTuple(raw).prefix(last) + " is taken; use the suffix policy");
    }
  }

  /** No resolution. */
  final class None implements CollisionPolicy {
    @Override
    public int extraLevels() {
      return 0;
    }

    @Override
    public Codes resolve(List<String> ids, Codes raw, IntFunction<int[]> ranking) {
      return raw.rows(0, raw.rows());
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Predicate<int[]> taken, Supplier<int[]> ranking) {
      return raw.clone();
    }
  }
}
