package io.distok.util;

/**
 * A map from {@code long} keys to non-negative {@code int} values by open addressing with linear probing: no
 * boxing, 12 bytes per slot at a load of at most one half. {@link #get} and {@link #putIfAbsent} cost O(1)
 * expected; growing rehashes every entry, amortised O(1) per insertion. Not thread-safe.
 */
public final class LongIntHashMap {
  private long[] keys;
  /** The value plus one; 0 marks an empty slot. */
  private int[] values;
  private int size;

  /** An empty map with room for {@code expected} entries before it grows. */
  public LongIntHashMap(int expected) {
    int slots = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    keys = new long[slots];
    values = new int[slots];
  }

  public int size() {
    return size;
  }

  private static int slot(long key, int mask) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 31)) & mask;
  }

  /** The value of {@code key}, or -1 when it has none. */
  public int get(long key) {
    int mask = keys.length - 1;
    for (int p = slot(key, mask); values[p] != 0; p = (p + 1) & mask) {
      if (keys[p] == key) {
        return values[p] - 1;
      }
    }
    return -1;
  }

  /**
   * Gives {@code key} the value {@code value} unless it has one.
   *
   * @param value must be >= 0
   * @return the value the key had, or -1 when it was absent and now has {@code value}
   */
  public int putIfAbsent(long key, int value) {
    if (value < 0 || value == Integer.MAX_VALUE) {
      throw new IllegalArgumentException("values must lie in [0, 2^31 - 2], got " + value);
    }
    int mask = keys.length - 1;
    int p = slot(key, mask);
    for (; values[p] != 0; p = (p + 1) & mask) {
      if (keys[p] == key) {
        return values[p] - 1;
      }
    }
    keys[p] = key;
    values[p] = value + 1;
    if (++size * 2 > keys.length) {
      grow();
    }
    return -1;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldValues[i] != 0) {
        int p = slot(oldKeys[i], mask);
        while (values[p] != 0) {
          p = (p + 1) & mask;
        }
        keys[p] = oldKeys[i];
        values[p] = oldValues[i];
      }
    }
  }
}
