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

  /**
   * The term of a coarse cell: the codes of positions 0 and 1 together ({@code m0_12/m1_200}), the inverted-file
   * list of items whose first two codes are these, for candidate generation.
   */
  public static String cell(int code0, int code1) {
    return term(0, code0) + "/" + term(1, code1);
  }
}
