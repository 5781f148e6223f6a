package io.distok.quant;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An immutable tuple of codes usable as a map key (a code tuple, an ID, or a prefix of one). */
public record CodeTuple(int[] codes) implements Comparable<CodeTuple> {
  public CodeTuple {
    codes = codes.clone();
  }

  @Override
  public int[] codes() {
    return codes.clone();
  }

  public int length() {
    return codes.length;
  }

  public int get(int i) {
    return codes[i];
  }

  /** The first {@code n} codes. */
  public CodeTuple prefix(int n) {
    return new CodeTuple(Arrays.copyOf(codes, n));
  }

  /** This tuple with {@code code} appended. */
  public CodeTuple append(int code) {
    int[] c = Arrays.copyOf(codes, codes.length + 1);
    c[codes.length] = code;
    return new CodeTuple(c);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodeTuple t && Arrays.equals(codes, t.codes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(codes);
  }

  @Override
  public int compareTo(CodeTuple o) {
    return Arrays.compare(codes, o.codes);
  }

  @Override
  public String toString() {
    return Arrays.toString(codes);
  }

  /** How many rows hold each distinct tuple. O(n m). */
  public static Map<CodeTuple, Integer> counts(List<int[]> rows) {
    Map<CodeTuple, Integer> counts = new HashMap<>();
    for (int[] r : rows) {
      counts.merge(new CodeTuple(r), 1, Integer::sum);
    }
    return counts;
  }

  /** Share of the {@code rows} rows counted in {@code counts} whose tuple is also another row's. */
  public static double sharedRate(Map<CodeTuple, Integer> counts, int rows) {
    long shared = 0;
    for (int c : counts.values()) {
      if (c > 1) {
        shared += c;
      }
    }
    return rows == 0 ? 0 : shared / (double) rows;
  }
}
