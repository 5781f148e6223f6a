package io.distok.lucene.search;

import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.lucene.analysis.AnchorDistanceFilter;
import io.distok.lucene.index.IndexSchema;
import io.distok.lucene.index.NodeIndexWriter;
import io.distok.util.InvalidInputException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;

/**
 * Finds graph nodes whose anchor-relation tokens resemble a node's (structural similarity): a disjunction of the
 * node's anchors, each boosted by its hop weight, and its relations, scored by BM25 over the index's
 * distance-weighted anchor frequencies, ties in node order. Works for an indexed node and for an unseen node
 * tokenized inductively from its edges. One query of k + m terms per search.
 */
public final class NodeSearcher implements Closeable {
  /** Weight of a shared relation against an anchor at distance 0 (which weighs maxDistance + 1). */
  private static final float RELATION_WEIGHT = 0.5f;

  private final Path path;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final IndexSchema schema;
  private final int maxDistance;

  private NodeSearcher(Path path, FSDirectory directory, DirectoryReader reader, IndexSchema schema,
      int maxDistance) {
    this.path = path;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.schema = schema;
    this.maxDistance = maxDistance;
  }

  /**
   * Opens a node index.
   *
   * @throws InvalidInputException if there is no index or it is not a node index
   */
  public static NodeSearcher open(Path dir) throws IOException {
    IndexSchema.Opened opened = IndexSchema.openExisting(dir, "nodes");
    try {
      DirectoryReader reader = DirectoryReader.open(opened.directory());
      int maxDistance = Integer.parseInt(reader.getIndexCommit().getUserData().getOrDefault("distok.maxDistance",
          "8"));
      return new NodeSearcher(dir, opened.directory(), reader, opened.schema(), maxDistance);
    } catch (IOException | RuntimeException e) {
      opened.directory().close();
      throw e;
    }
  }

  /** Number of nodes in the index. */
  public int size() {
    return reader.numDocs();
  }

  /**
   * One similar node.
   *
   * @param node its id
   * @param score the BM25 score of the token overlap
   * @param anchors its nearest anchors with their hop distances
   * @param relations its relation context
   */
  public record Hit(String node, double score, List<NodeTokenization.AnchorDistance> anchors,
      List<String> relations) {}

  /**
   * The k nodes most similar to an indexed node, itself left out.
   *
   * @throws InvalidInputException if the node is not indexed
   */
  public List<Hit> similar(String node, int k) throws IOException {
    TopDocs t = searcher.search(new TermQuery(new Term(IndexSchema.ID, node)), 1);
    if (t.scoreDocs.length == 0) {
      throw new InvalidInputException("node '" + node + "' is not in the index " + path);
    }
    var d = searcher.storedFields().document(t.scoreDocs[0].doc);
    return search(anchors(d), List.of(d.getValues(NodeIndexWriter.STORED_RELATIONS)), k, node);
  }

  /**
   * The k nodes most similar to an unseen node given by its edges into the indexed graph, tokenized by {@code
   * tokenizer} (which must come from the tokenization the index was built from).
   *
   * @throws InvalidInputException if the tokenizer's vocabulary is not the index's, or an edge names an unknown
   *     node or relation
   */
  public List<Hit> similarToUnseen(InductiveTokenizer tokenizer, List<InductiveTokenizer.Edge> edges, int k)
      throws IOException {
    if (!tokenizer.fingerprint().equals(schema.fingerprint())) {
      throw new InvalidInputException(path + ": built from another tokenization than the given vocabulary");
    }
    return search(tokenizer.nearestAnchors(edges), tokenizer.relations(edges), k, null);
  }

  private static List<NodeTokenization.AnchorDistance> anchors(org.apache.lucene.document.Document d) {
    String[] names = d.getValues(NodeIndexWriter.STORED_ANCHORS);
    org.apache.lucene.index.IndexableField[] distances = d.getFields(NodeIndexWriter.STORED_DISTANCES);
    List<NodeTokenization.AnchorDistance> out = new ArrayList<>();
    for (int j = 0; j < names.length; j++) {
      out.add(new NodeTokenization.AnchorDistance(names[j], distances[j].numericValue().intValue()));
    }
    return out;
  }

  private List<Hit> search(List<NodeTokenization.AnchorDistance> anchors, List<String> relations, int k,
      String exclude) throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (NodeTokenization.AnchorDistance a : anchors) {
      b.add(new BoostQuery(new TermQuery(new Term(IndexSchema.ANCHORS, a.anchor())),
          AnchorDistanceFilter.weight(a.distance(), maxDistance)), BooleanClause.Occur.SHOULD);
    }
    for (String r : relations) {
      b.add(new BoostQuery(new TermQuery(new Term(IndexSchema.RELATIONS, r)), RELATION_WEIGHT),
          BooleanClause.Occur.SHOULD);
    }
    if (exclude != null) {
      b.add(new TermQuery(new Term(IndexSchema.ID, exclude)), BooleanClause.Occur.MUST_NOT);
    }
    Query q = b.build();
    TopDocs top = searcher.search(q, k, new Sort(SortField.FIELD_SCORE, new SortField(NodeIndexWriter.NODE_ORDER,
        SortField.Type.LONG)), true);
    List<Hit> hits = new ArrayList<>();
    for (ScoreDoc sd : top.scoreDocs) {
      var d = searcher.storedFields().document(sd.doc);
      hits.add(new Hit(d.get(IndexSchema.ID), sd.score, anchors(d), List.of(d.getValues(
          NodeIndexWriter.STORED_RELATIONS))));
    }
    return hits;
  }

  @Override
  public void close() throws IOException {
    // both are closed even when the first fails
    org.apache.lucene.util.IOUtils.close(reader, directory);
  }
}
