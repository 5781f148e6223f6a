package io.distok.recsys;

import io.distok.util.Decimals;
import java.util.ArrayList;
import java.util.List;

/**
 * How a code tuple is written as tokens. {@link Style#ANGLE} writes {@code <a_12><b_200><c_37><d_0>} (level
 * letters a, b, c, ... in order; the suffix level takes the next letter), {@link Style#PLAIN} writes {@code
 * 12-200-37-0}. Optional begin and end tokens wrap the angle form, e.g. {@code <sid>} ... {@code </sid>}; the
 * plain form is ordinary text for an LLM tokenizer, so it takes no wrappers and adds no tokens to a vocabulary.
 *
 * @param style token style
 * @param begin begin token, or null
 * @param end end token, or null (serializable, so that distributed jobs can format IDs where they are)
 */
public record TokenFormat(Style style, String begin, String end) implements java.io.Serializable {

  /** Token styles. */
  public enum Style {
    ANGLE,
    PLAIN;

    /** The lower-case spelling used on command lines. */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Checks the combination.
   *
   * @throws IllegalArgumentException when the plain style is given begin or end tokens, or a wrapper is blank
   */
  public TokenFormat {
    java.util.Objects.requireNonNull(style, "style");
    if (style == Style.PLAIN && (begin != null || end != null)) {
      throw new IllegalArgumentException("begin and end tokens wrap angle-style IDs only; plain IDs (12-200-37-0) "
          + "are text and take none");
    }
    if ((begin != null && begin.isBlank()) || (end != null && end.isBlank())) {
      throw new IllegalArgumentException("begin and end tokens must not be blank");
    }
  }

  /** {@code <a_12><b_200><c_37><d_0>} without wrappers. */
  public static final TokenFormat DEFAULT = new TokenFormat(Style.ANGLE, null, null);

  /** The token of {@code code} at position {@code level} (0-based); for the plain style, the number itself. */
  public String token(int level, int code) {
    if (style == Style.PLAIN) {
      return Integer.toString(code);
    }
    return "<" + levelName(level) + "_" + code + ">";
  }

  /** Letters a..z, then aa, ab, ... for deeper levels. */
  public static String levelName(int level) {
    StringBuilder sb = new StringBuilder();
    int l = level;
    do {
      sb.insert(0, (char) ('a' + l % 26));
      l = l / 26 - 1;
    } while (l >= 0);
    return sb.toString();
  }

  /** Formats a full ID. */
  public String format(int[] codes) {
    StringBuilder sb = new StringBuilder();
    if (style == Style.PLAIN) {
      for (int j = 0; j < codes.length; j++) {
        sb.append(j == 0 ? "" : "-").append(codes[j]);
      }
      return sb.toString();
    }
    if (begin != null) {
      sb.append(begin);
    }
    for (int j = 0; j < codes.length; j++) {
      sb.append(token(j, codes[j]));
    }
    if (end != null) {
      sb.append(end);
    }
    return sb.toString();
  }

  /**
   * The token vocabulary for the given codebook sizes (per position, including a suffix level when present),
   * wrappers first: exactly the tokens that IDs in this format are made of. Empty for the plain style, whose IDs
   * are ordinary text.
   */
  public List<String> vocabulary(int[] sizes) {
    List<String> v = new ArrayList<>();
    if (style == Style.PLAIN) {
      return v;
    }
    if (begin != null) {
      v.add(begin);
    }
    if (end != null) {
      v.add(end);
    }
    for (int l = 0; l < sizes.length; l++) {
      for (int c = 0; c < sizes[l]; c++) {
        v.add(token(l, c));
      }
    }
    return v;
  }

  /**
   * The leading well-formed part of an ID in either style, as a language model may emit it: {@code
   * <a_12><b_200><c_37>} (wrapper tokens such as {@code <sid>} or {@code </sid>}, which hold no underscore, are
   * skipped; level letters must come in order a, b, c, ...) or {@code 12-200-37}.
   *
   * @param codes the codes read before the first malformed part (all of them for a well-formed ID)
   * @param problem null when the whole text was read, else what is wrong and where (0-based character offset)
   */
  public record ParsedId(int[] codes, String problem) {
    public ParsedId {
      codes = codes.clone();
    }

    @Override
    public int[] codes() {
      return codes.clone();
    }

    /** Whether the whole text was a well-formed ID. */
    public boolean complete() {
      return problem == null;
    }
  }

  /**
   * Reads an ID written in either style (see {@link ParsedId}). O(length).
   *
   * @throws io.distok.util.InvalidInputException naming the first malformed part and its offset
   */
  public static int[] parse(CharSequence id) {
    ParsedId p = parseLeading(id);
    if (!p.complete()) {
      throw new io.distok.util.InvalidInputException("semantic ID '" + id + "': " + p.problem());
    }
    return p.codes();
  }

  /** The codes of the leading well-formed part of {@code text} and, when it stops early, why. O(length). */
  public static ParsedId parseLeading(CharSequence text) {
    String s = text.toString();
    int from = 0;
    int to = s.length();
    while (from < to && Character.isWhitespace(s.charAt(from))) {
      from++;
    }
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) {
      to--;
    }
    List<Integer> codes = new ArrayList<>();
    if (from == to) {
      return new ParsedId(new int[0], "empty");
    }
    String problem = s.charAt(from) == '<' ? readAngle(s, from, to, codes) : readPlain(s, from, to, codes);
    return new ParsedId(codes.stream().mapToInt(Integer::intValue).toArray(), problem);
  }

  private static String readAngle(String s, int from, int to, List<Integer> codes) {
    int at = from;
    while (at < to) {
      if (s.charAt(at) != '<') {
        return "expected '<' at offset " + at;
      }
      int close = s.indexOf('>', at);
      if (close < 0 || close >= to) {
        return "unclosed token at offset " + at;
      }
      String inner = s.substring(at + 1, close);
      int us = inner.lastIndexOf('_');
      if (us < 0) {
        // a wrapper token (begin or end) carries no code
        at = close + 1;
        continue;
      }
      String expected = levelName(codes.size());
      if (!inner.substring(0, us).equals(expected)) {
        return "token '<" + inner + ">' at offset " + at + ": expected level '" + expected + "'";
      }
      int code = Decimals.nonNegativeInt(inner, us + 1, inner.length());
      if (code < 0) {
        return "token '<" + inner + ">' at offset " + at + ": the code is not a number";
      }
      codes.add(code);
      at = close + 1;
    }
    return null;
  }

  private static String readPlain(String s, int from, int to, List<Integer> codes) {
    int at = from;
    while (true) {
      int dash = s.indexOf('-', at);
      int end = dash < 0 || dash >= to ? to : dash;
      int code = Decimals.nonNegativeInt(s, at, end);
      if (code < 0) {
        return "'" + s.substring(at, end) + "' at offset " + at + " is not a code";
      }
      codes.add(code);
      if (end == to) {
        return null;
      }
      at = end + 1;
    }
  }
}
