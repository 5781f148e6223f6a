package io.distok.quant;

import io.distok.util.InvalidInputException;

import java.util.Arrays;

/**
 * How one code position is used by a set of codes.
 *
 * @param codebook position j of the codebook
 * @param size K, the number of codes the position can take (may exceed the int range for implicit codebooks)
 * @param used codes used at least once
 * @param utilization {@code used / K}
 * @param perplexity exp of the entropy (nats) of the code distribution: K for perfectly uniform use, 1 for
 *     collapse onto a single code
 * @param deadCodes codes never used ({@code K - used})
 */
public record CodebookUsage(int codebook, long size, long used, double utilization, double perplexity,
    long deadCodes) {

  /**
   * Computes the usage of position {@code j} of {@code codes} for a codebook of {@code size} entries. Counts
   * sparsely, only the codes seen: O(n log n) time and O(n) memory whatever {@code size}, so a position of 2^32
   * codes allocates no per-code counters. The entropy is summed in ascending code order.
   */
  public static CodebookUsage of(Codes codes, int j, long size) {
    int n = codes.rows();
    long[] column = new long[n];
    for (int i = 0; i < n; i++) {
      long c = codes.getLong(i, j);
      if (c < 0 || c >= size) {
        throw new InvalidInputException("code " + c + " in row " + i + ", position " + j + " is outside [0, " + size
            + ")");
      }
      column[i] = c;
    }
    Arrays.sort(column);
    // the run lengths overwrite the sorted column from the front (a run's length is written at or before its start)
    int used = 0;
    for (int i = 0; i < n; ) {
      int run = i;
      while (run < n && column[run] == column[i]) {
        run++;
      }
      column[used++] = run - i;
      i = run;
    }
    return ofCounts(j, size, Arrays.copyOf(column, used));
  }

  /**
   * The usage of position {@code j} from the number of rows holding each code, in ascending code order (codes
   * never used may be left out or given as 0): what {@link #of} gives for the same codes, in O(length) time.
   * Counting into an array of K counters first costs O(K) memory instead of {@link #of}'s O(n), the cheaper way for
   * many rows of a small codebook.
   */
  public static CodebookUsage ofCounts(int j, long size, long[] counts) {
    long n = 0;
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("negative count " + c);
      }
      n += c;
    }
    long used = 0;
    double entropy = 0;
    for (long c : counts) {
      if (c > 0) {
        used++;
        double p = c / (double) n;
        entropy -= p * Math.log(p);
      }
    }
    if (used > size) {
      throw new IllegalArgumentException(used + " codes used of a codebook of " + size);
    }
    return new CodebookUsage(j, size, used, used / (double) size, Math.exp(entropy), size - used);
  }

  /**
   * The usage of position {@code j} factorised per bit, for sign codes (LFQ, BSQ) whose 2^bits codes are too many
   * to count even sparsely in a meaningful way: the share of rows with each bit set, and the sum of the bits'
   * binary entropies (nats), an upper bound on the code entropy that equals it when the bits are independent.
   * O(n bits), no per-code memory.
   *
   * @param bits low bits of each code to look at (at most 63)
   */
  public static BitUsage perBit(Codes codes, int j, int bits) {
    if (bits < 1 || bits > 63) {
      throw new IllegalArgumentException("bits must be in [1, 63], got " + bits);
    }
    long[] ones = new long[bits];
    for (int i = 0; i < codes.rows(); i++) {
      long c = codes.getLong(i, j);
      for (int b = 0; b < bits; b++) {
        ones[b] += (c >>> b) & 1L;
      }
    }
    double[] share = new double[bits];
    double entropy = 0;
    for (int b = 0; b < bits; b++) {
      double p = codes.rows() == 0 ? 0 : ones[b] / (double) codes.rows();
      share[b] = p;
      if (p > 0 && p < 1) {
        entropy -= p * Math.log(p) + (1 - p) * Math.log(1 - p);
      }
    }
    return new BitUsage(j, share, entropy);
  }

  /**
   * Per-bit usage of one position.
   *
   * @param codebook position j
   * @param oneShare share of rows with bit b set, per bit
   * @param factorisedEntropy sum of the bits' binary entropies in nats ({@code bits * ln 2} at most)
   */
  public record BitUsage(int codebook, double[] oneShare, double factorisedEntropy) {}
}
