package io.distok.recsys;

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
 * @param end end token, or null
 */
public record TokenFormat(Style style, String begin, String end) {

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
  static String levelName(int level) {
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
}
