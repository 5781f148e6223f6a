package io.distok.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Sparse usage counting agrees with dense counting; jqwik prints the seed of every run. */
class CodebookUsagePropertiesTest {

  /** The sparse count gives the same used count and the same perplexity bits as a dense counter array. */
  @Property(tries = 50)
  void sparseCountingEqualsDenseCounting(@ForAll @IntRange(min = 1, max = 300) int k,
      @ForAll @IntRange(min = 1, max = 500) int n, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Codes codes = new Codes(n, 1);
    // skewed use, so that some codes die
    for (int i = 0; i < n; i++) {
      codes.set(i, 0, (int) Math.min(k - 1, (long) (k * Math.pow(rng.nextDouble(), 3))));
    }
    long[] counts = new long[k];
    for (int i = 0; i < n; i++) {
      counts[codes.get(i, 0)]++;
    }
    int used = 0;
    double entropy = 0;
    for (long c : counts) {
      if (c > 0) {
        used++;
        double p = c / (double) n;
        entropy -= p * Math.log(p);
      }
    }
    CodebookUsage u = CodebookUsage.of(codes, 0, k);
    assertEquals(used, u.used());
    assertEquals(k - used, u.deadCodes());
    assertEquals(Math.exp(entropy), u.perplexity());
    assertEquals(u, CodebookUsage.ofCounts(0, k, counts), "dense counts give the same record, to the last bit");
  }

  /** Per-bit usage: the shares of set bits, and a factorised entropy of n ln 2 for independent fair bits. */
  @Property(tries = 20)
  void perBitUsageOfRandomSignCodes(@ForAll @IntRange(min = 1, max = 40) int bits, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = 4000;
    Codes codes = Codes.wide(n, 1);
    for (int i = 0; i < n; i++) {
      codes.setLong(i, 0, rng.nextLong() & ((1L << bits) - 1));
    }
    CodebookUsage.BitUsage u = CodebookUsage.perBit(codes, 0, bits);
    for (double share : u.oneShare()) {
      assertEquals(0.5, share, 0.05);
    }
    assertEquals(bits * Math.log(2), u.factorisedEntropy(), 0.01 * bits);
    Codes constant = Codes.wide(10, 1);
    assertEquals(0.0, CodebookUsage.perBit(constant, 0, bits).factorisedEntropy(), "collapsed bits carry nothing");
  }

  @Test
  void wideCodesOfTwoToTheFortyAreCountedSparsely() {
    Codes codes = Codes.wide(3, 1);
    codes.setLong(0, 0, (1L << 39) + 5);
    codes.setLong(1, 0, (1L << 39) + 5);
    codes.setLong(2, 0, 1L << 38);
    CodebookUsage u = CodebookUsage.of(codes, 0, 1L << 40);
    assertEquals(2, u.used());
    assertEquals(Math.exp(-(2 / 3.0) * Math.log(2 / 3.0) - (1 / 3.0) * Math.log(1 / 3.0)), u.perplexity(), 1e-12);
  }

  @Test
  void aPositionOfTwoToTheFortyCodesIsCountedFromTheCodesSeen() {
    Codes codes = Codes.wrap(new int[] {7, 7, 1 << 30, 3}, 4, 1);
    CodebookUsage u = CodebookUsage.of(codes, 0, 1L << 40);
    assertEquals(3, u.used());
    assertEquals((1L << 40) - 3, u.deadCodes());
    assertEquals(3 / Math.pow(2, 40), u.utilization(), 1e-20);
  }
}
