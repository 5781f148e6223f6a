package io.distok.quant.io;

import io.distok.quant.Codes;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a codes file as {@code distok quantize encode} writes it: {@code .npy} (int32 or another integer type, rows
 * x positions) or CSV/TSV with a header line ({@code [id,]c0,c1,...}: the first column holds ids when its header
 * is not {@code c0}). O(file size).
 */
public final class CodesFile {
  private CodesFile() {}

  /**
   * The codes of a file, with the ids of its id column (null when it has none).
   *
   * @param ids one per row, or null
   * @param codes rows x positions
   */
  public record Labeled(List<String> ids, Codes codes) {}

  /**
   * Reads {@code file}.
   *
   * @throws InvalidInputException naming the file and line on a missing header, a row of another width, a value
   *     that is not a non-negative integer, or an unreadable file
   */
  public static Labeled read(Path file) throws IOException {
    String base = Inputs.baseName(file);
    if (base.endsWith(".npy")) {
      return new Labeled(null, Npy.readCodes(file));
    }
    if (!base.endsWith(".tsv") && !base.endsWith(".csv")) {
      throw new InvalidInputException(file + ": a codes file must end in .npy, .csv or .tsv");
    }
    char sep = base.endsWith(".tsv") ? '\t' : ',';
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(sep).setIgnoreEmptyLines(true).setTrim(true).get();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(file), StandardCharsets.UTF_8),
        1 << 16); CSVParser parser = CSVParser.builder().setReader(r).setFormat(format).get()) {
      List<String> ids = null;
      List<int[]> rows = new ArrayList<>();
      int positions = -1;
      boolean idColumn = false;
      for (CSVRecord rec : parser) {
        String where = file + ":" + parser.getCurrentLineNumber();
        if (positions < 0) {
          idColumn = rec.size() > 0 && !rec.get(0).equals("c0");
          positions = rec.size() - (idColumn ? 1 : 0);
          for (int j = 0; j < positions; j++) {
            if (!rec.get(j + (idColumn ? 1 : 0)).equals("c" + j)) {
              throw new InvalidInputException(where + ": expected a header [id,]c0,c1,... as quantize encode writes, "
                  + "got '" + String.join(String.valueOf(sep), rec.toList()) + "'");
            }
          }
          if (positions == 0) {
            throw new InvalidInputException(where + ": the header names no code column");
          }
          ids = idColumn ? new ArrayList<>() : null;
          continue;
        }
        int width = positions + (idColumn ? 1 : 0);
        if (rec.size() != width) {
          throw new InvalidInputException(where + ": " + rec.size() + " fields, the header has " + width);
        }
        int[] row = new int[positions];
        for (int j = 0; j < positions; j++) {
          String v = rec.get(j + (idColumn ? 1 : 0));
          try {
            row[j] = Integer.parseInt(v);
          } catch (NumberFormatException e) {
            row[j] = -1;
          }
          if (row[j] < 0) {
            throw new InvalidInputException(where + ": code c" + j + " '" + v + "' is not a non-negative integer");
          }
        }
        if (idColumn) {
          ids.add(rec.get(0));
        }
        rows.add(row);
      }
      if (positions < 0) {
        throw new InvalidInputException(file + ": empty (expected a header [id,]c0,c1,... and one row per item)");
      }
      int[] data = new int[rows.size() * positions];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, data, i * positions, positions);
      }
      return new Labeled(ids, Codes.wrap(data, rows.size(), positions));
    } catch (UncheckedIOException e) {
      throw Inputs.describe(file, e.getCause());
    }
  }
}
