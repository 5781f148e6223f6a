package io.distok.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class FloatMatrixTest {

  /**
   * The finiteness check runs over parallel chunks of rows but names the first bad value in row-major order (its
   * kind, row and column), whichever chunk finds one first; a finite matrix passes. jqwik prints the seed.
   */
  @Property(tries = 60)
  void requireFiniteNamesTheFirstBadValue(@ForAll @IntRange(min = 0, max = 3000) int rows,
      @ForAll @IntRange(min = 1, max = 9) int cols, @ForAll @IntRange(min = 0, max = 4) int bad,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    FloatMatrix m = new FloatMatrix(rows, cols);
    for (int i = 0; i < m.data().length; i++) {
      m.data()[i] = (float) (rng.nextDouble() * 2e38 - 1e38);
    }
    float[] kinds = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    int first = Integer.MAX_VALUE;
    for (int b = 0; b < bad && rows > 0; b++) {
      int at = rng.nextInt(m.data().length);
      m.data()[at] = kinds[rng.nextInt(kinds.length)];
      first = Math.min(first, at);
    }
    if (first == Integer.MAX_VALUE) {
      m.requireFinite("m.npy");
      return;
    }
    int at = first;
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.requireFinite("m.npy"));
    String kind = Float.isNaN(m.data()[at]) ? "NaN" : "infinite value";
    assertEquals("m.npy: " + kind + " in row " + at / cols + ", column " + at % cols + " (0-based)", e.getMessage());
  }
}
