package io.distok.quant;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

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
    return codes.rows() == 0 ? 0 : sharedRows(codes, prefix) / (double) codes.rows();
  }

  /** The number of rows whose first {@code prefix} codes are also another row's. */
  public static long sharedRows(Codes codes, int prefix) {
    long shared = 0;
    for (int s : sizes(codes, prefix)) {
      if (s > 1) {
        shared += s;
      }
    }
    return shared;
  }

  /**
   * The bits each position needs to hold its codes, {@code 0 .. sizes[j] - 1}, or null when all positions together
   * need more than the 64 bits of one key.
   */
  public static int[] packingBits(long[] sizes) {
    int[] bits = new int[sizes.length];
    int total = 0;
    for (int j = 0; j < sizes.length; j++) {
      if (sizes[j] < 1) {
        throw new IllegalArgumentException("position " + j + " has size " + sizes[j]);
      }
      bits[j] = 64 - Long.numberOfLeadingZeros(sizes[j] - 1);
      total += bits[j];
    }
    return total <= 64 ? bits : null;
  }

  /**
   * Each row's codes packed into one long, first position highest, with {@code bits[j]} bits for position j (see
   * {@link #packingBits}), sorted so that rows sharing any prefix are adjacent. Reads the codes through {@code code}
   * (row, position) so that callers need not materialise a {@link Codes}: O(n m + n log n) time, 8 bytes per row
   * (twice that while a large array sorts).
   */
  public static long[] sortedPackedRows(int rows, int[] bits, IntBinaryOperator code) {
    long[] keys = new long[rows];
    for (int i = 0; i < rows; i++) {
      long k = 0;
      for (int j = 0; j < bits.length; j++) {
        // a 64-bit shift is no shift in Java: a position of one code (0 bits) adds nothing
        k = bits[j] == 0 ? k : (k << bits[j]) | code.applyAsInt(i, j);
      }
      keys[i] = k;
    }
    // signed order keeps every prefix group together: keys of one prefix share their top bit
    sortKeys(keys);
    return keys;
  }

  /**
   * For keys from {@link #sortedPackedRows}, the number of rows whose first d codes another row shares, for d = 1
   * .. {@code bits.length} (element d - 1). O(n m).
   */
  public static long[] sharedRowsByDepth(long[] sortedKeys, int[] bits) {
    long[] shared = new long[bits.length];
    int below = Arrays.stream(bits).sum();
    for (int d = 1; d <= bits.length; d++) {
      below -= bits[d - 1];
      int shift = below;
      long count = 0;
      for (int i = 0; i < sortedKeys.length; ) {
        long prefix = high(sortedKeys[i], shift);
        int run = i + 1;
        while (run < sortedKeys.length && high(sortedKeys[run], shift) == prefix) {
          run++;
        }
        if (run - i > 1) {
          count += run - i;
        }
        i = run;
      }
      shared[d - 1] = count;
    }
    return shared;
  }

  /** The bits of {@code key} above the lowest {@code shift} (none when {@code shift} is 64: Java shifts mod 64). */
  private static long high(long key, int shift) {
    return shift >= 64 ? 0 : key >>> shift;
  }
}
