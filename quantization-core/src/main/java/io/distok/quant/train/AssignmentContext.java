package io.distok.quant.train;

/**
 * Where an assignment happens: the level among the levels of a multi-level quantizer (0 of 1 for VQ), and the
 * prefix group of every training row (rows sharing their codes of the levels before; all 0 at the first level).
 *
 * @param level index of the level being assigned
 * @param levels number of levels
 * @param prefixGroup group of every row, values in {@code [0, prefixGroups)}; not copied
 * @param prefixGroups number of groups
 * @param laterCodes the number of code tuples the levels after this one can still tell apart (the product of
 *     their K, saturating at {@code Long.MAX_VALUE}; 1 at the last level)
 */
public record AssignmentContext(int level, int levels, int[] prefixGroup, int prefixGroups, long laterCodes) {

  public AssignmentContext {
    if (level < 0 || level >= levels) {
      throw new IllegalArgumentException("level " + level + " outside [0, " + levels + ")");
    }
    if (prefixGroups < 1) {
      throw new IllegalArgumentException("prefix groups must be >= 1, got " + prefixGroups);
    }
    if (laterCodes < 1) {
      throw new IllegalArgumentException("later codes must be >= 1, got " + laterCodes);
    }
  }

  /** A context whose later levels are not known to this caller: {@code laterCodes} is 1 at the last level. */
  public AssignmentContext(int level, int levels, int[] prefixGroup, int prefixGroups) {
    this(level, levels, prefixGroup, prefixGroups, 1);
  }

  /** One level, every one of {@code n} rows in one group. */
  public static AssignmentContext single(int n) {
    return new AssignmentContext(0, 1, new int[n], 1);
  }

  /** Whether this is the last level. */
  public boolean lastLevel() {
    return level == levels - 1;
  }
}
