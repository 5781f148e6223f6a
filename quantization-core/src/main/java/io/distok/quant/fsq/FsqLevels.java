package io.distok.quant.fsq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FSQ level lists. The paper's recommended tables (Mentzer et al. 2023, table 1) for codebooks of about 2^8, 2^10,
 * 2^12, 2^14 and 2^16 codes, and {@link #forBits} which builds a code of any number of bits from them: one code
 * position per 16 bits ({@code [8,8,8,5,5,5]}, 64,000 codes each), the rest from the largest table that fits and
 * two-level dimensions for what remains.
 */
public final class FsqLevels {
  private static final Map<Integer, int[]> RECOMMENDED = new TreeMap<>(Map.of(
      8, new int[] {8, 6, 5},
      10, new int[] {8, 5, 5, 5},
      12, new int[] {7, 5, 5, 5, 5},
      14, new int[] {8, 8, 8, 6, 5},
      16, new int[] {8, 8, 8, 5, 5, 5}));

  private FsqLevels() {}

  /** The paper's levels for a codebook of about 2^bits codes, bits in {8, 10, 12, 14, 16}; null otherwise. */
  public static int[] recommended(int bits) {
    int[] l = RECOMMENDED.get(bits);
    return l == null ? null : l.clone();
  }

  /** Levels and code positions that spend at most {@code bits} bits per vector. */
  public record Plan(int[] levels, int[] groupStarts) {
    /** Dimensions the plan quantizes. */
    public int dims() {
      return levels.length;
    }
  }

  /**
   * A plan of at most {@code bits} bits: {@code bits / 16} positions of the 2^16 table, then for the remaining r
   * bits one position from the largest table whose codes take at most r bits, plus two-level dimensions for the
   * bits left over.
   *
   * @throws IllegalArgumentException if {@code bits < 1}
   */
  public static Plan forBits(int bits) {
    if (bits < 1) {
      throw new IllegalArgumentException("bits must be >= 1, got " + bits);
    }
    List<Integer> levels = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    int left = bits;
    while (left >= 16) {
      starts.add(levels.size());
      for (int l : RECOMMENDED.get(16)) {
        levels.add(l);
      }
      left -= 16;
    }
    if (left > 0) {
      starts.add(levels.size());
      int table = 0;
      int spent = 0;
      for (int b : RECOMMENDED.keySet()) {
        int actual = bitsOf(RECOMMENDED.get(b));
        if (actual <= left) {
          table = b;
          spent = actual;
        }
      }
      if (table > 0) {
        for (int l : RECOMMENDED.get(table)) {
          levels.add(l);
        }
      }
      for (int b = spent; b < left; b++) {
        levels.add(2);
      }
    }
    return new Plan(levels.stream().mapToInt(Integer::intValue).toArray(),
        starts.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Bits of one position holding {@code levels}: ceil(log2 prod L) (the 2^12 table's 4,375 codes take 13). */
  static int bitsOf(int[] levels) {
    long size = 1;
    for (int l : levels) {
      size *= l;
    }
    return io.distok.quant.CodeLayout.bitsFor(size);
  }

  /**
   * Code positions for a given level list: {@code groups} consecutive runs of near-equal length, or, for {@code
   * groups == 0}, as few runs as keep every position's codebook within 2^62 codes.
   *
   * @throws IllegalArgumentException if there are more groups than dimensions or a group would exceed 2^62 codes
   */
  public static int[] groupStarts(int[] levels, int groups) {
    if (groups < 0 || groups > levels.length) {
      throw new IllegalArgumentException("--groups must be in [1, " + levels.length + "] for " + levels.length
          + " levels, got " + groups);
    }
    List<Integer> starts = new ArrayList<>();
    if (groups == 0) {
      long size = 1;
      starts.add(0);
      for (int t = 0; t < levels.length; t++) {
        if (size > FiniteScalarQuantizer.MAX_GROUP_SIZE / levels[t]) {
          starts.add(t);
          size = 1;
        }
        size *= levels[t];
      }
    } else {
      for (int g = 0; g < groups; g++) {
        starts.add((int) ((long) g * levels.length / groups));
      }
    }
    int[] out = starts.stream().mapToInt(Integer::intValue).toArray();
    for (int g = 0; g < out.length; g++) {
      int end = g + 1 < out.length ? out[g + 1] : levels.length;
      long size = 1;
      for (int t = out[g]; t < end; t++) {
        if (size > FiniteScalarQuantizer.MAX_GROUP_SIZE / levels[t]) {
          throw new IllegalArgumentException("levels " + Arrays.toString(Arrays.copyOfRange(levels, out[g], end))
              + " make more than 2^62 codes in one position; use more --groups");
        }
        size *= levels[t];
      }
    }
    return out;
  }
}
