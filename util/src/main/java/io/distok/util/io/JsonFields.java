package io.distok.util.io;

import io.distok.util.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from a parsed JSON object (as jackson-jr gives it: maps, lists, numbers, strings, booleans), each
 * failure an {@link InvalidInputException} naming the source file and the key, so that every store reads its
 * files with the same checks and messages.
 *
 * @param map the object
 * @param source the file or object named in messages
 * @param noun what a key is called in messages: {@code parameter}, {@code figure}, {@code entry}
 */
public record JsonFields(Map<String, Object> map, String source, String noun) {

  /** Whether {@code key} is present (and not null). */
  public boolean has(String key) {
    return map.get(key) != null;
  }

  /** The value of {@code key}, which must be present. */
  public Object get(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw new InvalidInputException(source + ": missing " + noun + " '" + key + "'");
    }
    return v;
  }

  /** The number at {@code key}. */
  public Number number(String key) {
    Object v = get(key);
    if (!(v instanceof Number n)) {
      throw new InvalidInputException(source + ": " + noun + " '" + key + "' is not a number: " + v);
    }
    return n;
  }

  public int integer(String key) {
    return number(key).intValue();
  }

  public long longInteger(String key) {
    return number(key).longValue();
  }

  public double real(String key) {
    return number(key).doubleValue();
  }

  /** The string at {@code key}. */
  public String string(String key) {
    Object v = get(key);
    if (!(v instanceof String s)) {
      throw new InvalidInputException(source + ": " + noun + " '" + key + "' is not a string: " + v);
    }
    return s;
  }

  /** The boolean at {@code key}, or {@code absent} when the key is not there. */
  public boolean bool(String key, boolean absent) {
    Object v = map.get(key);
    if (v == null) {
      return absent;
    }
    if (!(v instanceof Boolean b)) {
      throw new InvalidInputException(source + ": " + noun + " '" + key + "' is not true or false: " + v);
    }
    return b;
  }

  /** The list at {@code key}. */
  public List<?> list(String key) {
    Object v = get(key);
    if (!(v instanceof List<?> l)) {
      throw new InvalidInputException(source + ": " + noun + " '" + key + "' is not a list");
    }
    return l;
  }

  /** The integers of the list at {@code key}. */
  public int[] integers(String key) {
    List<?> l = list(key);
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n)) {
        throw new InvalidInputException(source + ": " + noun + " '" + key + "' holds a non-number: " + l.get(i));
      }
      out[i] = n.intValue();
    }
    return out;
  }

  /** The object at {@code key}. */
  public Map<?, ?> object(String key) {
    Object v = get(key);
    if (!(v instanceof Map<?, ?> m)) {
      throw new InvalidInputException(source + ": " + noun + " '" + key + "' is not an object");
    }
    return m;
  }
}
