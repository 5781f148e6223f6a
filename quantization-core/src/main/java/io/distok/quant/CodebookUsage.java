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
    int[] column = new int[n];
    for (int i = 0; i < n; i++) {
      int c = codes.get(i, j);
      if (c < 0 || c >= size) {
        throw new InvalidInputException("code " + c + " in row " + i + ", position " + j + " is outside [0, " + size
            + ")");
      }
      column[i] = c;
    }
    Arrays.sort(column);
    long used = 0;
    double entropy = 0;
    for (int i = 0; i < n; ) {
      int run = i;
      while (run < n && column[run] == column[i]) {
        run++;
      }
      used++;
      double p = (run - i) / (double) n;
      entropy -= p * Math.log(p);
      i = run;
    }
    return new CodebookUsage(j, size, used, used / (double) size, Math.exp(entropy), size - used);
  }
}
