package io.distok.lucene.search;

import io.distok.lucene.analysis.CodeTerms;
import io.distok.lucene.analysis.SemanticIdTerms;
import io.distok.lucene.index.IndexSchema;
import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.QueryScorer;
import io.distok.quant.transform.L2Normalization;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.TokenFormat;
import io.distok.util.InvalidInputException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * Searches an item index written by {@link io.distok.lucene.index.ItemIndexWriter} with the model that built it:
 * by semantic-ID prefix, by relatedness to an item (shared prefix depth), by resolving a generated ID, and by
 * vector (code-token candidates rescored exactly). Every search takes an optional Lucene query that further
 * filters and (when it scores) ranks: text and field constraints for hybrid search ({@link QueryConstraints}).
 * Thread-safe for concurrent searches; holds the index's last commit as of {@link #open}.
 */
public final class ItemSearcher implements Closeable {
  /** Default codes per position expanded for vector candidates. */
  public static final int DEFAULT_NEAREST_CODES = 8;
  /** Default candidates rescored per vector query. */
  public static final int DEFAULT_CANDIDATES = 200;

  private final Path path;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final SemanticIdModel model;
  private final IndexSchema schema;

  private ItemSearcher(Path path, FSDirectory directory, DirectoryReader reader, SemanticIdModel model,
      IndexSchema schema) {
    this.path = path;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.model = model;
    this.schema = schema;
  }

