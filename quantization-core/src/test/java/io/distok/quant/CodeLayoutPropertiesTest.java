package io.distok.quant;

import io.distok.util.InvalidInputException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Randomized properties of code layouts and their byte packing; jqwik prints the seed of every run. */
class CodeLayoutPropertiesTest {

  private static long[] randomSizes(SplittableRandom rng, int positions, long maxSize) {
    long[] sizes = new long[positions];
    for (int j = 0; j < positions; j++) {
      sizes[j] = 1 + rng.nextLong(maxSize);
    }
    return sizes;
  }

  /**
   * Layouts whose codes fill whole bytes (8, 16 or 24 bits) are read a byte at a time: the codes come back as the
   * bit-wise packer wrote them, whole rows agree with reading each position alone, and a byte above a position's
   * size is refused.
   */
  @Property(tries = 60)
  void wholeByteLayoutsUnpackWhatThePackerWrote(@ForAll @IntRange(min = 1, max = 8) int positions,
      @ForAll @IntRange(min = 1, max = 40) int rows, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] sizes = new long[positions];
    for (int j = 0; j < positions; j++) {
      int bytes = 1 + rng.nextInt(3);
      // a size whose bit count is exactly 8 * bytes
      sizes[j] = (1L << (8 * bytes - 1)) + 1 + rng.nextLong((1L << (8 * bytes - 1)) - 1);
    }
    CodeLayout layout = CodeLayout.of(sizes);
    Codes codes = new Codes(rows, positions);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        codes.set(i, j, (int) rng.nextLong(layout.size(j)));
      }
    }
    byte[] packed = layout.pack(codes);
    Codes back = layout.unpack(packed, rows);
    assertEquals(codes, back);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        assertEquals(layout.unpack(packed, i * layout.codeSizeBytes(), j), back.get(i, j));
      }
    }
    CodeLayout small = CodeLayout.of(200);
    org.junit.jupiter.api.Assertions.assertThrows(io.distok.util.InvalidInputException.class,
        () -> small.unpack(new byte[] {(byte) 250}, 1));
  }

  /** Packing then unpacking gives the codes back, in exactly codeSizeBytes per row. */
  @Property(tries = 60)
  void packThenUnpackIsIdentity(@ForAll @IntRange(min = 1, max = 12) int positions,
      @ForAll @IntRange(min = 0, max = 40) int rows, @ForAll @IntRange(min = 1, max = 31) int maxBits,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    CodeLayout layout = CodeLayout.of(randomSizes(rng, positions, 1L << maxBits));
    Codes codes = new Codes(rows, positions);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        codes.set(i, j, (int) rng.nextLong(layout.size(j)));
      }
    }
    byte[] packed = layout.pack(codes);
    assertEquals(rows * layout.codeSizeBytes(), packed.length);
    assertEquals(codes, layout.unpack(packed, rows));
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        assertEquals(codes.get(i, j), layout.unpack(packed, i * layout.codeSizeBytes(), j));
      }
    }
  }

  /** bits(j) is the least number of bits that can write every code of the position; the total is their sum. */
  @Property(tries = 200)
  void bitsAreTheLeastThatHoldEveryCode(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long size) {
    int b = CodeLayout.bitsFor(size);
    assertTrue(b == 63 || size <= 1L << b, size + " codes do not fit " + b + " bits");
    assertTrue(b == 0 || size > 1L << (b - 1), size + " codes fit fewer than " + b + " bits");
    CodeLayout l = CodeLayout.of(size, 3, 256);
    assertEquals(b + 2 + 8, l.totalBits());
    assertEquals((b + 10 + 7) / 8, l.codeSizeBytes());
  }

  /** Positions of up to 2^62 codes round-trip through packing as wide codes. */
  @Property(tries = 40)
  void wideCodesPackAndUnpack(@ForAll @IntRange(min = 1, max = 5) int positions,
      @ForAll @IntRange(min = 1, max = 30) int rows, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    long[] sizes = randomSizes(rng, positions, 1L << 62);
    sizes[0] = (1L << 32) + rng.nextLong(1L << 40);
    CodeLayout layout = CodeLayout.of(sizes);
    assertTrue(!layout.fitsInt());
    Codes codes = Codes.wide(rows, positions);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < positions; j++) {
        codes.setLong(i, j, rng.nextLong(layout.size(j)));
      }
    }
    Codes back = layout.unpack(layout.pack(codes), rows);
    assertTrue(back.isWide());
    assertEquals(codes, back);
  }

  @Test
  void longSizesAreDescribedWithoutAllocation() {
    CodeLayout l = CodeLayout.of(1L << 40, 4);
    assertEquals(1L << 40, l.size(0));
    assertEquals(40, l.bits(0));
    assertEquals(6, l.codeSizeBytes());
    assertTrue(!l.fitsInt());
    Codes one = Codes.wide(1, 2);
    one.setLong(0, 0, (1L << 40) - 1);
    one.setLong(0, 1, 3);
    assertEquals((1L << 40) - 1, l.unpack(l.pack(one), 1).getLong(0, 0));
    assertThrows(ArithmeticException.class, () -> one.get(0, 0));
    assertThrows(IllegalStateException.class, one::data);
  }

  @Test
  void faissBitOrder() {
    // two 4-bit codes 0x3 and 0xA pack into one byte, the first in the low nibble (faiss's BitstringWriter)
    CodeLayout l = CodeLayout.uniform(2, 16);
    assertArrayEquals(new byte[] {(byte) 0xA3}, l.pack(Codes.wrap(new int[] {3, 10}, 1, 2)));
  }

  @Test
  void outOfRangeCodesAndBadSizesAreRefused() {
    CodeLayout l = CodeLayout.of(5, 2);
    var e = assertThrows(InvalidInputException.class, () -> l.pack(Codes.wrap(new int[] {5, 0}, 1, 2)));
    assertTrue(e.getMessage().contains("code 5 in row 0, position 0 is outside [0, 5)"), e.getMessage());
    // 3 bits hold 7, which is not a code of a 5-code position
    e = assertThrows(InvalidInputException.class, () -> l.unpack(new byte[] {7}, 1));
    assertTrue(e.getMessage().contains("outside [0, 5)"), e.getMessage());
    assertThrows(InvalidInputException.class, () -> l.unpack(new byte[2], 1));
    assertThrows(IllegalArgumentException.class, () -> CodeLayout.of(4, 0));
    assertThrows(IllegalArgumentException.class, CodeLayout::of);
  }
}
