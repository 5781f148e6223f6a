package io.distok.graph.nodepiece;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed token vocabulary of an anchor-relation tokenization: ids {@code 0..4} are the special tokens, then
 * one token per anchor (by rank), then one per relation and one per inverse relation. Token strings: {@code
 * [PAD] [UNREACHABLE] [CLS] [SEP] [MASK]}, {@code <anchor_RANK>}, {@code <rel:NAME>}, {@code <rel:NAME^-1>}.
 *
 * @param anchorNames anchor node names in rank order
 * @param relationNames relation names by relation id (serializable, so that distributed jobs can ship it)
 */
public record NodePieceVocabulary(List<String> anchorNames, List<String> relationNames)
    implements java.io.Serializable {
  public static final int PAD = 0;
  public static final int UNREACHABLE = 1;
  public static final int CLS = 2;
  public static final int SEP = 3;
  public static final int MASK = 4;
  public static final List<String> SPECIALS = List.of("[PAD]", "[UNREACHABLE]", "[CLS]", "[SEP]", "[MASK]");

  public NodePieceVocabulary {
    anchorNames = List.copyOf(anchorNames);
    relationNames = List.copyOf(relationNames);
  }

  /**
   * The identity of tokenizations with this vocabulary and these slot counts, as hex SHA-256 of the anchor and
   * relation names in order, k and m: two tokenizations (or a tokenization and an {@link InductiveTokenizer}) give
   * comparable tokens exactly when their fingerprints agree. O(vocabulary size).
   */
  public String fingerprint(int k, int m) {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    StringBuilder sb = new StringBuilder("nodepiece;k=").append(k).append(";m=").append(m).append(";anchors=")
        .append(anchorNames.size()).append(';');
    // lengths before names, so that no two name lists give the same bytes
    for (String a : anchorNames) {
      sb.append(a.length()).append(':').append(a);
    }
    sb.append(";relations=").append(relationNames.size()).append(';');
    for (String r : relationNames) {
      sb.append(r.length()).append(':').append(r);
    }
    return java.util.HexFormat.of().formatHex(digest.digest(sb.toString().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)));
  }

  public int size() {
    return SPECIALS.size() + anchorNames.size() + 2 * relationNames.size();
  }

  /** Token id of anchor rank {@code a}. */
  public int anchorToken(int a) {
    return SPECIALS.size() + a;
  }

  /** Token id of relation token {@code t} ({@code t < R}: relation t; {@code t >= R}: inverse of t - R). */
  public int relationToken(int t) {
    return SPECIALS.size() + anchorNames.size() + t;
  }

  /** {@code name} of relation token {@code t < R}, {@code name^-1} of its inverse {@code t >= R}. */
  public String relationName(int t) {
    int r = relationNames.size();
    return t < r ? relationNames.get(t) : relationNames.get(t - r) + "^-1";
  }

  /** The string of token id {@code id}. */
  public String token(int id) {
    if (id < SPECIALS.size()) {
      return SPECIALS.get(id);
    }
    int a = id - SPECIALS.size();
    if (a < anchorNames.size()) {
      return "<anchor_" + a + ">";
    }
    return "<rel:" + relationName(a - anchorNames.size()) + ">";
  }

  /** Every token string, by id. */
  public List<String> tokens() {
    List<String> out = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      out.add(token(i));
    }
    return out;
  }
}
