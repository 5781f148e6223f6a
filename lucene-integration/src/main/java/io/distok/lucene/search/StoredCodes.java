package io.distok.lucene.search;

import io.distok.lucene.index.IndexSchema;
import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.QueryScorer;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.util.BytesRef;

/**
 * Exact distances of a query to indexed documents, from their stored vectors or, for documents without one, from
 * their packed codes ({@link IndexSchema#PACKED_CODES}) with the model's query scorer. The codes of every document
 * are read into memory on first need (code bytes per document) and shared by all searches; thread-safe.
 */
final class StoredCodes {
  private final Path path;
  private final DirectoryReader reader;
  private final CodeLayout layout;
  private final boolean storesVectors;
  /** Packed codes of every document, per leaf (maxDoc x code bytes), read on the first use. */
  private volatile byte[][] leafCodes;

  StoredCodes(Path path, DirectoryReader reader, CodeLayout layout, boolean storesVectors) {
    this.path = path;
    this.reader = reader;
    this.layout = layout;
    this.storesVectors = storesVectors;
  }

  /**
   * Exact squared distances of the (ascending) documents to {@code q}: from the stored vectors, else from the codes
   * with {@code scorer}.
   */
  void rescore(float[] q, QueryScorer scorer, int[] docs, float[] distance) throws IOException {
    List<LeafReaderContext> leaves = reader.leaves();
    io.distok.quant.kernel.DistanceKernel kernel = io.distok.quant.kernel.DistanceKernels.get();
    int[] withoutVector = new int[docs.length];
    int missing = 0;
    for (int i = 0; i < docs.length; ) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[i], leaves));
      int end = i;
      while (end < docs.length && docs[end] < leaf.docBase + leaf.reader().maxDoc()) {
        end++;
      }
      FloatVectorValues values = storesVectors ? leaf.reader().getFloatVectorValues(IndexSchema.VECTOR)
          : null;
      KnnVectorValues.DocIndexIterator it = values == null ? null : values.iterator();
      for (int c = i; c < end; c++) {
        int local = docs[c] - leaf.docBase;
        if (it != null && it.docID() < local) {
          it.advance(local);
        }
        if (it != null && it.docID() == local) {
          distance[c] = kernel.squaredL2(q, 0, values.vectorValue(it.index()), 0, q.length);
        } else {
          withoutVector[missing++] = c;
        }
      }
      i = end;
    }
    if (missing > 0) {
      int[] rest = new int[missing];
      for (int i = 0; i < missing; i++) {
        rest[i] = docs[withoutVector[i]];
      }
      float[] fromCodes = codeDistances(scorer, rest);
      for (int i = 0; i < missing; i++) {
        distance[withoutVector[i]] = fromCodes[i];
      }
    }
  }

  /** The model's squared distances from the query to the packed codes of the (ascending) documents. */
  private float[] codeDistances(QueryScorer scorer, int[] docs) throws IOException {
    byte[][] codes = leafCodes();
    int size = layout.codeSizeBytes();
    List<LeafReaderContext> leaves = reader.leaves();
    byte[] gathered = new byte[docs.length * size];
    int leaf = 0;
    for (int i = 0; i < docs.length; i++) {
      while (docs[i] >= leaves.get(leaf).docBase + leaves.get(leaf).reader().maxDoc()) {
        leaf++;
      }
      System.arraycopy(codes[leaf], (docs[i] - leaves.get(leaf).docBase) * size, gathered, i * size, size);
    }
    Codes unpacked = layout.unpack(gathered, docs.length);
    float[] out = new float[docs.length];
    for (int i = 0; i < docs.length; i++) {
      out[i] = scorer.squaredDistance(unpacked, i);
    }
    return out;
  }

  /** The packed codes of every document of every leaf, read on first use and then shared by all searches. */
  private byte[][] leafCodes() throws IOException {
    byte[][] codes = leafCodes;
    if (codes == null) {
      synchronized (this) {
        codes = leafCodes;
        if (codes == null) {
          codes = readLeafCodes();
          leafCodes = codes;
        }
      }
    }
    return codes;
  }

  private byte[][] readLeafCodes() throws IOException {
    int size = layout.codeSizeBytes();
    List<LeafReaderContext> leaves = reader.leaves();
    byte[][] out = new byte[leaves.size()][];
    for (int l = 0; l < leaves.size(); l++) {
      org.apache.lucene.index.LeafReader leaf = leaves.get(l).reader();
      if ((long) leaf.maxDoc() * size > Integer.MAX_VALUE - 16) {
        throw new InvalidInputException("index " + path + ": a segment of " + leaf.maxDoc() + " documents holds more "
            + "packed codes than one array can (" + size + " bytes each)");
      }
      byte[] all = new byte[leaf.maxDoc() * size];
      BinaryDocValues packed = leaf.getBinaryDocValues(IndexSchema.PACKED_CODES);
      if (packed != null) {
        for (int doc = packed.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
            doc = packed.nextDoc()) {
          BytesRef bytes = packed.binaryValue();
          if (bytes.length != size) {
            throw new InvalidInputException("index " + path + ": document " + (leaves.get(l).docBase + doc)
                + " holds codes of " + bytes.length + " bytes, the model's are " + size + " bytes");
          }
          System.arraycopy(bytes.bytes, bytes.offset, all, doc * size, size);
        }
      }
      out[l] = all;
    }
    return out;
  }
}
