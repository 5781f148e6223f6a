package io.distok.lucene.index;

import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.sink.NodeTokenSink;
import io.distok.lucene.analysis.AnchorDistanceFilter;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;

/**
 * A {@link NodeTokenSink} into an on-disk Lucene index: one document per graph node with its id, its anchors as
 * terms of {@link IndexSchema#ANCHORS} whose term frequency falls with the hop distance ({@link
 * AnchorDistanceFilter#weight}, so BM25 weighs a near shared anchor more than a far one), its relation context as
 * terms of {@link IndexSchema#RELATIONS}, and both stored for display. The tokenization's fingerprint is recorded
 * in the commit, so that searches with an inductive tokenizer of another vocabulary are refused. The node index is
 * replaced as a whole (one commit at the end; an interrupted run keeps the previous commit); an item index in the
 * same directory is never overwritten. O(V (k + m)).
 */
public final class NodeIndexWriter implements NodeTokenSink {
  static final String KIND = "nodes";
  /** Node row in the tokenization, for ties in search results. */
  public static final String NODE_ORDER = "node_order";
  /** Stored anchor names, one value per anchor, nearest first. */
  public static final String STORED_ANCHORS = "anchors_stored";
  /** Stored hop distances of the anchors, one value per anchor, in the same order. */
  public static final String STORED_DISTANCES = "anchor_distances_stored";
  /** Stored relation names, one value per relation. */
  public static final String STORED_RELATIONS = "relations_stored";

  private static final FieldType WEIGHTED_TERMS = new FieldType();

  static {
    WEIGHTED_TERMS.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    WEIGHTED_TERMS.setTokenized(true);
    WEIGHTED_TERMS.setOmitNorms(false);
    WEIGHTED_TERMS.freeze();
  }

  private final Path dir;
  private final int maxDistance;

  /**
   * @param maxDistance the hop distance at and beyond which a shared anchor weighs 1 (as {@link
   *     AnchorDistanceFilter}); 8 when in doubt
   */
  public NodeIndexWriter(Path dir, int maxDistance) {
    if (maxDistance < 0) {
      throw new IllegalArgumentException("maxDistance must be >= 0, got " + maxDistance);
    }
    this.dir = dir;
    this.maxDistance = maxDistance;
  }

  @Override
  public long write(NodeTokenization tokens, ProgressListener progress) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": not a directory");
    }
    Files.createDirectories(dir);
    try (FSDirectory directory = FSDirectory.open(dir)) {
      IndexSchema old = IndexSchema.read(directory, dir);
      if (old != null && !old.kind().equals(KIND)) {
        throw new InvalidInputException(dir + ": an index of " + old.kind() + "; write nodes into another directory");
      }
      IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE).setCommitOnClose(false);
      IndexWriter writer;
      try {
        writer = new IndexWriter(directory, config);
      } catch (LockObtainFailedException e) {
        throw new InvalidInputException(dir + ": locked by another writer (is another distok index running?)");
      }
      try {
        int n = tokens.graph().nodeCount();
        for (int v = 0; v < n; v++) {
          writer.addDocument(document(tokens, v));
          if ((v & 4095) == 4095 || v == n - 1) {
            progress.progress("index", v + 1, n);
          }
        }
        IndexSchema schema = new IndexSchema(KIND, tokens.fingerprint(), 0, false, Map.of());
        Map<String, String> data = new java.util.LinkedHashMap<>(schema.toCommitData());
        data.put("distok.maxDistance", Integer.toString(maxDistance));
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
        return n;
      } finally {
        writer.rollback();
      }
    }
  }

  private Document document(NodeTokenization tokens, int v) {
    Document doc = new Document();
    doc.add(new StringField(IndexSchema.ID, tokens.graph().nodeName(v), Field.Store.YES));
    doc.add(new NumericDocValuesField(NODE_ORDER, v));
    List<NodeTokenization.AnchorDistance> anchors = tokens.nearestAnchors(v);
    String[] terms = new String[anchors.size()];
    int[] freqs = new int[anchors.size()];
    for (int j = 0; j < terms.length; j++) {
      terms[j] = anchors.get(j).anchor();
      freqs[j] = AnchorDistanceFilter.weight(anchors.get(j).distance(), maxDistance);
      doc.add(new StoredField(STORED_ANCHORS, terms[j]));
      doc.add(new StoredField(STORED_DISTANCES, anchors.get(j).distance()));
    }
    doc.add(new Field(IndexSchema.ANCHORS, new WeightedTerms(terms, freqs), WEIGHTED_TERMS));
    for (String r : tokens.relations(v)) {
      doc.add(new StringField(IndexSchema.RELATIONS, r, Field.Store.NO));
      doc.add(new StoredField(STORED_RELATIONS, r));
    }
    return doc;
  }

  /** Given terms with given frequencies, without analysis, so that node names may hold any character. */
  static final class WeightedTerms extends TokenStream {
    private final String[] terms;
    private final int[] freqs;
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final TermFrequencyAttribute freq = addAttribute(TermFrequencyAttribute.class);
    private int next;

    WeightedTerms(String[] terms, int[] freqs) {
      this.terms = terms;
      this.freqs = freqs;
    }

    @Override
    public boolean incrementToken() {
      if (next == terms.length) {
        return false;
      }
      clearAttributes();
      term.setEmpty().append(terms[next]);
      freq.setTermFrequency(freqs[next]);
      next++;
      return true;
    }

    @Override
    public void reset() throws IOException {
      super.reset();
      next = 0;
    }
  }
}
