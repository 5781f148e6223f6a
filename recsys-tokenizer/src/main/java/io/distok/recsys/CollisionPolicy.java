package io.distok.recsys;

import io.distok.quant.CodeTuple;
import io.distok.util.InvalidInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
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
   * Final IDs of a freshly fitted catalogue.
   *
   * @param ids item ids
   * @param raw raw code tuple of each item
   * @param lastLevelRanking for item {@code i}, the last-level codes ordered from nearest to farthest
   */
  List<int[]> resolve(List<String> ids, List<int[]> raw, IntFunction<int[]> lastLevelRanking);

  /**
   * The final ID of a new item given the IDs already taken (which never change).
   *
   * @param taken final IDs in use
   * @param ranking the new item's last-level codes ordered from nearest to farthest, computed only when asked
   */
  int[] resolveNew(String id, int[] raw, Set<CodeTuple> taken, Supplier<int[]> ranking);

  /** The policy of the given kind. */
  static CollisionPolicy of(Kind kind, int suffixSize) {
    return switch (kind) {
      case SUFFIX -> new Suffix(suffixSize);
      case REASSIGN -> new Reassign();
      case NONE -> new None();
    };
  }

  /** Groups item indices by raw tuple, each group sorted by item id; groups in first-seen order. */
  static Map<CodeTuple, List<Integer>> groups(List<String> ids, List<int[]> raw) {
    Map<CodeTuple, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      groups.computeIfAbsent(new CodeTuple(raw.get(i)), t -> new ArrayList<>()).add(i);
    }
    for (List<Integer> g : groups.values()) {
      g.sort((a, b) -> ids.get(a).compareTo(ids.get(b)));
    }
    return groups;
  }

  /** Suffix level: every ID gets one more token, the item's rank by id within its group. */
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
    public List<int[]> resolve(List<String> ids, List<int[]> raw, IntFunction<int[]> ranking) {
      int[][] out = new int[raw.size()][];
      for (Map.Entry<CodeTuple, List<Integer>> e : groups(ids, raw).entrySet()) {
        List<Integer> g = e.getValue();
        if (g.size() > size) {
          throw new InvalidInputException(g.size() + " items share the code tuple " + e.getKey()
              + " but the suffix level has only " + size + " values; raise the suffix size, add a level or enable "
              + "balanced assignment");
        }
        for (int r = 0; r < g.size(); r++) {
          out[g.get(r)] = e.getKey().append(r).codes();
        }
      }
      return List.of(out);
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Set<CodeTuple> taken, Supplier<int[]> ranking) {
      CodeTuple t = new CodeTuple(raw);
      for (int s = 0; s < size; s++) {
        CodeTuple c = t.append(s);
        if (!taken.contains(c)) {
          return c.codes();
        }
      }
      throw new InvalidInputException("item '" + id + "': all " + size + " suffixes of " + t + " are taken");
    }
  }

  /** Reassignment: within each collision group the first item by id keeps its tuple, the others move. */
  final class Reassign implements CollisionPolicy {
    @Override
    public int extraLevels() {
      return 0;
    }

    @Override
    public List<int[]> resolve(List<String> ids, List<int[]> raw, IntFunction<int[]> ranking) {
      int[][] out = new int[raw.size()][];
      Set<CodeTuple> taken = new HashSet<>();
      Map<CodeTuple, List<Integer>> groups = groups(ids, raw);
      List<Integer> movers = new ArrayList<>();
      for (Map.Entry<CodeTuple, List<Integer>> e : groups.entrySet()) {
        out[e.getValue().get(0)] = e.getKey().codes();
        taken.add(e.getKey());
        movers.addAll(e.getValue().subList(1, e.getValue().size()));
      }
      movers.sort((a, b) -> ids.get(a).compareTo(ids.get(b)));
      for (int i : movers) {
        out[i] = nearestFree(ids.get(i), raw.get(i), taken, ranking.apply(i));
        taken.add(new CodeTuple(out[i]));
      }
      return List.of(out);
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Set<CodeTuple> taken, Supplier<int[]> ranking) {
      CodeTuple t = new CodeTuple(raw);
      return taken.contains(t) ? nearestFree(id, raw, taken, ranking.get()) : raw.clone();
    }

    private static int[] nearestFree(String id, int[] raw, Set<CodeTuple> taken, int[] ranking) {
      int last = raw.length - 1;
      int[] c = raw.clone();
      for (int code : ranking) {
        c[last] = code;
        if (!taken.contains(new CodeTuple(c))) {
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
    public List<int[]> resolve(List<String> ids, List<int[]> raw, IntFunction<int[]> ranking) {
      List<int[]> out = new ArrayList<>();
      for (int[] r : raw) {
        out.add(r.clone());
      }
      return out;
    }

    @Override
    public int[] resolveNew(String id, int[] raw, Set<CodeTuple> taken, Supplier<int[]> ranking) {
      return raw.clone();
    }
  }
}
