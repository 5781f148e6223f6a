package io.distok.lucene.analysis;

import java.io.IOException;
import java.io.Reader;

/** Reads a tokenizer's whole input: the fields distok tokenizes (IDs, code rows) are short. */
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
}
