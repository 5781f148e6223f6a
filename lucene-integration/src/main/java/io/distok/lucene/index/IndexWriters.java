package io.distok.lucene.index;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.lucene.analysis.CodeTerms;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;

/** What the writers of vector-searchable indexes (items, codes) share: the writer's set-up and the code fields. */
final class IndexWriters {
  /** Lucene's codec with the raw vectors in {@link RawVectorsFormat} (no graph). */
  private static final Codec CODEC = new Lucene104Codec() {
    private final KnnVectorsFormat raw = new RawVectorsFormat();

    @Override
    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
      return field.equals(IndexSchema.VECTOR) ? raw : super.getKnnVectorsFormatForField(field);
    }
  };

  private IndexWriters() {}

  /**
   * An index directory opened for writing.
   *
   * @param schema the schema of its last commit, or null for a new index
   */
  record Opened(FSDirectory directory, IndexWriter writer, IndexSchema schema) {}

  /**
   * Opens the index of kind {@code kind} in {@code dir} for writing, creating it (and the directory) when there is
   * none; an existing index must have been built with the model of {@code fingerprint}.
   *
   * @throws InvalidInputException if {@code dir} is a file, the index is of another kind or model, or another
   *     writer holds it
   */
  static Opened open(Path dir, String kind, String fingerprint, String modelName) throws IOException {
    if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": not a directory");
    }
    java.nio.file.Files.createDirectories(dir);
    FSDirectory directory = FSDirectory.open(dir);
    try {
      IndexSchema schema = IndexSchema.read(directory, dir);
      if (schema != null) {
        schema.requireModel(kind, fingerprint, dir, modelName);
      }
      return new Opened(directory, open(directory, dir), schema);
    } catch (IOException | RuntimeException e) {
      directory.close();
      throw e;
    }
  }

  /**
   * A writer on {@code directory} (at {@code dir}) that creates or appends, never commits on close, and keeps the
   * raw vectors apart.
   *
   * @throws InvalidInputException if another writer holds the index
   */
  private static IndexWriter open(FSDirectory directory, Path dir) throws IOException {
    IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setCommitOnClose(false)
        // separate files per part (no compound files): the raw vectors' share of the index stays visible
        .setUseCompoundFile(false)
        .setRAMBufferSizeMB(256)
        .setCodec(CODEC);
    config.getMergePolicy().setNoCFSRatio(0.0);
    try {
      return new IndexWriter(directory, config);
    } catch (LockObtainFailedException e) {
      throw new InvalidInputException(dir + ": locked by another writer (is another distok index running?)");
    }
  }

  /**
   * Adds the code terms of one item ({@link IndexSchema#CODES}: {@code m<j>_<code>} per position) and its codes
   * packed by {@code layout} ({@link IndexSchema#PACKED_CODES}) to {@code doc}. O(positions).
   */
  static void addCodes(Document doc, CodeLayout layout, int[] codes) {
    for (int j = 0; j < codes.length; j++) {
      doc.add(new StringField(IndexSchema.CODES, CodeTerms.term(j, codes[j]), Field.Store.NO));
    }
    doc.add(new BinaryDocValuesField(IndexSchema.PACKED_CODES, new BytesRef(layout.pack(
        Codes.wrap(codes, 1, codes.length)))));
  }
}
