package io.distok.quant;

/**
 * How one codebook is used by a set of codes.
 *
 * @param codebook position j of the codebook
 * @param size K
 * @param used codes used at least once
 * @param utilization {@code used / K}
 * @param perplexity exp of the entropy (nats) of the code distribution: K for perfectly uniform use, 1 for
 *     collapse onto a single code
 * @param deadCodes codes never used ({@code K - used})
 */
public record CodebookUsage(int codebook, int size, int used, double utilization, double perplexity,
    int deadCodes) {

  /** Computes the usage of position {@code j} of {@code codes} for a codebook of {@code size} entries. */
  public static CodebookUsage of(Codes codes, int j, int size) {
    long[] counts = new long[size];
    for (int i = 0; i < codes.rows(); i++) {
      counts[codes.get(i, j)]++;
    }
    int used = 0;
    double entropy = 0;
    double n = codes.rows();
    for (long c : counts) {
      if (c > 0) {
        used++;
        double p = c / n;
        entropy -= p * Math.log(p);
      }
    }
    return new CodebookUsage(j, size, used, used / (double) size, Math.exp(entropy), size - used);
  }
}
