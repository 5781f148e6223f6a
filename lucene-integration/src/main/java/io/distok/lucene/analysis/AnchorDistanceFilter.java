package io.distok.lucene.analysis;

import io.distok.util.Decimals;
import java.io.IOException;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute;

/**
 * Reads anchor tokens written {@code anchor:distance} (as {@code distok graph tokenize} writes a node's nearest
 * anchors) and keeps the anchor as the term with a term frequency that falls with the hop distance: {@code
 * max(1, maxDistance + 1 - distance)}, so a BM25 or TF-IDF match on a near anchor weighs more than on a far one.
 * The field must index frequencies without positions ({@code IndexOptions.DOCS_AND_FREQS}), as for Lucene's
 * {@code DelimitedTermFrequencyTokenFilter}. The anchor is everything before the last colon, so anchor names may
 * hold colons. A token without a distance fails the document with an {@link IllegalArgumentException}.
 */
public final class AnchorDistanceFilter extends TokenFilter {
  private final int maxDistance;
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final TermFrequencyAttribute frequency = addAttribute(TermFrequencyAttribute.class);

  /**
   * @param maxDistance the distance at and beyond which an anchor gets weight 1 (>= 0)
   */
  public AnchorDistanceFilter(TokenStream input, int maxDistance) {
    super(input);
    if (maxDistance < 0) {
      throw new IllegalArgumentException("maxDistance must be >= 0, got " + maxDistance);
    }
    this.maxDistance = maxDistance;
  }

  /** The term frequency of an anchor at {@code distance} hops. */
  public static int weight(int distance, int maxDistance) {
    return Math.max(1, maxDistance + 1 - distance);
  }

  @Override
  public boolean incrementToken() throws IOException {
    if (!input.incrementToken()) {
      return false;
    }
    String token = term.toString();
    int colon = token.lastIndexOf(':');
    int distance = colon > 0 ? parseDistance(token, colon + 1) : -1;
    if (distance < 0) {
      throw new IllegalArgumentException("anchor token '" + token + "' is not anchor:distance (a hop count >= 0)");
    }
    term.setLength(colon);
    frequency.setTermFrequency(weight(distance, maxDistance));
    return true;
  }

  /** A hop count of at most 9 digits after the colon, or -1. */
  private static int parseDistance(String s, int from) {
    return s.length() - from > 9 ? -1 : Decimals.nonNegativeInt(s, from, s.length());
  }
}
