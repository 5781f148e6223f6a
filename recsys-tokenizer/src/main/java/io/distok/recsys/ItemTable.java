package io.distok.recsys;

import java.util.Arrays;

/**
 * The append-only columns behind {@link SemanticIdModel}s: item names, raw and final codes by row, a hash index
 * from name to row and one from final ID to its first row, rows with the same final ID chained in row order, and
 * the prefix trie once it has been asked for. Appending an item is amortised O(m), also to an ID that many rows
 * share; every lookup is O(m) expected.
 * Rows never change, so a model that sees the first {@code limit} rows keeps answering the same while later rows
 * are appended, also from another thread; appends must come from one thread at a time.
 *
 * <p>Names of a catalogue whose items are its row numbers ({@code "0"}, {@code "1"}, ...) are not stored at all
 * until an item of another name arrives. Memory per item: the codes at 1-4 bytes each, 8-16 bytes of index and
 * chain, and the name when it is not the row number.
 */
final class ItemTable {
  // volatile: a grown array is published whole, so a reader of an older snapshot never sees a half-copied one;
  // slots and chain entries of rows past a reader's limit may or may not be visible, and are ignored either way
  private volatile String[] names;
  private volatile int[] nameSlots;
  final CodeColumns raw;
  final CodeColumns fin;
  private volatile int[] idSlots;
  private volatile int[] nextSameId;
  /**
   * The last row of each ID's chain, indexed by the chain's first row, as row + 1 (0: the first row is also the
   * last). Only the appending thread reads it; null until an ID is shared, so a catalogue of distinct IDs (the
   * default policy's) pays nothing for it, while one of long chains (the "none" policy on a dense catalogue) appends
   * in O(1) instead of walking its chain.
   */
  private int[] lastSameId;
  private volatile int size;
  private PrefixTrie.Store trie;

  ItemTable(int rawWidth, int rawMax, int finWidth, int finMax, int capacity) {
    raw = new CodeColumns(rawWidth, rawMax, capacity);
    fin = new CodeColumns(finWidth, finMax, capacity);
    idSlots = new int[tableSize(capacity)];
    nextSameId = new int[Math.max(16, capacity)];
  }

  /** Slots of a hash table for {@code items} entries at a load of at most one half. */
  static int tableSize(int items) {
    return Integer.highestOneBit(Math.max(16, items) * 2 - 1) << 1;
  }

  /** Murmur3's finaliser: spreads a hash code over all bits. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }

  int size() {
    return size;
  }

  /** Whether names are stored (false while every item is named by its row number). */
  boolean storesNames() {
    return names != null;
  }

  String name(int row) {
    String[] n = names;
    return n == null ? Integer.toString(row) : n[row];
  }

  /** The row of the item named {@code name} among the first {@code limit} rows, or -1. */
  int find(String name, int limit) {
    String[] names = this.names;
    int[] slots = this.nameSlots;
    if (names == null) {
      int row = rowNumber(name);
      return row >= 0 && row < limit ? row : -1;
    }
    int mask = slots.length - 1;
    for (int p = mix(name.hashCode()) & mask; slots[p] != 0; p = (p + 1) & mask) {
      int row = slots[p] - 1;
      if (row < names.length && name.equals(names[row])) {
        return row < limit ? row : -1;
      }
    }
    return -1;
  }

  /** {@code name} as a row number when it is one written the way {@link Integer#toString} writes it, else -1. */
  private static int rowNumber(String name) {
    int len = name.length();
    if (len == 0 || len > 10 || (len > 1 && name.charAt(0) == '0')) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < len; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /** The first row (in row order) among the first {@code limit} whose final ID is {@code codes}, or -1. */
  int findId(int[] codes, int limit) {
    int[] slots = this.idSlots;
    int mask = slots.length - 1;
    for (int p = CodeColumns.hash(codes) & mask; slots[p] != 0; p = (p + 1) & mask) {
      int row = slots[p] - 1;
      if (fin.rowEquals(row, codes)) {
        return row < limit ? row : -1;
      }
    }
    return -1;
  }

  /** The next row after {@code row} with the same final ID among the first {@code limit}, or -1. */
  int nextWithSameId(int row, int limit) {
    int next = this.nextSameId[row];
    return next >= 0 && next < limit ? next : -1;
  }

  /**
   * Appends an item, which must not be among the rows yet.
   *
   * @return its row
   */
  int append(String name, int[] rawCodes, int[] finalCodes) {
    int row = size;
    if (names == null && rowNumber(name) != row) {
      // the first item not named by its row: names are stored from now on
      String[] all = new String[Math.max(16, row * 2)];
      int[] slots = new int[tableSize(row + 1)];
      for (int i = 0; i < row; i++) {
        all[i] = Integer.toString(i);
        putName(slots, all, i);
      }
      nameSlots = slots;
      names = all;
    }
    raw.append(rawCodes);
    fin.append(finalCodes);
    if (names != null) {
      if (row == names.length) {
        names = Arrays.copyOf(names, row + (row >> 1) + 16);
      }
      names[row] = name;
      if ((row + 1) * 2 > nameSlots.length) {
        int[] slots = new int[nameSlots.length * 2];
        for (int i = 0; i < row; i++) {
          putName(slots, names, i);
        }
        nameSlots = slots;
      }
      putName(nameSlots, names, row);
    }
    if (row == nextSameId.length) {
      nextSameId = Arrays.copyOf(nextSameId, row + (row >> 1) + 16);
    }
    nextSameId[row] = -1;
    int first = findId(finalCodes, row);
    if (first < 0) {
      if ((row + 1) * 2 > idSlots.length) {
        int[] slots = new int[idSlots.length * 2];
        for (int i : idSlots) {
          if (i != 0) {
            insertId(slots, i - 1);
          }
        }
        idSlots = slots;
      }
      insertId(idSlots, row);
    } else {
      if (lastSameId == null) {
        lastSameId = new int[nextSameId.length];
      } else if (first >= lastSameId.length) {
        lastSameId = Arrays.copyOf(lastSameId, nextSameId.length);
      }
      int last = lastSameId[first] == 0 ? first : lastSameId[first] - 1;
      nextSameId[last] = row;
      lastSameId[first] = row + 1;
    }
    size = row + 1;
    if (trie != null) {
      synchronized (trie) {
        trie.add(finalCodes, row);
      }
    }
    return row;
  }

  /**
   * Enters {@code row} into an open-addressing table of rows keyed by {@code names[row]} (slots hold row + 1),
   * unless a row of the same name is there already.
   *
   * @return that earlier row, or -1 when {@code row} was entered
   */
  static int putName(int[] slots, String[] names, int row) {
    int mask = slots.length - 1;
    int p = mix(names[row].hashCode()) & mask;
    for (; slots[p] != 0; p = (p + 1) & mask) {
      if (names[slots[p] - 1].equals(names[row])) {
        return slots[p] - 1;
      }
    }
    slots[p] = row + 1;
    return -1;
  }

  private void insertId(int[] slots, int row) {
    int mask = slots.length - 1;
    int p = fin.hashRow(row) & mask;
    while (slots[p] != 0) {
      p = (p + 1) & mask;
    }
    slots[p] = row + 1;
  }

  /** The trie over final IDs, built over every row on first use and kept up to date by {@link #append}. */
  PrefixTrie.Store trie() {
    if (trie == null) {
      PrefixTrie.Store t = new PrefixTrie.Store(this::name);
      for (int i = 0; i < size; i++) {
        t.add(fin.row(i), i);
      }
      trie = t;
    }
    return trie;
  }
}
