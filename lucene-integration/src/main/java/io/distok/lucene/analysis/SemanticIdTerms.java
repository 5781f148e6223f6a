package io.distok.lucene.analysis;

import io.distok.recsys.TokenFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The index terms of semantic IDs: one per prefix depth, level-qualified and joined by {@code /}, e.g. {@code
 * a_12}, {@code a_12/b_200}, {@code a_12/b_200/c_37} for {@code <a_12><b_200><c_37>} or {@code 12-200-37}. All
 * items under a prefix are then the postings of one term, so a prefix query is a single term look-up. Both the
 * tokenizer (index side) and queries build terms here, so they always agree.
 */
public final class SemanticIdTerms {
  /** Separator between the levels of a prefix term. */
  public static final char SEPARATOR = '/';

  private SemanticIdTerms() {}

  /** The term of the first {@code depth} codes. O(depth). */
  public static String prefix(int[] codes, int depth) {
    if (depth < 1 || depth > codes.length) {
      throw new IllegalArgumentException("prefix depth " + depth + " of an ID of " + codes.length + " codes");
    }
    StringBuilder sb = new StringBuilder();
    for (int l = 0; l < depth; l++) {
      if (l > 0) {
        sb.append(SEPARATOR);
      }
      if (codes[l] < 0) {
        throw new IllegalArgumentException("negative code " + codes[l] + " at level " + l);
      }
      sb.append(TokenFormat.levelName(l)).append('_').append(codes[l]);
    }
    return sb.toString();
  }

  /** The terms of depths 1 .. min(length, maxDepth), shortest first. O(length^2) characters. */
  public static List<String> prefixes(int[] codes, int maxDepth) {
    int depth = Math.min(codes.length, maxDepth);
    List<String> out = new ArrayList<>(depth);
    for (int l = 1; l <= depth; l++) {
      out.add(prefix(codes, l));
    }
    return out;
  }
}
