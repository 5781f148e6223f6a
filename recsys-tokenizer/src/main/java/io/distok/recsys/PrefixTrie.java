package io.distok.recsys;

import io.distok.util.LongIntHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A trie over semantic IDs for constrained decoding: which codes may follow a prefix, and which items sit under
 * it. Nodes live in flat arrays with one hash table from (node, code) to child, so adding an ID costs O(m)
 * expected for IDs of length m, whatever the number of items, and about 50 bytes per node.
 * {@link #allowedNext} costs O(m + c log c) for c next codes, {@link #itemsWithPrefix} O(m + size of the
 * subtree) and {@link #countWithPrefix} O(m).
 *
 * <p>The trie of a {@link SemanticIdModel} is a read-only view of its catalogue's trie that shows the items the
 * model holds; on a model that later {@link SemanticIdModel#assign} calls have grown past, {@link
 * #countWithPrefix} walks the subtree. Queries and additions hold the trie's lock (a few tens of nanoseconds
 * when uncontended), so a trie may be queried on many threads while items are assigned.
 */
public final class PrefixTrie {
  private final Store store;
  private final int limit;
  private final boolean writable;

  /** An empty trie to which {@link #add} adds items. */
  public PrefixTrie() {
    List<String> names = new ArrayList<>();
    this.store = new Store(names::get);
    this.store.names = names;
    this.limit = Integer.MAX_VALUE;
    this.writable = true;
  }

  /** A read-only view of the items {@code 0 .. limit-1} of {@code store}. */
  PrefixTrie(Store store, int limit) {
    this.store = store;
    this.limit = limit;
    this.writable = false;
  }

  /**
   * Adds an item under its full ID.
   *
   * @throws IllegalStateException on the trie of a model, which grows only through the model
   */
  public void add(int[] id, String item) {
    if (!writable) {
      throw new IllegalStateException("the trie of a semantic-ID model is read-only; assign items to the model");
    }
    synchronized (store) {
      store.names.add(item);
      store.add(id, store.names.size() - 1);
    }
  }

  /** Codes that may follow {@code prefix}, ascending; empty when the prefix is unknown or complete. */
  public int[] allowedNext(int... prefix) {
    synchronized (store) {
      int n = find(prefix);
      if (n < 0) {
        return new int[0];
      }
      int[] kids = visibleChildren(n);
      int[] out = new int[kids.length];
      for (int i = 0; i < kids.length; i++) {
        out[i] = store.code[kids[i]];
      }
      return out;
    }
  }

  /** Tokens that may follow {@code prefix}, in the given format (position = prefix length). */
  public List<String> allowedNextTokens(TokenFormat format, int... prefix) {
    List<String> out = new ArrayList<>();
    for (int c : allowedNext(prefix)) {
      out.add(format.token(prefix.length, c));
    }
    return out;
  }

  /** Items whose ID starts with {@code prefix}: by ascending code at every level, in order of addition within an ID. */
  public List<String> itemsWithPrefix(int... prefix) {
    synchronized (store) {
      List<String> out = new ArrayList<>();
      int n = find(prefix);
      if (n >= 0) {
        collect(n, out);
      }
      return out;
    }
  }

  /** Number of items whose ID starts with {@code prefix}. */
  public int countWithPrefix(int... prefix) {
    synchronized (store) {
      int n = find(prefix);
      if (n < 0) {
        return 0;
      }
      if (limit >= store.items) {
        return store.count[n];
      }
      return count(n);
    }
  }

  private int find(int[] prefix) {
    int n = 0;
    for (int c : prefix) {
      n = store.child(n, c);
      if (n < 0 || store.firstItem[n] >= limit) {
        return -1;
      }
    }
    return n;
  }

  private int[] visibleChildren(int n) {
    int[] kids = new int[8];
    int count = 0;
    for (int c = store.firstChild[n]; c >= 0; c = store.nextSibling[c]) {
      if (store.firstItem[c] < limit) {
        if (count == kids.length) {
          kids = Arrays.copyOf(kids, count * 2);
        }
        kids[count++] = c;
      }
    }
    // by code: (code << 32 | node) sorts by code, codes being distinct among siblings
    long[] keyed = new long[count];
    for (int i = 0; i < count; i++) {
      keyed[i] = ((long) store.code[kids[i]] << 32) | kids[i];
    }
    Arrays.sort(keyed);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = (int) keyed[i];
    }
    return out;
  }

  private void collect(int n, List<String> out) {
    for (int it = store.headItem[n]; it >= 0 && it < limit; it = store.nextItem(it)) {
      out.add(store.names(it));
    }
    for (int c : visibleChildren(n)) {
      collect(c, out);
    }
  }

  private int count(int n) {
    int total = 0;
    for (int it = store.headItem[n]; it >= 0 && it < limit; it = store.nextItem(it)) {
      total++;
    }
    for (int c = store.firstChild[n]; c >= 0; c = store.nextSibling[c]) {
      if (store.firstItem[c] < limit) {
        total += count(c);
      }
    }
    return total;
  }

  /**
   * The nodes of a trie: node 0 is the root; per node its code, first child and next sibling (children in
   * reverse order of creation), the number of items beneath, the first (smallest) item handle beneath, which
   * decides whether a view sees the node, and the first item ending at it; items ending at one node are chained
   * by handle. Item handles are added in increasing order.
   */
  static final class Store {
    private final IntFunction<String> nameOf;
    List<String> names;
    int nodes = 1;
    int items;
    int[] code = new int[16];
    int[] firstChild = filled(16);
    int[] nextSibling = filled(16);
    int[] count = new int[16];
    int[] firstItem = maxFilled(16);
    int[] headItem = filled(16);
    int[] tailItem = filled(16);
    private int[] nextItem = filled(16);
    /** From {@code parent << 32 | code} to the child node. */
    private final LongIntHashMap children = new LongIntHashMap(16);

    Store(IntFunction<String> nameOf) {
      this.nameOf = nameOf;
    }

    private static int[] filled(int n) {
      int[] a = new int[n];
      Arrays.fill(a, -1);
      return a;
    }

    private static int[] maxFilled(int n) {
      int[] a = new int[n];
      Arrays.fill(a, Integer.MAX_VALUE);
      return a;
    }

    String names(int handle) {
      return nameOf.apply(handle);
    }

    int nextItem(int handle) {
      return nextItem[handle];
    }

    int child(int parent, int c) {
      return children.get(key(parent, c));
    }

    private static long key(int parent, int c) {
      return ((long) parent << 32) | (c & 0xFFFFFFFFL);
    }

    private int newNode(int parent, int c, int handle) {
      if (nodes == code.length) {
        int grown = nodes + (nodes >> 1) + 16;
        code = Arrays.copyOf(code, grown);
        firstChild = grow(firstChild, grown, -1);
        nextSibling = grow(nextSibling, grown, -1);
        count = Arrays.copyOf(count, grown);
        firstItem = grow(firstItem, grown, Integer.MAX_VALUE);
        headItem = grow(headItem, grown, -1);
        tailItem = grow(tailItem, grown, -1);
      }
      int node = nodes++;
      code[node] = c;
      firstItem[node] = handle;
      nextSibling[node] = firstChild[parent];
      firstChild[parent] = node;
      children.putIfAbsent(key(parent, c), node);
      return node;
    }

    private static int[] grow(int[] a, int size, int fill) {
      int old = a.length;
      int[] b = Arrays.copyOf(a, size);
      Arrays.fill(b, old, size, fill);
      return b;
    }

    /** Adds item {@code handle} (larger than every handle added before) under {@code id}. O(m) expected. */
    void add(int[] id, int handle) {
      if (handle < items) {
        throw new IllegalArgumentException("item handles must grow: " + handle + " after " + items);
      }
      int n = 0;
      count[0]++;
      firstItem[0] = Math.min(firstItem[0], handle);
      for (int c : id) {
        int next = child(n, c);
        n = next >= 0 ? next : newNode(n, c, handle);
        count[n]++;
      }
      if (handle >= nextItem.length) {
        nextItem = grow(nextItem, Math.max(handle + 1, nextItem.length + (nextItem.length >> 1) + 16), -1);
      }
      if (headItem[n] < 0) {
        headItem[n] = handle;
      } else {
        nextItem[tailItem[n]] = handle;
      }
      tailItem[n] = handle;
      items = handle + 1;
    }
  }
}
