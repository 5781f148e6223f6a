package io.distok.lucene.analysis;

import io.distok.util.Decimals;
import java.io.IOException;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.util.AttributeFactory;

/**
 * Turns a row of quantizer codes ({@code 12 200 37}, separators whitespace, commas or dashes) into one term per
 * position, {@code m0_12 m1_200 m2_37} ({@link CodeTerms}), each at its own position with the offsets of its
 * number. A part that is not a non-negative int fails the document with an {@link IllegalArgumentException}
 * naming it. O(input length).
 *
 * <p>With {@link CodeNeighbours}, each code is expanded to its t nearest codes of the same position, emitted at
 * the same position (as synonyms are) with term frequencies that fall with the rank ({@link
 * CodeNeighbours#weight}; the code itself weighs most), so the field must index frequencies ({@code
 * DOCS_AND_FREQS}). O(input length + codes t).
 */
public final class CodeTokenizer extends Tokenizer {
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
  private final StringBuilder text = new StringBuilder();
  private final org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute increment =
      addAttribute(org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute.class);
  private final org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute frequency =
      addAttribute(org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute.class);
  private final CodeNeighbours expansion;
  private int cursor;
  private int position;
  // the neighbours still to emit after the last code, and where it was
  private int[] pending = new int[0];
  private int pendingNext;
  private int pendingStart;
  private int pendingEnd;

  /** A tokenizer with the default attribute factory. */
  public CodeTokenizer() {
    this((CodeNeighbours) null);
  }

  /** A tokenizer with the default attribute factory that expands codes with {@code expansion} (null: none). */
  public CodeTokenizer(CodeNeighbours expansion) {
    super();
    this.expansion = expansion;
  }

  /** A tokenizer with the given attribute factory. */
  public CodeTokenizer(AttributeFactory factory) {
    this(factory, null);
  }

  /** A tokenizer with the given attribute factory that expands codes with {@code expansion} (null: none). */
  public CodeTokenizer(AttributeFactory factory, CodeNeighbours expansion) {
    super(factory);
    this.expansion = expansion;
  }

  @Override
  public boolean incrementToken() throws IOException {
    clearAttributes();
    if (pendingNext < pending.length) {
      term.setEmpty().append(CodeTerms.term(position - 1, pending[pendingNext]));
      frequency.setTermFrequency(expansion.weight(pendingNext));
      increment.setPositionIncrement(0);
      offset.setOffset(correctOffset(pendingStart), correctOffset(pendingEnd));
      pendingNext++;
      return true;
    }
    long span = WholeInput.nextSpan(text, cursor, CodeTokenizer::separator);
    if (span < 0) {
      return false;
    }
    int start = (int) (span >>> 32);
    cursor = (int) span;
    int code = Decimals.nonNegativeInt(text, start, cursor);
    if (code < 0) {
      throw new IllegalArgumentException("code '" + text.substring(start, cursor) + "' at offset " + start
          + " (position " + position + ") is not a non-negative integer");
    }
    term.setEmpty().append(CodeTerms.term(position, code));
    offset.setOffset(correctOffset(start), correctOffset(cursor));
    if (expansion != null) {
      pending = expansion.of(position, code);
      pendingNext = 0;
      pendingStart = start;
      pendingEnd = cursor;
      frequency.setTermFrequency(expansion.selfWeight());
    }
    position++;
    return true;
  }

  private static boolean separator(int c) {
    return Character.isWhitespace(c) || c == ',' || c == '-';
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    WholeInput.read(input, text);
    cursor = 0;
    position = 0;
    pending = new int[0];
    pendingNext = 0;
  }

  @Override
  public void end() throws IOException {
    super.end();
    int last = correctOffset(text.length());
    offset.setOffset(last, last);
  }
}
