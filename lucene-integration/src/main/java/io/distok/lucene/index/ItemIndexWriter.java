package io.distok.lucene.index;

import io.distok.lucene.analysis.CodeTerms;
import io.distok.lucene.analysis.SemanticIdTerms;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdModel;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Writes an on-disk Lucene index of catalogue items tokenized by a {@link SemanticIdModel}. Each item is one
 * document: its id (one stored term), its semantic ID as prefix terms of every depth ({@link
 * IndexSchema#SEMANTIC_ID}) and as tokens, its raw quantizer codes as code terms ({@link IndexSchema#CODES}) and
 * packed in binary doc values (exact rescoring without the vectors), optionally its vector in a {@link
 * KnnFloatVectorField}, and any user fields. The model's fingerprint is recorded in the commit data; opening an
 * index with another model is refused.
 *
 * <p>Incremental: {@link #put} adds or replaces items (new items get their stable IDs from the model, which grows;
 * save it with the index), {@link #delete} removes items (their postings go; their IDs stay reserved in the model).
 * Nothing is visible until {@link #commit}; an interrupted run (crash, kill, Ctrl-C) leaves the last commit as it
 * was, since closing without a commit rolls back. One writer per index at a time (Lucene's write lock). Cost per
 * item O(d K L) to assign a new one, O(L^2) terms to index.
 */
public final class ItemIndexWriter implements Closeable {
  static final String KIND = "items";

  private final Path path;
  private final FSDirectory directory;
  private final IndexWriter writer;
  private final boolean storeVectors;
  private final Map<String, UserFields.Type> fieldTypes;
  private SemanticIdModel model;

  private ItemIndexWriter(Path path, FSDirectory directory, IndexWriter writer, SemanticIdModel model,
      boolean storeVectors, Map<String, UserFields.Type> fieldTypes) {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.model = model;
    this.storeVectors = storeVectors;
    this.fieldTypes = fieldTypes;
  }

  /**
   * Opens the index in {@code dir} for writing, creating it (and the directory) when there is none.
   *
   * @param storeVectors whether to store each item's vector (ignored for an existing index, which keeps its choice)
   * @param modelName how to name the model in messages (e.g. its directory)
   * @throws InvalidInputException if the index was built with another model or is not an item index, or another
   *     writer holds it
   */
  public static ItemIndexWriter open(Path dir, SemanticIdModel model, boolean storeVectors, String modelName)
      throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": not a directory");
    }
    Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    try {
      IndexSchema schema = IndexSchema.read(directory, dir);
      if (schema != null) {
        schema.requireModel(KIND, model.fingerprint(), dir, modelName);
        storeVectors = schema.storesVectors();
      }
      IndexWriter writer = IndexWriters.open(directory, dir);
      return new ItemIndexWriter(dir, directory, writer, model, storeVectors,
          schema == null ? new TreeMap<>() : new TreeMap<>(schema.userFields()));
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** The model as it is now (grown by the new items of {@link #put}). */
  public SemanticIdModel model() {
    return model;
  }

  /** Whether documents hold their vectors. */
  public boolean storesVectors() {
    return storeVectors;
  }

  /**
   * Adds the items, replacing those already indexed under the same id. Items the model does not know get their
   * stable IDs now (the model grows; see {@link #model}).
   *
   * @param fields user fields by item id (items without an entry get none); may be empty
   * @param source named in messages about the fields
   * @return the ids of the items that were new to the model
   * @throws InvalidInputException on a vector of the wrong dimension or a field whose type differs from the index's
   */
  public List<String> put(ItemEmbeddings items, Map<String, Map<String, Object>> fields, String source)
      throws IOException {
    return put(items, fields, source, ProgressListener.NONE);
  }

  /** {@link #put(ItemEmbeddings, Map, String)}, reporting documents added as stage "index". */
  public List<String> put(ItemEmbeddings items, Map<String, Map<String, Object>> fields, String source,
      ProgressListener progress) throws IOException {
    Map<String, UserFields.Type> types = UserFields.checkedTypes(fieldTypes, fields, source);
    SemanticIdModel.Assignment a = model.assign(items);
    SemanticIdModel m = a.model();
    ItemEmbeddings space = m.config().normalize() ? items.normalized() : items;
    for (int i = 0; i < items.size(); i++) {
      String id = items.ids().get(i);
      add(m, id, storeVectors ? space.vectors().rowCopy(i) : null, fields.get(id), types);
      if ((i & 4095) == 4095 || i == items.size() - 1) {
        progress.progress("index", i + 1, items.size());
      }
    }
    fieldTypes.putAll(types);
    model = m;
    return a.added();
  }

  /**
   * Adds items the model knows by their IDs alone, without vectors (from a token file, say), replacing those
   * already indexed under the same id. Vector search rescores them from their codes.
   *
   * @throws InvalidInputException naming {@code source} if an item is not in the model, or a field's type differs
   */
  public void putKnown(List<String> ids, Map<String, Map<String, Object>> fields, String source,
      ProgressListener progress) throws IOException {
    for (String id : ids) {
      if (!model.contains(id)) {
        throw new InvalidInputException(source + ": item '" + id + "' is not in the model; give its embedding to "
            + "assign it an ID first");
      }
    }
    Map<String, UserFields.Type> types = UserFields.checkedTypes(fieldTypes, fields, source);
    for (int i = 0; i < ids.size(); i++) {
      add(model, ids.get(i), null, fields.get(ids.get(i)), types);
      if ((i & 4095) == 4095 || i == ids.size() - 1) {
        progress.progress("index", i + 1, ids.size());
      }
    }
    fieldTypes.putAll(types);
  }

  /** Adds or replaces the document of item {@code id} of model {@code m}. */
  private void add(SemanticIdModel m, String id, float[] vector, Map<String, Object> user,
      Map<String, UserFields.Type> types) throws IOException {
    int levels = m.config().levels();
    Document doc = new Document();
    doc.add(new StringField(IndexSchema.ID, id, Field.Store.YES));
    int[] sid = m.codes(id);
    for (String term : SemanticIdTerms.prefixes(sid, sid.length)) {
      doc.add(new StringField(IndexSchema.SEMANTIC_ID, term, Field.Store.NO));
    }
    doc.add(new StoredField(IndexSchema.TOKENS, m.config().format().format(sid)));
    doc.add(new SortedDocValuesField(IndexSchema.ID_ORDER, orderKey(sid)));
    int[] raw = m.rawCodes(id);
    IndexWriters.addCodes(doc, m.quantizer().layout(), raw);
    if (levels >= 2) {
      doc.add(new StringField(IndexSchema.CODES, CodeTerms.cell(raw[0], raw[1]), Field.Store.NO));
    }
    if (vector != null) {
      doc.add(new KnnFloatVectorField(IndexSchema.VECTOR, vector, VectorSimilarityFunction.EUCLIDEAN));
    }
    if (user != null) {
      user.forEach((name, value) -> UserFields.add(doc, name, types.get(name), value));
    }
    writer.updateDocument(new Term(IndexSchema.ID, id), doc);
  }

  /** Removes the items with these ids (ids not indexed are ignored). */
  public void delete(Collection<String> ids) throws IOException {
    Term[] terms = ids.stream().map(id -> new Term(IndexSchema.ID, id)).toArray(Term[]::new);
    writer.deleteDocuments(terms);
  }

  /**
   * Merges the index down to at most {@code maxSegments} segments (1 for the fastest searches of an index that no
   * longer changes); takes time proportional to the index size. Visible after the next {@link #commit}.
   */
  public void forceMerge(int maxSegments) throws IOException {
    writer.forceMerge(maxSegments);
  }

  /** Makes every change so far durable and visible, with the schema in the commit data. */
  public void commit() throws IOException {
    IndexSchema schema = new IndexSchema(KIND, model.fingerprint(), model.dimension(), storeVectors,
        fieldTypes);
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

  /** Where the index is. */
  public Path path() {
    return path;
  }

  /**
   * The ID's codes as big-endian 4-byte words: unsigned byte order of two keys is the order of their IDs (first
   * code first, a prefix before its extensions).
   */
  static BytesRef orderKey(int[] codes) {
    byte[] b = new byte[4 * codes.length];
    for (int j = 0; j < codes.length; j++) {
      int c = codes[j];
      b[4 * j] = (byte) (c >>> 24);
      b[4 * j + 1] = (byte) (c >>> 16);
      b[4 * j + 2] = (byte) (c >>> 8);
      b[4 * j + 3] = (byte) c;
    }
    return new BytesRef(b);
  }
}
