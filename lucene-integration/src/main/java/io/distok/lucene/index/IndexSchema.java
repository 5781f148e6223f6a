package io.distok.lucene.index;

import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.store.Directory;

/**
 * What a distok index records about itself in its commit user data, so that a reader or a later writer knows how
 * it was built: its kind ({@code items}, {@code codes} or {@code nodes}), the fingerprint of the model that made
 * its tokens, whether raw vectors are stored, the type of each user field and of the items' keys. Field names of
 * the documents are here too.
 *
 * @param kind what the documents are
 * @param fingerprint the model's {@link io.distok.quant.io.ModelFingerprint}
 * @param dimension the model's vector dimension (0 for node indexes)
 * @param storesVectors whether documents hold their vector in {@link #VECTOR}
 * @param userFields user field name to type, in name order
 * @param keyType the type of the items' keys as their source gave them ({@link KeyType#STRING} for indexes
 *     written before keys were typed)
 */
public record IndexSchema(String kind, String fingerprint, int dimension, boolean storesVectors,
    Map<String, UserFields.Type> userFields, KeyType keyType) {
  /**
   * The type of the items' keys. Every document has its key as a string in {@link #ID} (one term, for updates and
   * deletes); a {@code LONG} key is also in {@link #KEY}, as a long (points, doc values, stored), so that a numeric
   * Neo4j key comes back as the number it was and range queries work on it.
   */
  public enum KeyType {
    STRING,
    LONG;

    /**
     * The type of one key: {@code LONG} for a {@code Long}, {@code Integer}, {@code Short} or {@code Byte},
     * {@code STRING} for a string.
     *
     * @throws InvalidInputException naming {@code where} for any other type
     */
    public static KeyType of(Object key, String where) {
      if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
        return LONG;
      }
      if (key instanceof String) {
        return STRING;
      }
      throw new InvalidInputException(where + ": key " + key + " is " + (key == null ? "null" : "a "
          + key.getClass().getSimpleName()) + "; keys must be strings or integers");
    }
  }

  /** A schema with string keys. */
  public IndexSchema(String kind, String fingerprint, int dimension, boolean storesVectors,
      Map<String, UserFields.Type> userFields) {
    this(kind, fingerprint, dimension, storesVectors, userFields, KeyType.STRING);
  }

  /** The item or node id, as given by the source (stored, one term). */
  public static final String ID = "id";
  /** Semantic-ID prefix terms, one per depth ({@code a_12}, {@code a_12/b_200}, ...). */
  public static final String SEMANTIC_ID = "sid";
  /** The semantic ID written as tokens (stored). */
  public static final String TOKENS = "sid_tokens";
  /** The semantic ID's codes as big-endian bytes, so that byte order is ID order (sorted doc values). */
  public static final String ID_ORDER = "sid_order";
  /** A long key as a number (points, doc values, stored), for indexes of {@link KeyType#LONG} keys. */
  public static final String KEY = "key";
  /** Quantizer code terms, one per position ({@code m0_12}, {@code m1_200}, ...). */
  public static final String CODES = "codes";
  /** The quantizer codes packed as the model's code layout packs them (binary doc values), for rescoring. */
  public static final String PACKED_CODES = "codes_packed";
  /** The raw vector in the model's space (after its normalisation), when stored. */
  public static final String VECTOR = "vector";
  /** Anchor terms of a graph node (term frequency = hop weight). */
  public static final String ANCHORS = "anchors";
  /** Relation terms of a graph node. */
  public static final String RELATIONS = "relations";

  /** Names a user field may not take. */
  static final java.util.Set<String> RESERVED = java.util.Set.of(ID, KEY, SEMANTIC_ID, TOKENS, ID_ORDER, CODES,
      PACKED_CODES, VECTOR, ANCHORS, RELATIONS);

  private static final String PREFIX = "distok.";

  public IndexSchema {
    userFields = Collections.unmodifiableMap(new TreeMap<>(userFields));
    java.util.Objects.requireNonNull(keyType, "keyType");
  }

  /** The commit user data that records this schema. */
  Map<String, String> toCommitData() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(PREFIX + "kind", kind);
    m.put(PREFIX + "fingerprint", fingerprint);
    m.put(PREFIX + "dimension", Integer.toString(dimension));
    m.put(PREFIX + "vectors", Boolean.toString(storesVectors));
    StringBuilder f = new StringBuilder();
    userFields.forEach((name, type) -> f.append(f.isEmpty() ? "" : ",").append(name).append(':')
        .append(type.name().toLowerCase(Locale.ROOT)));
    m.put(PREFIX + "fields", f.toString());
    m.put(PREFIX + "keyType", keyType.name().toLowerCase(Locale.ROOT));
    m.put(PREFIX + "version", io.distok.util.io.Version.get());
    return m;
  }

  /**
   * The schema of the index in {@code directory}, from its last commit, or null when there is no index.
   *
   * @throws InvalidInputException naming {@code where} if the index was not written by distok
   */
  public static IndexSchema read(Directory directory, Path where) throws IOException {
    if (!DirectoryReader.indexExists(directory)) {
      return null;
    }
    IndexCommit last = DirectoryReader.listCommits(directory).getLast();
    Map<String, String> m = last.getUserData();
    String kind = m.get(PREFIX + "kind");
    String fingerprint = m.get(PREFIX + "fingerprint");
    if (kind == null || fingerprint == null) {
      throw new InvalidInputException(where + ": a Lucene index, but not one distok wrote (no distok entries in its"
          + " commit data)");
    }
    Map<String, UserFields.Type> fields = new TreeMap<>();
    String list = m.getOrDefault(PREFIX + "fields", "");
    for (String entry : list.isEmpty() ? new String[0] : list.split(",")) {
      int colon = entry.indexOf(':');
      try {
        fields.put(entry.substring(0, colon), UserFields.Type.valueOf(entry.substring(colon + 1)
            .toUpperCase(Locale.ROOT)));
      } catch (RuntimeException e) {
        throw new InvalidInputException(where + ": malformed field entry '" + entry + "' in the index's commit data");
      }
    }
    KeyType keyType;
    try {
      keyType = KeyType.valueOf(m.getOrDefault(PREFIX + "keyType", "string").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + ": unknown key type '" + m.get(PREFIX + "keyType")
          + "' in the index's commit data");
    }
    return new IndexSchema(kind, fingerprint, Integer.parseInt(m.getOrDefault(PREFIX + "dimension", "0")),
        Boolean.parseBoolean(m.get(PREFIX + "vectors")), fields, keyType);
  }

  /**
   * Opens an existing distok index for reading: its directory and the schema of its last commit.
   *
   * @throws InvalidInputException if {@code dir} is not a directory, holds no committed index, or holds one of
   *     another kind than {@code expectedKind}
   */
  public static Opened openExisting(Path dir, String expectedKind) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": no such index directory");
    }
    org.apache.lucene.store.FSDirectory directory = org.apache.lucene.store.FSDirectory.open(dir);
    try {
      IndexSchema schema = read(directory, dir);
      if (schema == null) {
        throw new InvalidInputException(dir + ": holds no index (nothing committed yet?)");
      }
      if (!schema.kind().equals(expectedKind)) {
        throw new InvalidInputException(dir + ": an index of " + schema.kind() + ", not of " + expectedKind);
      }
      return new Opened(directory, schema);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /** An index directory opened for reading, with its schema; closing it closes the directory. */
  public record Opened(org.apache.lucene.store.FSDirectory directory, IndexSchema schema) {}

  /**
   * Checks that an index of this schema may be used with a model of {@code modelFingerprint} for documents of
   * {@code expectedKind}.
   *
   * @throws InvalidInputException naming the index, both fingerprints (short form) and what to do
   */
  public void requireModel(String expectedKind, String modelFingerprint, Path where, String modelName) {
    if (!kind.equals(expectedKind)) {
      throw new InvalidInputException(where + ": an index of " + kind + ", not of " + expectedKind);
    }
    if (!fingerprint.equals(modelFingerprint)) {
      throw new InvalidInputException(where + ": built with model " + io.distok.quant.io.ModelFingerprint.shortForm(
          fingerprint) + ", not with " + modelName + " (" + io.distok.quant.io.ModelFingerprint.shortForm(
          modelFingerprint) + "); use the model it was built with, or index into a new directory");
    }
  }
}
