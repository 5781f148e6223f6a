package io.distok.lucene.index;

import io.distok.lucene.analysis.CodeTerms;
import io.distok.lucene.analysis.SemanticIdTerms;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdModel;
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
  /** The keys' type: the index's, or null for a new index until its first items. */
  private IndexSchema.KeyType keyType;

  private ItemIndexWriter(Path path, FSDirectory directory, IndexWriter writer, SemanticIdModel model,
      boolean storeVectors, Map<String, UserFields.Type> fieldTypes, IndexSchema.KeyType keyType) {
    this.path = path;
    this.directory = directory;
    this.writer = writer;
    this.model = model;
    this.storeVectors = storeVectors;
    this.fieldTypes = fieldTypes;
    this.keyType = keyType;
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
    IndexWriters.Opened o = IndexWriters.open(dir, KIND, model.fingerprint(), modelName);
    IndexSchema schema = o.schema();
    return new ItemIndexWriter(dir, o.directory(), o.writer(), model, schema == null ? storeVectors
        : schema.storesVectors(), schema == null ? new TreeMap<>() : new TreeMap<>(schema.userFields()),
        schema == null ? null : schema.keyType());
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
    return put(items, null, fields, source, progress);
  }

  /**
   * {@link #put(ItemEmbeddings, Map, String)} with the items' keys as their source typed them (a Neo4j key
   * property's values, say): integer keys make an index of {@link IndexSchema.KeyType#LONG} keys, whose searches
   * return them as numbers. Without keys (null) the ids are the keys: strings, or integers parsed from the ids
   * when the index already holds long keys.
   *
   * @param keys one per item, {@code String.valueOf(key)} its id, or null
   * @throws InvalidInputException if the keys are of mixed or unsupported types, or of another type than the
   *     index's, besides the cases of {@link #put(ItemEmbeddings, Map, String)}
   */
  public List<String> put(ItemEmbeddings items, List<Object> keys, Map<String, Map<String, Object>> fields,
      String source, ProgressListener progress) throws IOException {
    Map<String, UserFields.Type> types = UserFields.checkedTypes(fieldTypes, fields, source);
    Object[] typed = typedKeys(items.ids(), keys, source);
    SemanticIdModel.Assignment a = model.assign(items);
    SemanticIdModel m = a.model();
    ItemEmbeddings space = m.config().normalize() ? items.normalized() : items;
    for (int i = 0; i < items.size(); i++) {
      String id = items.ids().get(i);
      add(m, id, typed[i], storeVectors ? space.vectors().rowCopy(i) : null, fields.get(id), types);
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
    Object[] typed = typedKeys(ids, null, source);
    for (int i = 0; i < ids.size(); i++) {
      add(model, ids.get(i), typed[i], null, fields.get(ids.get(i)), types);
      if ((i & 4095) == 4095 || i == ids.size() - 1) {
        progress.progress("index", i + 1, ids.size());
      }
    }
    fieldTypes.putAll(types);
  }

  /**
   * The items' keys checked against each other and the index's key type (which a new index takes from them): a
   * Long per item for long keys, else nulls. Everything is checked before the first document goes in.
   */
  private Object[] typedKeys(List<String> ids, List<Object> keys, String source) {
    if (keys != null && keys.size() != ids.size()) {
      throw new IllegalArgumentException(keys.size() + " keys for " + ids.size() + " items");
    }
    IndexSchema.KeyType type = keyType;
    if (keys != null) {
      for (int i = 0; i < keys.size(); i++) {
        String where = source + ", item '" + ids.get(i) + "'";
        IndexSchema.KeyType t = IndexSchema.KeyType.of(keys.get(i), where);
        if (type == null) {
          type = t;
        } else if (t != type) {
          throw new InvalidInputException(where + ": a " + t.name().toLowerCase(java.util.Locale.ROOT) + " key, but "
              + (type == keyType ? "the index " + path + " holds " : "the keys before it are ")
              + type.name().toLowerCase(java.util.Locale.ROOT) + " keys");
        }
      }
    }
    if (type == null) {
      type = IndexSchema.KeyType.STRING;
    }
    Object[] out = new Object[ids.size()];
    if (type == IndexSchema.KeyType.LONG) {
      for (int i = 0; i < out.length; i++) {
        if (keys != null) {
          out[i] = ((Number) keys.get(i)).longValue();
        } else {
          try {
            out[i] = Long.parseLong(ids.get(i));
          } catch (NumberFormatException e) {
            throw new InvalidInputException(source + ", item '" + ids.get(i) + "': the index " + path
                + " holds long keys (from its source's key property), and this id is not an integer");
          }
        }
      }
    }
    keyType = type;
    return out;
  }

  /** Adds or replaces the document of item {@code id} (a long key or null) of model {@code m}. */
  private void add(SemanticIdModel m, String id, Object key, float[] vector, Map<String, Object> user,
      Map<String, UserFields.Type> types) throws IOException {
    int levels = m.config().levels();
    Document doc = new Document();
    doc.add(new StringField(IndexSchema.ID, id, Field.Store.YES));
    if (key != null) {
      doc.add(new org.apache.lucene.document.LongField(IndexSchema.KEY, (Long) key, Field.Store.YES));
    }
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
        fieldTypes, keyType == null ? IndexSchema.KeyType.STRING : keyType);
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
