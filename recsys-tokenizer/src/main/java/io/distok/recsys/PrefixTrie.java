package io.distok.recsys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trie over semantic IDs for constrained decoding: which codes may follow a prefix, and which items sit under
 * it. Building costs O(n m) for n IDs of length m; {@link #allowedNext} costs O(m + answer) and
 * {@link #itemsWithPrefix} O(m + size of the subtree).
 */
public final class PrefixTrie {
  private final Node root = new Node();

  private static final class Node {
    final Map<Integer, Node> children = new TreeMap<>();
    final List<String> items = new ArrayList<>();
    int count;
  }

  /** Adds an item under its full ID. */
  public void add(int[] id, String item) {
    Node n = root;
    n.count++;
    for (int c : id) {
      n = n.children.computeIfAbsent(c, k -> new Node());
      n.count++;
    }
    n.items.add(item);
  }

  private Node find(int[] prefix) {
    Node n = root;
    for (int c : prefix) {
      n = n.children.get(c);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** Codes that may follow {@code prefix}, ascending; empty when the prefix is unknown or complete. */
  public int[] allowedNext(int... prefix) {
    Node n = find(prefix);
    return n == null ? new int[0] : n.children.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Tokens that may follow {@code prefix}, in the given format (position = prefix length). */
  public List<String> allowedNextTokens(TokenFormat format, int... prefix) {
    List<String> out = new ArrayList<>();
    for (int c : allowedNext(prefix)) {
      out.add(format.token(prefix.length, c));
    }
    return out;
  }

  /** Items whose ID starts with {@code prefix}, in trie order. */
  public List<String> itemsWithPrefix(int... prefix) {
    List<String> out = new ArrayList<>();
    Node n = find(prefix);
    if (n != null) {
      collect(n, out);
    }
    return out;
  }

  /** Number of items whose ID starts with {@code prefix}. */
  public int countWithPrefix(int... prefix) {
    Node n = find(prefix);
    return n == null ? 0 : n.count;
  }

  private static void collect(Node n, List<String> out) {
    out.addAll(n.items);
    for (Node c : n.children.values()) {
      collect(c, out);
    }
  }
}
