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
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Items with their embeddings: row {@code i} of {@link #vectors()} is the embedding of item {@code ids().get(i)}.
 * Ids are unique; vectors are finite.
 *
 * @param unitNorm whether the rows were scaled to unit L2 norm by {@link #normalized} or {@link
 *     #normalizedInPlace} (so normalising again is a no-op)
 */
public record ItemEmbeddings(List<String> ids, FloatMatrix vectors, boolean unitNorm) {

  /** Validates and wraps, the rows as given. */
  public ItemEmbeddings(List<String> ids, FloatMatrix vectors) {
    this(ids, vectors, false);
  }

  /**
   * Validates and wraps. Checking the ids costs O(n) expected with about 8 bytes per item (none for row-number
   * ids, which are distinct by construction).
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
    ids = CheckedIds.of(ids);
    vectors.requireFinite("item embeddings");
  }

  /**
   * An immutable id list known to hold distinct ids: row numbers (no strings stored), or a checked copy. Building
   * an ItemEmbeddings on one skips the id checks.
   */
  private abstract static sealed class CheckedIds extends AbstractList<String> implements RandomAccess {
    static CheckedIds of(List<String> ids) {
      if (ids instanceof CheckedIds c) {
        return c;
      }
      String[] a = ids.toArray(new String[0]);
      int[] slots = new int[ItemTable.tableSize(a.length)];
      for (int i = 0; i < a.length; i++) {
        if (a[i] == null) {
          throw new InvalidInputException("item id of row " + i + " is missing");
        }
        int earlier = ItemTable.putName(slots, a, i);
        if (earlier >= 0) {
          throw new InvalidInputException("duplicate item id '" + a[i] + "' (rows " + earlier + " and " + i + ")");
        }
      }
      return new Named(a);
    }
  }

  private static final class Named extends CheckedIds {
    private final String[] ids;

    Named(String[] ids) {
      this.ids = ids;
    }

    @Override
    public String get(int index) {
      return ids[index];
    }

    @Override
    public int size() {
      return ids.length;
    }
  }

  private static final class RowNumbers extends CheckedIds {
    private final long first;
    private final int n;

    RowNumbers(long first, int n) {
      this.first = first;
      this.n = n;
    }

    @Override
    public String get(int index) {
      return Long.toString(first + Objects.checkIndex(index, n));
    }

    @Override
    public int size() {
      return n;
    }
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

  /**
   * Items numbered {@code first} to {@code first + n - 1} in row order (a block of a larger numbered file), one
   * embedding per row of {@code vectors}.
   */
  public static ItemEmbeddings numberedFrom(long first, FloatMatrix vectors) {
    if (first < 0) {
      throw new IllegalArgumentException("first row number must be >= 0, got " + first);
    }
    return new ItemEmbeddings(new RowNumbers(first, vectors.rows()), vectors);
  }

  /** {@code "0"} to {@code "n-1"}, computed when read. */
  private static List<String> rowNumbers(int n) {
    return new RowNumbers(0, n);
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
    return new ItemEmbeddings(ids, FloatMatrix.ofRows(rows));
  }

  /** Items read from a graph source (Neo4j, JGraphT): node ids become item ids. */
  public static ItemEmbeddings of(io.distok.source.NodeVectors nodes) {
    return new ItemEmbeddings(nodes.ids(), nodes.vectors());
  }

  /** A copy whose rows are scaled to unit L2 norm (zero rows stay zero); these items when they already are. */
  public ItemEmbeddings normalized() {
    return unitNorm ? this
        : new ItemEmbeddings(ids, io.distok.quant.transform.L2Normalization.normalizeRows(vectors), true);
  }

  /**
   * Scales the rows of {@link #vectors()} to unit L2 norm in place, overwriting them, and returns the items
   * marked as normalised: for a caller that owns the matrix (one just read from a file), this saves the copy
   * {@link #normalized} makes (n d floats). The values are the same as {@link #normalized}'s, bit for bit.
   */
  public ItemEmbeddings normalizedInPlace() {
    if (unitNorm) {
      return this;
    }
    float[] a = vectors.data();
    io.distok.quant.transform.L2Normalization.normalizeRows(a, 0, vectors.rows(), vectors.cols(), a);
    return new ItemEmbeddings(ids, vectors, true);
  }
}
