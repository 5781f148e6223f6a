package io.distok.recsys;

import java.util.Arrays;

/** An immutable tuple of codes usable as a map key. */
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
}
