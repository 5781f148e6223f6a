package io.distok.quant;

import java.util.Arrays;

/**
 * Rows of a {@link Codes} grouped by their first p codes, without per-row or per-tuple objects: the row indices
 * sorted by (prefix, row). When the prefix's codes and the row index fit together in 63 bits the sort runs on
 * packed primitive keys (1M rows of 3 codes below 256: one sort of 1M longs, parallel and deterministic);
 * otherwise on the row indices with a comparator. O(n p + n log n) time, O(n) memory.
 */
public final class TupleGroups {
  private TupleGroups() {}

  /**
   * The rows ordered by their first {@code prefix} codes, ties (and equal prefixes) by row index; rows with the
   * same prefix are adjacent.
   */
  public static int[] order(Codes codes, int prefix) {
    int n = codes.rows();
    if (prefix < 0 || prefix > codes.codesPerRow()) {
      throw new IllegalArgumentException("prefix " + prefix + " of rows of " + codes.codesPerRow() + " codes");
    }
    int rowBits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    int[] bits = prefixBits(codes, prefix);
    boolean packable = bits != null;
    int total = rowBits + (packable ? Arrays.stream(bits).sum() : 0);
    int[] out = new int[n];
    if (packable && total <= 63) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = (packedPrefix(codes, i, bits) << rowBits) | i;
      }
      sortKeys(keys);
      long rowMask = (1L << rowBits) - 1;
      for (int i = 0; i < n; i++) {
        out[i] = (int) (keys[i] & rowMask);
      }
      return out;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = compare(codes, a, b, prefix);
      return c != 0 ? c : Integer.compare(a, b);
    });
    for (int i = 0; i < n; i++) {
      out[i] = order[i];
    }
    return out;
  }

  /**
   * The bits each of the first {@code prefix} positions needs (those of its largest code), or null when the codes
   * are wide or negative and do not pack. O(n prefix).
   */
  private static int[] prefixBits(Codes codes, int prefix) {
    if (codes.isWide()) {
      return null;
    }
    int[] bits = new int[prefix];
    for (int j = 0; j < prefix; j++) {
      int max = 0;
      for (int i = 0; i < codes.rows(); i++) {
        int c = codes.get(i, j);
        if (c < 0) {
          return null;
        }
        max = Math.max(max, c);
      }
      bits[j] = 32 - Integer.numberOfLeadingZeros(max);
    }
    return bits;
  }

  /** Row {@code i}'s first {@code bits.length} codes packed into one long, first code highest. */
  private static long packedPrefix(Codes codes, int i, int[] bits) {
    long k = 0;
    for (int j = 0; j < bits.length; j++) {
      k = (k << bits[j]) | codes.get(i, j);
    }
    return k;
  }

  /** Sorts packed keys, in parallel for large arrays (the order of longs does not depend on how). */
  private static void sortKeys(long[] keys) {
    if (keys.length >= 1 << 16) {
      Arrays.parallelSort(keys);
    } else {
      Arrays.sort(keys);
    }
  }

  /** Compares the first {@code prefix} codes of rows a and b. */
  public static int compare(Codes codes, int a, int b, int prefix) {
    for (int j = 0; j < prefix; j++) {
      int c = Long.compare(codes.getLong(a, j), codes.getLong(b, j));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The sizes of the groups of rows sharing their first {@code prefix} codes, in prefix order. */
  public static int[] sizes(Codes codes, int prefix) {
    int[] packed = packedSizes(codes, prefix);
    if (packed != null) {
      return packed;
    }
    int[] order = order(codes, prefix);
    int n = order.length;
    int[] sizes = new int[n];
    int groups = 0;
    for (int i = 0; i < n; ) {
      int run = i + 1;
      while (run < n && compare(codes, order[i], order[run], prefix) == 0) {
        run++;
      }
      sizes[groups++] = run - i;
      i = run;
    }
    return Arrays.copyOf(sizes, groups);
  }

  /**
   * {@link #sizes} by sorting the prefixes packed into longs, without row numbers (8 bytes per row, no boxing), or
   * null when the codes are wide, negative or need more than 63 bits together.
   */
  private static int[] packedSizes(Codes codes, int prefix) {
    int n = codes.rows();
    int[] bits = prefix < 0 || prefix > codes.codesPerRow() ? null : prefixBits(codes, prefix);
    if (bits == null || Arrays.stream(bits).sum() > 63) {
      return null;
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = packedPrefix(codes, i, bits);
    }
    sortKeys(keys);
    int[] sizes = new int[n];
    int groups = 0;
    for (int i = 0; i < n; ) {
      int run = i + 1;
      while (run < n && keys[run] == keys[i]) {
        run++;
      }
      sizes[groups++] = run - i;
      i = run;
    }
    return Arrays.copyOf(sizes, groups);
  }

  /** The share of rows whose first {@code prefix} codes are also another row's: 0 when every prefix is unique. */
  public static double sharedRate(Codes codes, int prefix) {
    long shared = 0;
    for (int s : sizes(codes, prefix)) {
      if (s > 1) {
        shared += s;
      }
    }
    return codes.rows() == 0 ? 0 : shared / (double) codes.rows();
  }
}
