package io.distok.lucene.index;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;

/**
 * User fields of indexed items or nodes (titles, prices, flags), read from JSONL: one object per line with the
 * item's {@code "id"} and any fields, e.g. {@code {"id": "B001", "title": "red lipstick", "price": 12.5}}. A field's
 * type comes from its first value and must stay the same in every line and every later indexing run (recorded in
 * the index). Reading is O(size of the file).
 */
public final class UserFields {
  /** How a user field is indexed. */
  public enum Type {
    /** Analysed text (StandardAnalyzer), stored; searched with the query syntax ({@code title:lipstick}). */
    TEXT,
    /** A whole-number value: points, doc values and stored; range filters ({@code year>=2000}). */
    LONG,
    /** A real value: points, doc values and stored; range filters ({@code price<20}). */
    DOUBLE,
    /** true or false, one term, stored. */
    BOOLEAN;

    static Type of(Object value) {
      return switch (value) {
        case String s -> TEXT;
        case Boolean b -> BOOLEAN;
        case Integer i -> LONG;
        case Long l -> LONG;
        case java.math.BigInteger b -> LONG;
        case Number n -> DOUBLE;
        default -> null;
      };
    }
  }

  private UserFields() {}

  /**
   * Reads a JSONL file of user fields: id to (field to value), in file order.
   *
   * @throws InvalidInputException naming the file and line of a malformed line, a missing or repeated id, a
   *     reserved field name, a nested value, or a field whose type changes
   */
  public static Map<String, Map<String, Object>> read(Path file) throws IOException {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    Map<String, Type> types = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo;
        Map<String, Object> obj;
        try {
          obj = JSON.std.mapFrom(line);
        } catch (IOException | RuntimeException e) {
          throw new InvalidInputException(where + ": not a JSON object (" + firstLine(e.getMessage()) + ")");
        }
        Object id = obj.remove(IndexSchema.ID);
        if (!(id instanceof String) && !(id instanceof Number)) {
          throw new InvalidInputException(where + ": needs an \"id\" (a string or a number)");
        }
        String key = String.valueOf(id);
        for (Map.Entry<String, Object> e : obj.entrySet()) {
          require(types, e.getKey(), e.getValue(), where);
        }
        if (out.put(key, obj) != null) {
          throw new InvalidInputException(where + ": id '" + key + "' appears twice");
        }
      }
    }
    return out;
  }

  /**
   * The field types after {@code fields} (item id to its field values), starting from {@code known}; every value
   * is checked before the caller writes a document.
   *
   * @throws InvalidInputException naming {@code source} and the item on a reserved name or a type that changes
   */
  static Map<String, Type> checkedTypes(Map<String, Type> known, Map<String, Map<String, Object>> fields,
      String source) {
    Map<String, Type> types = new java.util.TreeMap<>(known);
    for (Map.Entry<String, Map<String, Object>> e : fields.entrySet()) {
      for (Map.Entry<String, Object> f : e.getValue().entrySet()) {
        require(types, f.getKey(), f.getValue(), source + ", item '" + e.getKey() + "'");
      }
    }
    return types;
  }

  /** Checks one field value against the types seen so far (recording a new field's type). */
  static Type require(Map<String, Type> types, String name, Object value, String where) {
    if (IndexSchema.RESERVED.contains(name) || name.isEmpty() || name.startsWith("distok.")) {
      throw new InvalidInputException(where + ": field name '" + name + "' is reserved; rename it");
    }
    Type t = Type.of(value);
    if (t == null) {
      throw new InvalidInputException(where + ": field '" + name + "' must be a string, number or boolean, not "
          + (value == null ? "null" : value instanceof List<?> ? "a list" : "an object"));
    }
    Type known = types.get(name);
    if (known == null) {
      types.put(name, t);
      return t;
    }
    if (known == Type.DOUBLE && t == Type.LONG) {
      return known; // 20 in a field of prices is 20.0
    }
    if (known != t) {
      throw new InvalidInputException(where + ": field '" + name + "' holds " + t.name().toLowerCase(java.util.Locale.ROOT)
          + " here but " + known.name().toLowerCase(java.util.Locale.ROOT) + " before");
    }
    return t;
  }

  /** Adds the Lucene fields of one value of a field of type {@code type}. */
  static void add(Document doc, String name, Type type, Object value) {
    switch (type) {
      case TEXT -> doc.add(new TextField(name, (String) value, Field.Store.YES));
      case LONG -> doc.add(new LongField(name, ((Number) value).longValue(), Field.Store.YES));
      case DOUBLE -> doc.add(new DoubleField(name, ((Number) value).doubleValue(), Field.Store.YES));
      case BOOLEAN -> doc.add(new StringField(name, value.toString(), Field.Store.YES));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