  /**
   * Opens the index in {@code dir} for searching with {@code model}.
   *
   * @throws InvalidInputException if there is no index, it is not an item index, or another model built it
   */
  public static ItemSearcher open(Path dir, SemanticIdModel model, String modelName) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new InvalidInputException(dir + ": no such index directory");
    }
    FSDirectory directory = FSDirectory.open(dir);
    try {
      IndexSchema schema = IndexSchema.read(directory, dir);
      if (schema == null) {
        throw new InvalidInputException(dir + ": holds no index (nothing committed yet?)");
      }
      schema.requireModel("items", model.fingerprint(), dir, modelName);
      return new ItemSearcher(dir, directory, DirectoryReader.open(directory), model, schema);
    } catch (IOException | RuntimeException e) {
      directory.close();
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
   * @param tokens its semantic ID as tokens
   * @param score what the search ranked by: the shared prefix depth for {@link #related}, the squared L2 distance
   *     (smaller is nearer) for {@link #nearest}, 1 plus the constraint query's score for {@link #underPrefix}
   */
  public record Hit(String id, String tokens, double score) {}

  /**
   * The items under a semantic-ID prefix (given as tokens or codes in either style, e.g. {@code <a_12><b_200>} or
   * {@code 12-200}), ranked by the constraint's score when it scores, then in ID order. One term look-up plus
   * O(hits log k).
   *
   * @param constraint further query (filters and text), or null
   * @throws InvalidInputException if the prefix is malformed or longer than the model's IDs
   */
  public List<Hit> underPrefix(String prefix, int k, Query constraint) throws IOException {
    int[] codes = parseComplete(prefix, "prefix");
    if (codes.length > model.idLength()) {
      throw new InvalidInputException("prefix '" + prefix + "' has " + codes.length + " codes; IDs have "
          + model.idLength());
    }
    Query q = new TermQuery(new Term(IndexSchema.SEMANTIC_ID, SemanticIdTerms.prefix(codes, codes.length)));
    return ranked(combine(new ConstantScoreQuery(q), true, constraint), k);
  }

  /**
   * Items related to {@code itemId}: those sharing the deepest prefix of its ID first (score = shared depth), then
   * in ID order; the item itself is left out.
   *
   * @throws InvalidInputException if the item is not indexed
   */
  public List<Hit> related(String itemId, int k, Query constraint) throws IOException {
    int[] codes = indexedId(itemId);
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (int depth = 1; depth <= codes.length; depth++) {
      // each shared depth adds 1: the score is the shared depth
      b.add(new ConstantScoreQuery(new TermQuery(new Term(IndexSchema.SEMANTIC_ID,
          SemanticIdTerms.prefix(codes, depth)))), BooleanClause.Occur.SHOULD);
    }
    b.add(new TermQuery(new Term(IndexSchema.ID, itemId)), BooleanClause.Occur.MUST_NOT);
    return ranked(combine(b.build(), false, constraint), k);
  }

  /**
   * How a generated ID resolved.
   *
   * @param codes the codes read from the generated text (its well-formed, in-range leading part)
   * @param matchedDepth how many leading codes matched indexed items (0 when none did)
   * @param exact whether a complete ID (every level, each code in range) named indexed items
   * @param problem what was wrong with the text (including text after a complete ID), or null when it was exactly
   *     one well-formed ID
   * @param items the items of the exact ID, else of the longest matched prefix, in ID order
   */
  public record Resolution(int[] codes, int matchedDepth, boolean exact, String problem, List<Hit> items) {}

  /**
   * Resolves an ID as a language model generated it, possibly invalid: the items with exactly that ID, else the
   * items of its longest prefix that names any, with the matched depth. Text that does not begin with a single
   * well-formed code is refused. O(L) term look-ups.
   *
   * @throws InvalidInputException if not even the first code can be read
   */
  public Resolution resolve(String generated, int k) throws IOException {
    TokenFormat.ParsedId parsed = TokenFormat.parseLeading(generated);
    int[] codes = parsed.codes();
    int[] sizes = model.positionSizes();
    int valid = 0;
    while (valid < codes.length && valid < sizes.length && codes[valid] < sizes[valid]) {
      valid++;
    }
    String problem = parsed.problem();
    if (problem == null && valid < codes.length) {
      problem = valid == sizes.length ? "more codes than the model's IDs have (" + sizes.length + ")"
          : "code " + codes[valid] + " at level " + (valid + 1) + " is outside [0, " + sizes[valid] + ")";
    }
    if (valid == 0) {
      throw new InvalidInputException("generated ID '" + generated + "': " + (problem != null ? problem
          : "holds no code"));
    }
    int[] read = Arrays.copyOf(codes, valid);
    for (int depth = valid; depth >= 1; depth--) {
      Query q = new TermQuery(new Term(IndexSchema.SEMANTIC_ID, SemanticIdTerms.prefix(read, depth)));
      if (searcher.count(q) > 0) {
        // a complete, in-range ID is exact even when text follows it (the problem still says so)
        boolean exact = depth == sizes.length;
        return new Resolution(read, depth, exact, problem, ranked(new ConstantScoreQuery(q), k));
      }
    }
    return new Resolution(read, 0, false, problem, List.of());
  }

  /**
   * The k items nearest to {@code query} in the model's space: candidates from code terms (for each position the
   * {@code nearestCodes} codes the query's look-up table ranks first, weighted by rank and level), the best
   * {@code candidates} of them rescored exactly, from the stored vectors when the index has them, else from the
   * packed codes with the model's query scorer, and the k smallest distances returned. Cost: O(K d L) for the
   * tables, one disjunction of L t terms, O(candidates d) to rescore. Larger t and candidate counts raise recall
   * and cost.
   *
   * @throws InvalidInputException if the query's dimension is not the model's or a value is not finite
   */
  public List<Hit> nearest(float[] query, int k, int nearestCodes, int candidates, Query constraint)
      throws IOException {
    if (k < 1 || nearestCodes < 1 || candidates < k) {
      throw new IllegalArgumentException("need k >= 1, nearestCodes >= 1 and candidates >= k; got k " + k
          + ", nearestCodes " + nearestCodes + ", candidates " + candidates);
    }
    float[] q = QueryScorer.requireQuery(model.quantizer(), query);
    if (model.config().normalize()) {
      L2Normalization.normalizeRows(q, 0, 1, q.length, q);
    }
    QueryScorer scorer = model.quantizer().scorer(q);
    if (!(scorer instanceof LookupTableScorer table)) {
      throw new IllegalStateException("the model's scorer has no look-up tables");
    }
    int levels = model.config().levels();
    if ((long) levels * nearestCodes > IndexSearcher.getMaxClauseCount()) {
      throw new IllegalArgumentException(levels + " levels x " + nearestCodes + " nearest codes exceed Lucene's "
          + IndexSearcher.getMaxClauseCount() + " query clauses");
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (int j = 0; j < levels; j++) {
      int[] near = table.nearestCodes(j, Math.min(nearestCodes, table.size(j)));
      for (int r = 0; r < near.length; r++) {
        // earlier levels carry most of the vector; within a level, nearer codes weigh more
        float weight = (float) ((near.length - r) / (double) near.length / (1 << j));
        b.add(new BoostQuery(new ConstantScoreQuery(new TermQuery(new Term(IndexSchema.CODES,
            CodeTerms.term(j, near[r])))), weight), BooleanClause.Occur.SHOULD);
      }
    }
    TopDocs top = searcher.search(combine(b.build(), false, constraint), candidates);
    ScoreDoc[] docs = top.scoreDocs.clone();
    Arrays.sort(docs, Comparator.comparingInt(d -> d.doc));
    double[] distance = new double[docs.length];
    List<LeafReaderContext> leaves = reader.leaves();
    CodeLayout layout = model.quantizer().layout();
    for (int i = 0; i < docs.length; ) {
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(docs[i].doc, leaves));
      int end = i;
      while (end < docs.length && docs[end].doc < leaf.docBase + leaf.reader().maxDoc()) {
        end++;
      }
      if (schema.storesVectors()) {
        FloatVectorValues values = leaf.reader().getFloatVectorValues(IndexSchema.VECTOR);
        KnnVectorValues.DocIndexIterator it = values.iterator();
        for (int c = i; c < end; c++) {
          int local = docs[c].doc - leaf.docBase;
          if (it.docID() < local) {
            it.advance(local);
          }
          float[] v = values.vectorValue(it.index());
          double s = 0;
          for (int t = 0; t < q.length; t++) {
            double e = q[t] - v[t];
            s += e * e;
          }
          distance[c] = s;
        }
      } else {
        BinaryDocValues packed = leaf.reader().getBinaryDocValues(IndexSchema.PACKED_CODES);
        for (int c = i; c < end; c++) {
          packed.advanceExact(docs[c].doc - leaf.docBase);
          BytesRef bytes = packed.binaryValue();
          Codes codes = layout.unpack(Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length), 1);
          distance[c] = scorer.squaredDistance(codes, 0);
        }
      }
      i = end;
    }
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // nearest first; equal distances in document order, so results do not depend on the candidates' order
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> distance[i]).thenComparingInt(i -> docs[i].doc));
    StoredFields stored = searcher.storedFields();
    List<Hit> hits = new ArrayList<>();
    for (int r = 0; r < Math.min(k, order.length); r++) {
      int doc = docs[order[r]].doc;
      var d = stored.document(doc);
      hits.add(new Hit(d.get(IndexSchema.ID), d.get(IndexSchema.TOKENS), distance[order[r]]));
    }
    return hits;
  }

  /** The semantic ID of an indexed item. */
  private int[] indexedId(String itemId) throws IOException {
    TopDocs t = searcher.search(new TermQuery(new Term(IndexSchema.ID, itemId)), 1);
    if (t.scoreDocs.length == 0) {
      throw new InvalidInputException("item '" + itemId + "' is not in the index " + path);
    }
    return TokenFormat.parse(searcher.storedFields().document(t.scoreDocs[0].doc).get(IndexSchema.TOKENS));
  }

  private static int[] parseComplete(String text, String what) {
    TokenFormat.ParsedId p = TokenFormat.parseLeading(text);
    if (p.problem() != null || p.codes().length == 0) {
      throw new InvalidInputException(what + " '" + text + "': " + (p.problem() != null ? p.problem()
          : "holds no code"));
    }
    return p.codes();
  }

  /**
   * {@code main} with {@code constraint} (when given) required: adding its score when {@code scoring}, else as a
   * filter that leaves {@code main}'s scores alone.
   */
  private static Query combine(Query main, boolean scoring, Query constraint) {
    if (constraint == null) {
      return main;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(main, BooleanClause.Occur.MUST);
    b.add(constraint, scoring ? BooleanClause.Occur.MUST : BooleanClause.Occur.FILTER);
    return b.build();
  }

  /** Top k by score, then ID order. */
  private List<Hit> ranked(Query q, int k) throws IOException {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    TopDocs top = searcher.search(q, k, new Sort(SortField.FIELD_SCORE, new SortField(IndexSchema.ID_ORDER,
        SortField.Type.STRING)), true);
    StoredFields stored = searcher.storedFields();
    List<Hit> hits = new ArrayList<>();
    for (ScoreDoc sd : top.scoreDocs) {
      var d = stored.document(sd.doc);
      hits.add(new Hit(d.get(IndexSchema.ID), d.get(IndexSchema.TOKENS), sd.score));
    }
    return hits;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      directory.close();
    }
  }
}
