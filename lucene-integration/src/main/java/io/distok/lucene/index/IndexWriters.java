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
   * A writer on {@code directory} (at {@code dir}) that creates or appends, never commits on close, and keeps the
   * raw vectors apart.
   *
   * @throws InvalidInputException if another writer holds the index
   */
  static IndexWriter open(FSDirectory directory, Path dir) throws IOException {
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
