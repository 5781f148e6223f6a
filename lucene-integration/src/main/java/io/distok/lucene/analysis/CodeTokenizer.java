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
 */
public final class CodeTokenizer extends Tokenizer {
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
  private final StringBuilder text = new StringBuilder();
  private int cursor;
  private int position;

  /** A tokenizer with the default attribute factory. */
  public CodeTokenizer() {
    super();
  }

  /** A tokenizer with the given attribute factory. */
  public CodeTokenizer(AttributeFactory factory) {
    super(factory);
  }

  @Override
  public boolean incrementToken() throws IOException {
    clearAttributes();
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
    term.setEmpty().append(CodeTerms.term(position++, code));
    offset.setOffset(correctOffset(start), correctOffset(cursor));
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
  }

  @Override
  public void end() throws IOException {
    super.end();
    int last = correctOffset(text.length());
    offset.setOffset(last, last);
  }
}
