package io.distok.quant.io;

import io.distok.quant.FloatMatrix;
import io.distok.quant.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * CSV / TSV / whitespace-separated text of floats, one vector per line, with an optional leading id column and
 * an optional header line. The separator is a tab for {@code .tsv}, a comma for {@code .csv}, otherwise
 * guessed from the first line. Blank lines and lines starting with {@code #} are skipped.
 */
public final class Delimited {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private Delimited() {}

  /** Whether the first column holds ids. */
  public enum IdColumn {
    /** Ids when the first field of the first data line is not a number. */
    AUTO,
    YES,
    NO
  }

  /** Reads the file; line numbers in errors are 1-based. */
  public static LabeledMatrix read(Path file, IdColumn idColumn) throws IOException {
    String base = Inputs.baseName(file);
    Pattern sep = base.endsWith(".tsv") ? Pattern.compile("\t") : base.endsWith(".csv") ? Pattern.compile(",")
        : null;
    List<String> ids = new ArrayList<>();
    float[] values = new float[1024];
    int size = 0;
    int dim = -1;
    int rows = 0;
    Boolean hasIds = idColumn == IdColumn.AUTO ? null : idColumn == IdColumn.YES;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8))) {
      String line;
      int lineNo = 0;
      boolean first = true;
      while ((line = r.readLine()) != null) {
        lineNo++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        if (sep == null) {
          sep = trimmed.contains("\t") ? Pattern.compile("\t") : trimmed.contains(",") ? Pattern.compile(",")
              : WHITESPACE;
        }
        String[] fields = sep.split(trimmed, -1);
        if (first) {
          first = false;
          if (isHeader(fields, hasIds)) {
            continue;
          }
        }
        if (hasIds == null) {
          hasIds = !isNumber(fields[0].strip());
        }
        int start = hasIds ? 1 : 0;
        int d = fields.length - start;
        if (d <= 0) {
          throw new InvalidInputException(file + ", line " + lineNo + ": no values");
        }
        if (dim < 0) {
          dim = d;
        } else if (d != dim) {
          throw new InvalidInputException(file + ", line " + lineNo + ": dimension " + d + " != " + dim
              + " of the first row");
        }
        if (hasIds) {
          ids.add(fields[0].strip());
        }
        if (size + d > values.length) {
          long grown = Math.max((long) values.length * 2, (long) size + d);
          if (grown > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException(file + ": too many values");
          }
          values = java.util.Arrays.copyOf(values, (int) grown);
        }
        for (int j = 0; j < d; j++) {
          String f = fields[start + j].strip();
          float v;
          try {
            v = Float.parseFloat(f);
          } catch (NumberFormatException e) {
            throw new InvalidInputException(file + ", line " + lineNo + ", column " + (start + j + 1)
                + ": not a number: '" + f + "'");
          }
          if (!Float.isFinite(v)) {
            throw new InvalidInputException(file + ", line " + lineNo + ", column " + (start + j + 1) + ": "
                + (Float.isNaN(v) ? "NaN" : "infinite value"));
          }
          values[size++] = v;
        }
        rows++;
      }
    }
    if (rows == 0) {
      throw new InvalidInputException(file + ": no data rows");
    }
    return new LabeledMatrix(Boolean.TRUE.equals(hasIds) ? List.copyOf(ids) : null,
        FloatMatrix.wrap(java.util.Arrays.copyOf(values, size), rows, dim));
  }

  /** A first line is a header when any field that should be a value is not a number. */
  private static boolean isHeader(String[] fields, Boolean hasIds) {
    int nonNumeric = 0;
    for (int i = 1; i < fields.length; i++) {
      if (!isNumber(fields[i].strip())) {
        nonNumeric++;
      }
    }
    if (Boolean.FALSE.equals(hasIds) && fields.length > 0 && !isNumber(fields[0].strip())) {
      nonNumeric++;
    }
    return nonNumeric > 0 && nonNumeric >= (fields.length - 1) / 2 + (fields.length == 1 ? 1 : 0);
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
