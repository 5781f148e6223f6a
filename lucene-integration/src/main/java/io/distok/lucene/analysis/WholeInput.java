package io.distok.lucene.analysis;

import java.io.IOException;
import java.io.Reader;
import java.util.function.IntPredicate;

/**
 * Reads a tokenizer's whole input (the fields distok tokenizes, IDs and code rows, are short) and cuts it into
 * the spans between separators.
 */
final class WholeInput {
  private WholeInput() {}

  /** Replaces the contents of {@code text} with everything {@code in} holds. O(length). */
  static void read(Reader in, StringBuilder text) throws IOException {
    text.setLength(0);
    char[] buffer = new char[512];
    for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
      text.append(buffer, 0, r);
    }
  }

  /**
   * The next span of non-separator characters at or after {@code from}, as {@code start << 32 | end}, or -1 when
   * only separators are left. O(span length).
   */
  static long nextSpan(CharSequence text, int from, IntPredicate separator) {
    int n = text.length();
    int start = from;
    while (start < n && separator.test(text.charAt(start))) {
      start++;
    }
    if (start == n) {
      return -1;
    }
    int end = start;
    while (end < n && !separator.test(text.charAt(end))) {
      end++;
    }
    return (long) start << 32 | end;
  }
}
