package io.distok.recsys;

import io.distok.quant.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a code tuple is written as tokens. {@link Style#ANGLE} writes {@code <a_12><b_200><c_37><d_0>} (level
 * letters a, b, c, ... in order; the suffix level takes the next letter), {@link Style#PLAIN} writes {@code
 * 12-200-37-0}. Optional begin and end tokens wrap the angle form, e.g. {@code <sid>} ... {@code </sid>}.
 *
 * @param style token style
 * @param begin begin token, or null
 * @param end end token, or null
 */
public record TokenFormat(Style style, String begin, String end) {

  /** Token styles. */
  public enum Style {
    ANGLE,
    PLAIN
  }

  /** {@code <a_12><b_200><c_37><d_0>} without wrappers. */
  public static final TokenFormat DEFAULT = new TokenFormat(Style.ANGLE, null, null);

  /** Parses {@code angle} or {@code plain}. */
  public static Style parseStyle(String s) {
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "angle" -> Style.ANGLE;
      case "plain" -> Style.PLAIN;
      default -> throw new InvalidInputException("token format must be angle or plain, not '" + s + "'");
    };
  }

  /** The token of {@code code} at position {@code level} (0-based). */
  public String token(int level, int code) {
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
   * wrappers first.
   */
  public List<String> vocabulary(int[] sizes) {
    List<String> v = new ArrayList<>();
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
