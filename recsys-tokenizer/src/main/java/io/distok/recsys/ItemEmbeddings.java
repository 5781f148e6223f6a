package io.distok.recsys;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.io.Inputs;
import io.distok.quant.io.Delimited;
import io.distok.quant.io.LabeledMatrix;
import io.distok.quant.io.MatrixReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items with their embeddings: row {@code i} of {@link #vectors()} is the embedding of item {@code ids().get(i)}.
 * Ids are unique; vectors are finite.
 */
public record ItemEmbeddings(List<String> ids, FloatMatrix vectors) {

  /**
   * Validates and wraps.
   *
   * @throws InvalidInputException on duplicate ids, a count mismatch or a non-finite value
   */
  public ItemEmbeddings {
    if (ids.size() != vectors.rows()) {
      throw new InvalidInputException(ids.size() + " item ids for " + vectors.rows() + " embeddings");
    }
    if (vectors.rows() == 0) {
      throw new InvalidInputException("no items");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      Integer prev = seen.putIfAbsent(ids.get(i), i);
      if (prev != null) {
        throw new InvalidInputException("duplicate item id '" + ids.get(i) + "' (rows " + prev + " and " + i + ")");
      }
    }
    vectors.requireFinite("item embeddings");
    ids = List.copyOf(ids);
  }

  public int size() {
    return ids.size();
  }

  public int dimension() {
    return vectors.cols();
  }

  /**
   * Reads embeddings from a matrix file ({@code .npy}, {@code .fvecs}, CSV/TSV with an optional id column) and
   * ids from {@code idFile} (one per line) when given, else from the file's id column, else row numbers
   * {@code 0..n-1}.
   */
  public static ItemEmbeddings read(Path matrixFile, Path idFile) throws IOException {
    return read(matrixFile, idFile, Delimited.Layout.AUTO, null);
  }

  /**
   * As {@link #read(Path, Path)}, with explicit header / id-column choices for a text file; {@code layoutNote}
   * (may be null) receives the one-line description of how a text file was read.
   */
  public static ItemEmbeddings read(Path matrixFile, Path idFile, Delimited.Layout layout,
      java.util.function.Consumer<String> layoutNote) throws IOException {
    LabeledMatrix m = MatrixReader.read(matrixFile, layout, layoutNote);
    List<String> ids;
    if (idFile != null) {
      ids = readIds(idFile);
      if (ids.size() != m.matrix().rows()) {
        throw new InvalidInputException(idFile + ": " + ids.size() + " ids but " + matrixFile + " has "
            + m.matrix().rows() + " rows");
      }
    } else if (m.hasIds()) {
      ids = m.ids();
    } else {
      ids = rowNumbers(m.matrix().rows());
    }
    try {
      return new ItemEmbeddings(ids, m.matrix());
    } catch (InvalidInputException e) {
      throw new InvalidInputException((idFile != null ? idFile : matrixFile) + ": " + e.getMessage());
    }
  }

  /**
   * One id per non-blank line (gzip allowed): the first field of a CSV ({@code .csv}, comma) or TSV (otherwise,
   * tab) record, RFC 4180 quotes allowed.
   */
  public static List<String> readIds(Path idFile) throws IOException {
    List<String> ids = new ArrayList<>();
    char sep = Inputs.baseName(idFile).endsWith(".csv") ? ',' : '\t';
    org.apache.commons.csv.CSVFormat format = io.distok.util.io.CsvWriter.format(sep).builder()
        .setIgnoreEmptyLines(true).setTrim(true).get();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Inputs.open(idFile), StandardCharsets.UTF_8));
        org.apache.commons.csv.CSVParser p = org.apache.commons.csv.CSVParser.builder().setReader(r)
            .setFormat(format).get()) {
      for (org.apache.commons.csv.CSVRecord rec : p) {
        String id = rec.get(0);
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw new InvalidInputException(idFile + ": malformed id file (" + e.getCause().getMessage() + ")");
    }
    return ids;
  }

  /**
   * Items numbered {@code "0"} to {@code "n-1"} in row order, one embedding per row (copied).
   *
   * @throws InvalidInputException if the rows are empty, ragged or hold a non-finite value
   */
  public static ItemEmbeddings of(float[][] rows) {
    return of(rowNumbers(rows.length), rows);
  }

  /** Items numbered {@code "0"} to {@code "n-1"} in row order, one embedding per row of {@code vectors}. */
  public static ItemEmbeddings numbered(FloatMatrix vectors) {
    return new ItemEmbeddings(rowNumbers(vectors.rows()), vectors);
  }

  /** {@code "0"} to {@code "n-1"}. */
  private static List<String> rowNumbers(int n) {
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(Integer.toString(i));
    }
    return ids;
  }

  /** Items with the given ids, one embedding per row (copied). */
  public static ItemEmbeddings of(List<String> ids, float[][] rows) {
    if (rows.length == 0) {
      throw new InvalidInputException("no items");
    }
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].length != rows[0].length) {
        throw new InvalidInputException("embedding " + i + " has " + rows[i].length + " values, embedding 0 has "
            + rows[0].length);
      }
    }
    return new ItemEmbeddings(List.copyOf(ids), FloatMatrix.ofRows(rows));
  }

  /** Items read from a graph source (Neo4j, JGraphT): node ids become item ids. */
  public static ItemEmbeddings of(io.distok.source.NodeVectors nodes) {
    return new ItemEmbeddings(nodes.ids(), nodes.vectors());
  }

  /** A copy whose rows are scaled to unit L2 norm (zero rows stay zero). */
  public ItemEmbeddings normalized() {
    return new ItemEmbeddings(ids, io.distok.quant.transform.L2Normalization.normalizeRows(vectors));
  }
}
