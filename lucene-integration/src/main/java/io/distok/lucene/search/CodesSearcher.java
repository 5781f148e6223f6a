package io.distok.lucene.search;

import io.distok.lucene.analysis.CodeTerms;
import io.distok.lucene.index.IndexSchema;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.Quantizer;
import io.distok.quant.QueryScorer;
import io.distok.quant.io.ModelFingerprint;
import io.distok.util.InvalidInputException;
import io.distok.util.TopK;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Nearest-neighbour search over an index of quantizer codes ({@link io.distok.lucene.index.CodesIndexWriter}) with
 * the model that encoded them, any family.
 *
 * <p>With look-up tables (VQ, PQ, RQ, AQ: {@link LookupTableScorer}) the candidates come from the code terms: for
 * each position the query's {@code t} nearest codes, the r-th nearest weighted {@code (t - r) / t}, combined in one
 * weighted OR, so that items sharing many near codes come first; the best {@code candidates} are then rescored
 * exactly, from stored vectors or else from their codes with the model's scorer. Cost: O(sum K_j d_j) for the
 * tables, the OR over {@code positions x t} postings, O(candidates x positions) (codes) or O(candidates x d)
 * (vectors) to rescore. Without tables (FSQ, LFQ, BSQ) every live document matching the constraint is rescored
 * from its codes: an exact flat scan, O(N x scorer cost).
 */
public final class CodesSearcher implements Closeable {
  /** Default codes per position expanded into candidates. */
  public static final int DEFAULT_NEAREST_CODES = 8;
  /** Default candidates rescored per query. */
  public static final int DEFAULT_CANDIDATES = 200;

  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Quantizer model;
  private final IndexSchema schema;
  private final StoredCodes stored;

  private CodesSearcher(Path path, FSDirectory directory, DirectoryReader reader, Quantizer model,
      IndexSchema schema) {
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.model = model;
    this.schema = schema;
    this.stored = new StoredCodes(path, reader, model.layout(), schema.storesVectors());
  }

  /**
   * Opens the codes index in {@code dir} for searching with {@code model}.
   *
   * @throws InvalidInputException if there is no index, it is not a codes index, or another model built it
   */
  public static CodesSearcher open(Path dir, Quantizer model, String modelName) throws IOException {
    IndexSchema.Opened opened = IndexSchema.openExisting(dir, "codes");
    try {
      opened.schema().requireModel("codes", ModelFingerprint.of(model), dir, modelName);
      return new CodesSearcher(dir, opened.directory(), DirectoryReader.open(opened.directory()), model,
          opened.schema());
    } catch (IOException | RuntimeException e) {
      opened.directory().close();
      throw e;
    }
  }

  /** The schema recorded in the index (user field types for {@link QueryConstraints}). */
  public IndexSchema schema() {
    return schema;
  }

  /** Number of items in the index. */
  public int size() {
    return reader.numDocs();
  }

  /**
   * One result.
   *
   * @param id the item's id
   * @param distance its exact squared L2 distance to the query (from its vector, else from its codes)
   */
  public record Hit(String id, double distance) {}

  /**
   * The k items nearest to {@code query} among those matching {@code constraint} (null: all), nearest first; ties
   * in document order.
   *
   * @param nearestCodes t, the codes per position expanded into candidates (ignored without look-up tables)
   * @param candidates how many candidates are rescored (ignored without look-up tables: all are)
   * @throws InvalidInputException if the query's dimension is not the model's, a value is not finite, or
   *     positions x t exceeds Lucene's clause limit
   */
  public List<Hit> nearest(float[] query, int k, int nearestCodes, int candidates, Query constraint)
      throws IOException {
    if (k < 1 || nearestCodes < 1 || candidates < k) {
      throw new IllegalArgumentException("need k >= 1, nearestCodes >= 1 and candidates >= k; got k " + k
          + ", nearestCodes " + nearestCodes + ", candidates " + candidates);
    }
    float[] q = QueryScorer.requireQuery(model, query);
    QueryScorer scorer = model.scorer(q);
    int[] docs = scorer instanceof LookupTableScorer table
        ? byCodeTerms(table, nearestCodes, candidates, constraint)
        : allMatching(constraint);
    float[] distance = new float[docs.length];
    stored.rescore(q, scorer, docs, distance);
    StoredFields fields = searcher.storedFields();
    List<Hit> hits = new ArrayList<>();
    for (int r : TopK.smallest(distance, distance.length, Math.min(k, distance.length))) {
      hits.add(new Hit(fields.document(docs[r]).get(IndexSchema.ID), distance[r]));
    }
    return hits;
  }

  /** The best {@code candidates} documents of the weighted OR of every position's t nearest codes, ascending. */
  private int[] byCodeTerms(LookupTableScorer table, int t, int candidates, Query constraint) throws IOException {
    int positions = model.layout().positions();
    long clauses = 0;
    for (int j = 0; j < positions; j++) {
      clauses += Math.min(t, table.size(j));
    }
    if (clauses > IndexSearcher.getMaxClauseCount()) {
      throw new InvalidInputException("nearest codes " + t + " x " + positions + " positions = " + clauses
          + " terms, more than Lucene's " + IndexSearcher.getMaxClauseCount() + " clauses per query; lower t");
    }
    BooleanQuery.Builder or = new BooleanQuery.Builder();
    for (int j = 0; j < positions; j++) {
      int[] nearest = table.nearestCodes(j, Math.min(t, table.size(j)));
      for (int r = 0; r < nearest.length; r++) {
        Query term = new ConstantScoreQuery(new TermQuery(new Term(IndexSchema.CODES, CodeTerms.term(j, nearest[r]))));
        or.add(new BoostQuery(term, (float) (t - r) / t), BooleanClause.Occur.SHOULD);
      }
    }
    Query main = or.build();
    if (constraint != null) {
      main = new BooleanQuery.Builder().add(main, BooleanClause.Occur.MUST)
          .add(constraint, BooleanClause.Occur.FILTER).build();
    }
    ScoreDoc[] top = searcher.search(main, candidates).scoreDocs;
    int[] docs = new int[top.length];
    for (int i = 0; i < top.length; i++) {
      docs[i] = top[i].doc;
    }
    Arrays.sort(docs);
    return docs;
  }

  /** Every live document matching {@code constraint} (null: every live document), ascending. */
  private int[] allMatching(Query constraint) throws IOException {
    Weight weight = searcher.createWeight(searcher.rewrite(constraint == null ? new MatchAllDocsQuery() : constraint),
        ScoreMode.COMPLETE_NO_SCORES, 1f);
    int[] out = new int[Math.max(16, reader.numDocs())];
    int n = 0;
    for (LeafReaderContext leaf : reader.leaves()) {
      Scorer sc = weight.scorer(leaf);
      if (sc == null) {
        continue;
      }
      Bits live = leaf.reader().getLiveDocs();
      DocIdSetIterator it = sc.iterator();
      for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
        if (live == null || live.get(doc)) {
          out[n++] = leaf.docBase + doc;
        }
      }
    }
    return Arrays.copyOf(out, n);
  }

  @Override
  public void close() throws IOException {
    org.apache.lucene.util.IOUtils.close(reader, directory);
  }
}
