package io.distok.lucene.analysis;

import io.distok.recsys.TokenFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.util.AttributeFactory;

/**
 * Splits its input into semantic IDs (separated by whitespace or commas; either token style, see {@link
 * TokenFormat#parseLeading}) and emits every ID's prefix terms ({@link SemanticIdTerms}) up to a maximum depth:
 * the shortest at a new position, the longer ones stacked on it (position increment 0), as Lucene's {@code
 * PathHierarchyTokenizer} does for paths, so phrase and span queries see one position per ID. Each term's
 * offsets span its whole ID. A malformed ID fails the document with an {@link IllegalArgumentException} that
 * names it. Cost O(input length + depth^2) per ID.
 */
public final class SemanticIdTokenizer extends Tokenizer {
  private final int maxDepth;
  private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
  private final OffsetAttribute offset = addAttribute(OffsetAttribute.class);
  private final PositionIncrementAttribute increment = addAttribute(PositionIncrementAttribute.class);
  private final List<String> pending = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private int cursor;
  private int pendingAt;
  private int idStart;
  private int idEnd;

  /** A tokenizer emitting every prefix depth. */
  public SemanticIdTokenizer() {
    this(Integer.MAX_VALUE);
  }

  /**
   * @param maxDepth deepest prefix emitted (>= 1)
   */
  public SemanticIdTokenizer(int maxDepth) {
    this(DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxDepth);
  }

  /**
   * @param factory the attribute factory
   * @param maxDepth deepest prefix emitted (>= 1)
   */
  public SemanticIdTokenizer(AttributeFactory factory, int maxDepth) {
    super(factory);
    if (maxDepth < 1) {
      throw new IllegalArgumentException("maxDepth must be >= 1, got " + maxDepth);
    }
    this.maxDepth = maxDepth;
  }

  @Override
  public boolean incrementToken() throws IOException {
    clearAttributes();
    if (pendingAt == pending.size() && !nextId()) {
      return false;
    }
    term.setEmpty().append(pending.get(pendingAt));
    increment.setPositionIncrement(pendingAt == 0 ? 1 : 0);
    offset.setOffset(correctOffset(idStart), correctOffset(idEnd));
    pendingAt++;
    return true;
  }

  /** Reads the next ID of the input into {@link #pending}; false at the end. */
  private boolean nextId() {
    long span = WholeInput.nextSpan(text, cursor, SemanticIdTokenizer::separator);
    if (span < 0) {
      return false;
    }
    int start = (int) (span >>> 32);
    cursor = (int) span;
    String id = text.substring(start, cursor);
    TokenFormat.ParsedId parsed = TokenFormat.parseLeading(id);
    int[] codes = parsed.codes();
    if (!parsed.complete() || codes.length == 0) {
      throw new IllegalArgumentException("semantic ID '" + id + "' at offset " + start + ": "
          + (parsed.complete() ? "no codes" : parsed.problem()));
    }
    pending.clear();
    pending.addAll(SemanticIdTerms.prefixes(codes, maxDepth));
    pendingAt = 0;
    idStart = start;
    idEnd = cursor;
    return true;
  }

  private static boolean separator(int c) {
    return Character.isWhitespace(c) || c == ',';
  }

  @Override
  public void reset() throws IOException {
    super.reset();
    WholeInput.read(input, text);
    cursor = 0;
    pending.clear();
    pendingAt = 0;
  }

  @Override
  public void end() throws IOException {
    super.end();
    int last = correctOffset(text.length());
    offset.setOffset(last, last);
  }
}
