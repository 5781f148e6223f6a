package io.distok.lucene.search;

import io.distok.lucene.index.IndexSchema;
import io.distok.lucene.index.UserFields;
import io.distok.util.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The text and field parts of a hybrid search, built against an index's recorded user fields: a text query in
 * Lucene's classic syntax over the text fields ({@code title:lipstick}, {@code red AND matte}), and filters of the
 * form {@code FIELD OP VALUE} with OP one of {@code < <= > >= =} on number fields and {@code =} on text and boolean
 * fields ({@code price<20}, {@code year>=2000}, {@code brand=acme}, {@code vegan=true}).
 */
public final class QueryConstraints {
  private static final Pattern FILTER = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*(<=|>=|<|>|=)\\s*(.+?)\\s*");

  private QueryConstraints() {}

  /**
   * The query of a text part and filters, or null when both are absent.
   *
   * @param text classic query syntax, or null; bare words search every text field
   * @param filters filter expressions (each must match)
   * @throws InvalidInputException naming the expression and what is wrong with it
   */
  public static Query of(IndexSchema schema, String text, List<String> filters) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    boolean any = false;
    if (text != null && !text.isBlank()) {
      String[] fields = schema.userFields().entrySet().stream().filter(e -> e.getValue() == UserFields.Type.TEXT)
          .map(java.util.Map.Entry::getKey).toArray(String[]::new);
      if (fields.length == 0) {
        throw new InvalidInputException("text query '" + text + "': the index has no text fields");
      }
      try {
        b.add(new MultiFieldQueryParser(fields, new StandardAnalyzer()).parse(text), BooleanClause.Occur.MUST);
      } catch (ParseException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        throw new InvalidInputException("text query '" + text + "': " + m);
      }
      any = true;
    }
    for (String f : filters) {
      b.add(filter(schema, f), BooleanClause.Occur.FILTER);
      any = true;
    }
    return any ? b.build() : null;
  }

  /** One filter expression as a query. */
  static Query filter(IndexSchema schema, String expression) {
    Matcher m = FILTER.matcher(expression);
    if (!m.matches()) {
      throw new InvalidInputException("filter '" + expression + "': expected FIELD OP VALUE with OP one of < <= > >="
          + " =, e.g. price<20");
    }
    String field = m.group(1);
    String op = m.group(2);
    String value = m.group(3);
    UserFields.Type type = schema.userFields().get(field);
    if (type == null) {
      throw new InvalidInputException("filter '" + expression + "': the index has no field '" + field + "'"
          + (schema.userFields().isEmpty() ? "" : "; it has " + String.join(", ", schema.userFields().keySet())));
    }
    try {
      return switch (type) {
        case LONG -> {
          long v = Long.parseLong(value);
          yield switch (op) {
            case "<" -> LongField.newRangeQuery(field, Long.MIN_VALUE, Math.addExact(v, -1));
            case "<=" -> LongField.newRangeQuery(field, Long.MIN_VALUE, v);
            case ">" -> LongField.newRangeQuery(field, Math.addExact(v, 1), Long.MAX_VALUE);
            case ">=" -> LongField.newRangeQuery(field, v, Long.MAX_VALUE);
            default -> LongField.newExactQuery(field, v);
          };
        }
        case DOUBLE -> {
          double v = Double.parseDouble(value);
          if (!Double.isFinite(v)) {
            throw new NumberFormatException("not finite");
          }
          yield switch (op) {
            case "<" -> DoubleField.newRangeQuery(field, Double.NEGATIVE_INFINITY, Math.nextDown(v));
            case "<=" -> DoubleField.newRangeQuery(field, Double.NEGATIVE_INFINITY, v);
            case ">" -> DoubleField.newRangeQuery(field, Math.nextUp(v), Double.POSITIVE_INFINITY);
            case ">=" -> DoubleField.newRangeQuery(field, v, Double.POSITIVE_INFINITY);
            default -> DoubleField.newExactQuery(field, v);
          };
        }
        case BOOLEAN -> {
          if (!op.equals("=") || !(value.equals("true") || value.equals("false"))) {
            throw new InvalidInputException("filter '" + expression + "': field '" + field
                + "' is a flag; write " + field + "=true or " + field + "=false");
          }
          yield new TermQuery(new Term(field, value));
        }
        case TEXT -> {
          if (!op.equals("=")) {
            throw new InvalidInputException("filter '" + expression + "': field '" + field + "' is text; only = applies");
          }
          yield termsOf(field, value);
        }
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidInputException("filter '" + expression + "': '" + value + "' is not a "
          + type.name().toLowerCase(Locale.ROOT) + " value for field '" + field + "'");
    }
  }

  /** Every analysed term of {@code value} must occur in the text field. */
  private static Query termsOf(String field, String value) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    try (var analyzer = new StandardAnalyzer(); var ts = analyzer.tokenStream(field, value)) {
      var term = ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        b.add(new TermQuery(new Term(field, term.toString())), BooleanClause.Occur.FILTER);
      }
      ts.end();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // analysing a String does no I/O
    }
    return b.build();
  }
}
