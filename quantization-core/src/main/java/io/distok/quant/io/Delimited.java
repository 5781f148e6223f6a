package io.distok.quant.io;

import io.distok.util.io.Inputs;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV / TSV / whitespace-separated text of floats, one vector per line, with an optional id column and an
 * optional header line. The separator is a tab for {@code .tsv}, a comma for {@code .csv}, otherwise guessed
 * from the first line (tab, comma, else runs of whitespace). CSV and TSV follow RFC 4180 quoting through Apache
 * Commons CSV, so a quoted id may hold the separator. Blank lines and lines starting with {@code #} are skipped.
 *
 * <p>Without explicit {@link Layout} choices: the first line is a header when one of its value fields is not a
 * number or its first field names an id column ({@link #ID_COLUMN_NAMES}); the first column holds ids when the
 * header names it so or when the first field of the first data line is not a number. {@link Table#layout()}
 * says in words which interpretation was taken, so commands can print it.
 */
public final class Delimited {
  /** Header names that mark the first column as an id column. */
  public static final Set<String> ID_COLUMN_NAMES = Set.of("id", "item", "item_id", "itemid", "node", "node_id",
      "nodeid", "key", "name");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private Delimited() {}

  /**
   * How to read the columns. {@code header}: null = detect; {@code idColumn}: null = detect, {@code ""} = no id
   * column, a 1-based column number, or a header name.
   *
   * @param header whether the first line is a header, or null to detect it
   * @param idColumn the id column, {@code ""} for none, or null to detect it
   */
  public record Layout(Boolean header, String idColumn) {
    /** Detect header and id column. */
    public static final Layout AUTO = new Layout(null, null);
  }

  /**
   * A parsed table: ids (or null), the vectors, and a one-line description of the interpretation.
   *
   * @param matrix ids and vectors
   * @param layout for example {@code "items.csv: header line; ids from column 1 'id'; 64 value columns"}
   */
  public record Table(LabeledMatrix matrix, String layout) {}

  /** Reads the file with the given layout choices; line numbers in errors are 1-based. */
  public static Table read(Path file, Layout layout) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8),
        1 << 16)) {
      return parse(file, r, layout);
    } catch (UncheckedIOException e) {
      throw Inputs.describe(file, e.getCause());
    } catch (IOException e) {
      throw Inputs.describe(file, e);
    }
  }

  /** One record with the line it started on. */
  private record Line(long number, String[] fields) {}

  private static Table parse(Path file, BufferedReader br, Layout layout) throws IOException {
    String base = Inputs.baseName(file);
    Character sep = base.endsWith(".tsv") ? Character.valueOf('\t') : base.endsWith(".csv") ? Character.valueOf(',')
        : null;
    Iterator<Line> lines;
    if (sep == null) {
      br.mark(1 << 15);
      String first = null;
      String l;
      while ((l = br.readLine()) != null) {
        String t = l.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          first = t;
          break;
        }
      }
      br.reset();
      sep = first == null ? null : first.contains("\t") ? Character.valueOf('\t') : first.contains(",")
          ? Character.valueOf(',') : null;
    }
    if (sep != null) {
      CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(sep).setCommentMarker('#')
          .setIgnoreEmptyLines(true).setTrim(true).setIgnoreSurroundingSpaces(true).get();
      CSVParser parser = CSVParser.builder().setReader(br).setFormat(format).get();
      Iterator<CSVRecord> it = parser.iterator();
      lines = new Iterator<>() {
        long nextLine = 1;

        @Override
        public boolean hasNext() {
          try {
            return it.hasNext();
          } catch (UncheckedIOException e) {
            throw failure(file, nextLine, e);
          }
        }

        @Override
        public Line next() {
          CSVRecord rec;
          try {
            rec = it.next();
          } catch (UncheckedIOException e) {
            throw failure(file, nextLine, e);
          }
          long start = startLine(rec, parser);
          nextLine = parser.getCurrentLineNumber() + 1;
          return new Line(start, rec.values());
        }
      };
    } else {
      lines = new Iterator<>() {
        long number;
        String pending = advance();

        private String advance() {
          try {
            String l;
            while ((l = br.readLine()) != null) {
              number++;
              String t = l.strip();
              if (!t.isEmpty() && !t.startsWith("#")) {
                return t;
              }
            }
            return null;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public boolean hasNext() {
          return pending != null;
        }

        @Override
        public Line next() {
          Line out = new Line(number, WHITESPACE.split(pending, -1));
          pending = advance();
          return out;
        }
      };
    }
    return collect(file, lines, layout);
  }

  /** A parse failure: damaged gzip data, a read error, or malformed CSV (an unclosed quote, say). */
  private static RuntimeException failure(Path file, long line, UncheckedIOException e) {
    IOException cause = e.getCause();
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof java.util.zip.ZipException || t instanceof java.io.EOFException) {
        Inputs.describe(file, (IOException) t); // throws the gzip message
      }
    }
    String m = cause != null ? cause.getMessage() : e.getMessage();
    return new InvalidInputException(file + ", near line " + line + ": " + (m == null ? "malformed CSV"
        : "malformed CSV (" + m.replaceAll("\\s+", " ") + ")"));
  }

  /** The first line of a record: the parser counts the line breaks it consumed, including the record's own. */
  private static long startLine(CSVRecord rec, CSVParser parser) {
    long end = parser.getCurrentLineNumber();
    long breaksInside = 0;
    for (String v : rec.values()) {
      breaksInside += v.chars().filter(c -> c == '\n').count();
    }
    // a record that ends at end of input without a line break is not yet counted
    return Math.max(1, end - breaksInside);
  }

  private static Table collect(Path file, Iterator<Line> lines, Layout layout) {
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    if (!lines.hasNext()) {
      throw new InvalidInputException(file + ": no data rows");
    }
    Line first = lines.next();
    String[] header = null;
    boolean headerDetected = layout.header() == null;
    if (Boolean.TRUE.equals(layout.header()) || (layout.header() == null && looksLikeHeader(first.fields()))) {
      header = first.fields();
      first = lines.hasNext() ? lines.next() : null;
      if (first == null) {
        throw new InvalidInputException(file + ": only a header line, no data rows");
      }
    }
    int idCol = idColumn(file, layout.idColumn(), header, first);
    int width = first.fields().length;
    int dim = width - (idCol >= 0 ? 1 : 0);
    if (dim <= 0) {
      throw new InvalidInputException(file + ", line " + first.number() + ": no values");
    }
    List<String> ids = idCol >= 0 ? new ArrayList<>() : null;
    float[] values = new float[Math.max(1024, dim)];
    int size = 0;
    int rows = 0;
    for (Line line = first; line != null; line = lines.hasNext() ? lines.next() : null) {
      String[] f = line.fields();
      if (f.length != width) {
        throw new InvalidInputException(file + ", line " + line.number() + ": dimension "
            + (f.length - (idCol >= 0 ? 1 : 0)) + " != " + dim + " of the first data line (" + f.length + " fields, "
            + "expected " + width + ")");
      }
      if (size + dim > values.length) {
        long grown = Math.max((long) values.length * 2, (long) size + dim);
        if (grown > Integer.MAX_VALUE - 8) {
          throw new InvalidInputException(file + ": too many values for one matrix (more than 2^31)");
        }
        values = Arrays.copyOf(values, (int) grown);
      }
      for (int c = 0; c < width; c++) {
        String v = f[c];
        if (c == idCol) {
          if (v.isEmpty()) {
            throw new InvalidInputException(file + ", line " + line.number() + ", column " + (c + 1)
                + ": empty id");
          }
          ids.add(v);
          continue;
        }
        float x;
        try {
          x = Float.parseFloat(v);
        } catch (NumberFormatException e) {
          throw new InvalidInputException(file + ", line " + line.number() + ", column " + (c + 1)
              + ": not a number: '" + v + "'" + (rows == 0 && idCol < 0 && c == 0
                  ? " (if this column holds ids, say --id-column 1)" : ""));
        }
        if (!Float.isFinite(x)) {
          throw new InvalidInputException(file + ", line " + line.number() + ", column " + (c + 1) + ": "
              + (Float.isNaN(x) ? "NaN" : "infinite value"));
        }
        values[size++] = x;
      }
      rows++;
    }
    String desc = name + ": " + (header != null ? "header line" + (headerDetected ? " (detected)" : "")
        : "no header") + "; " + (idCol >= 0 ? "ids from column " + (idCol + 1)
            + (header != null ? " '" + header[idCol] + "'" : "") : "no id column") + "; " + dim + " value columns, "
        + rows + " rows";
    return new Table(new LabeledMatrix(ids == null ? null : List.copyOf(ids),
        FloatMatrix.wrap(Arrays.copyOf(values, size), rows, dim)), desc);
  }

  private static int idColumn(Path file, String spec, String[] header, Line first) {
    if (spec == null) {
      if (header != null && ID_COLUMN_NAMES.contains(header[0].toLowerCase(Locale.ROOT))) {
        return 0;
      }
      return isNumber(first.fields()[0]) ? -1 : 0;
    }
    if (spec.isEmpty()) {
      return -1;
    }
    if (spec.chars().allMatch(Character::isDigit)) {
      int c = Integer.parseInt(spec) - 1;
      if (c < 0 || c >= first.fields().length) {
        throw new InvalidInputException(file + ": --id-column " + spec + " is outside the " + first.fields().length
            + " columns (columns count from 1)");
      }
      return c;
    }
    if (header == null) {
      throw new InvalidInputException(file + ": --id-column " + spec + " names a column, but the file has no header "
          + "line (give a column number, or --header)");
    }
    for (int c = 0; c < header.length; c++) {
      if (header[c].equals(spec)) {
        return c;
      }
    }
    throw new InvalidInputException(file + ": no column '" + spec + "' in the header " + String.join(",", header));
  }

  /** A header when a field after the first is not a number, or the first field names an id column. */
  private static boolean looksLikeHeader(String[] fields) {
    if (ID_COLUMN_NAMES.contains(fields[0].toLowerCase(Locale.ROOT))) {
      return true;
    }
    for (int i = 1; i < fields.length; i++) {
      if (!isNumber(fields[i])) {
        return true;
      }
    }
    return fields.length == 1 && !isNumber(fields[0]);
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char c = s.charAt(0);
    if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'N' || c == 'I')) {
      return false;
    }
    try {
      Float.parseFloat(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
