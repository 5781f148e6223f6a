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
