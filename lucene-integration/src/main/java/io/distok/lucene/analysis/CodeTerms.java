package io.distok.lucene.analysis;

/**
 * The index term of one quantizer code: {@code m3_117} is code 117 at position (sub-quantizer, level) 3,
 * positions counted from 0 as faiss counts them. Shared by {@link CodeTokenizer} and query builders.
 */
public final class CodeTerms {
  private CodeTerms() {}

  /** The term of {@code code} at {@code position}. */
  public static String term(int position, int code) {
    if (position < 0 || code < 0) {
      throw new IllegalArgumentException("code " + code + " at position " + position + ": both must be >= 0");
    }
    return "m" + position + "_" + code;
  }
}
