package io.distok.util;

/** Reading numbers written in ASCII decimal digits, without exceptions for the reader's error paths. */
public final class Decimals {
  private Decimals() {}

  /**
   * The non-negative int written in {@code s[from, to)} with ASCII digits only (leading zeros allowed), or -1 when
   * that range is empty, holds anything else, or exceeds {@link Integer#MAX_VALUE}. O(to - from).
   */
  public static int nonNegativeInt(CharSequence s, int from, int to) {
    if (from >= to || to - from > 10) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }
}
