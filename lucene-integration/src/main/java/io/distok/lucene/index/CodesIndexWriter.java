package io.distok.lucene.index;

import io.distok.quant.Codes;
import io.distok.quant.Quantizer;
import io.distok.quant.io.ModelFingerprint;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;

/**
 * Writes an on-disk Lucene index of items encoded by any {@link Quantizer} (the codes {@code distok quantize
 * encode} writes), without a semantic-ID model: one document per item with its id (one stored term), its codes as
 * code terms ({@link IndexSchema#CODES}, {@code m<j>_<code>} per position) and packed in binary doc values (exact
 * rescoring from codes), optionally its vector, and any user fields. The model's {@link ModelFingerprint} is
 * recorded in the commit data (kind {@code codes}); opening the index with another model is refused.
 *
 * <p>Incremental as {@link ItemIndexWriter} is: {@link #put} adds or replaces items by id, {@link #delete} removes
 * them, nothing is visible before {@link #commit}, closing without a commit rolls back, one writer at a time.
 * Cost per item O(positions) terms.
 */
public final class CodesIndexWriter implements Closeable {
  static final String KIND = "codes";

  private final Path path;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final Quantizer model;
  private final String fingerprint;
  private final boolean storeVectors;
  private final Map<String, UserFields.Type> fieldTypes;

  private CodesIndexWriter(Path path, FSDirectory directory, IndexWriter writer, Quantizer model,
      String fingerprint, boolean storeVectors, Map<String, UserFields.Type> fieldTypes) {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.model = model;
    this.fingerprint = fingerprint;
    this.storeVectors = storeVectors;
    this.fieldTypes = fieldTypes;
  }

  /**
   * Opens the codes index in {@code dir} for writing, creating it (and the directory) when there is none.
   *
   * @param storeVectors whether documents will hold their vectors (ignored for an existing index, which keeps its
   *     choice)
   * @param modelName how to name the model in messages (e.g. its directory)
   * @throws InvalidInputException if the index was built with another model or is not a codes index, or another
   *     writer holds it
   */
  public static CodesIndexWriter open(Path dir, Quantizer model, boolean storeVectors, String modelName)
      throws IOException {
    String fingerprint = ModelFingerprint.of(model);
    IndexWriters.Opened o = IndexWriters.open(dir, KIND, fingerprint, modelName);
    IndexSchema schema = o.schema();
    return new CodesIndexWriter(dir, o.directory(), o.writer(), model, fingerprint, schema == null ? storeVectors
        : schema.storesVectors(), schema == null ? new TreeMap<>() : new TreeMap<>(schema.userFields()));
  }

  /** Whether documents hold their vectors. */
  public boolean storesVectors() {
    return storeVectors;
  }

  /**
   * Adds the items, replacing those already indexed under the same id. Everything is checked before the first
   * document goes in.
   *
   * @param ids one per row of {@code codes}, distinct
   * @param codes the model's codes of the items
   * @param vectors the items' vectors (rows as codes), or null; required when the index stores vectors
   * @param fields user fields by item id (items without an entry get none); may be empty
   * @param source names the codes in messages (e.g. the codes file)
   * @throws InvalidInputException naming {@code source} on a code outside the model's range, a count or dimension
   *     that does not match, a repeated id, or a field whose type differs from the index's
   */
  public void put(List<String> ids, Codes codes, FloatMatrix vectors, Map<String, Map<String, Object>> fields,
      String source, ProgressListener progress) throws IOException {
    if (ids.size() != codes.rows()) {
      throw new InvalidInputException(source + ": " + codes.rows() + " rows of codes for " + ids.size() + " ids");
    }
    try {
      model.layout().requireValid(codes);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(source + ": " + e.getMessage() + " (codes of another model?)");
    }
    if (storeVectors && vectors == null) {
      throw new InvalidInputException(path + ": the index stores vectors; give the items' vectors too");
    }
    if (vectors != null) {
      if (vectors.rows() != codes.rows()) {
        throw new InvalidInputException(source + ": " + codes.rows() + " rows of codes for " + vectors.rows()
            + " vectors");
      }
      model.requireCompatible(vectors, "the vectors");
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!seen.add(ids.get(i))) {
        throw new InvalidInputException(source + ": id '" + ids.get(i) + "' appears twice (row " + i + ")");
      }
    }
    Map<String, UserFields.Type> types = UserFields.checkedTypes(fieldTypes, fields, source);
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      Document doc = new Document();
      doc.add(new StringField(IndexSchema.ID, id, Field.Store.YES));
      IndexWriters.addCodes(doc, model.layout(), codes.row(i));
      if (storeVectors) {
        doc.add(new KnnFloatVectorField(IndexSchema.VECTOR, vectors.rowCopy(i), VectorSimilarityFunction.EUCLIDEAN));
      }
      Map<String, Object> user = fields.get(id);
      if (user != null) {
        user.forEach((name, value) -> UserFields.add(doc, name, types.get(name), value));
      }
      writer.updateDocument(new Term(IndexSchema.ID, id), doc);
      if ((i & 4095) == 4095 || i == ids.size() - 1) {
        progress.progress("index", i + 1, ids.size());
      }
    }
    fieldTypes.putAll(types);
  }

  /** Removes the items with these ids (ids not indexed are ignored). */
  public void delete(Collection<String> ids) throws IOException {
    writer.deleteDocuments(ids.stream().map(id -> new Term(IndexSchema.ID, id)).toArray(Term[]::new));
  }

  /** Makes every change so far durable and visible, with the schema in the commit data. */
  public void commit() throws IOException {
    IndexSchema schema = new IndexSchema(KIND, fingerprint, model.dimension(), storeVectors, fieldTypes);
    writer.setLiveCommitData(schema.toCommitData().entrySet());
    writer.commit();
  }

  /** Closes the writer; changes since the last {@link #commit} are discarded. */
  @Override
  public void close() throws IOException {
    try {
      writer.rollback();
    } finally {
      directory.close();
    }
  }
}
