package io.distok.lucene.search;

import io.distok.lucene.analysis.CodeTerms;
import io.distok.lucene.analysis.SemanticIdTerms;
import io.distok.lucene.index.IndexSchema;
import io.distok.quant.AdditiveCodeScorer;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.QueryScorer;
import io.distok.quant.transform.L2Normalization;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.TokenFormat;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
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
  private final StoredCodes stored;

  private ItemSearcher(Path path, FSDirectory directory, DirectoryReader reader, SemanticIdModel model,
      IndexSchema schema) {
    this.path = path;
    this.directory = directory;
    this.reader = reader;
    this.searcher = new IndexSearcher(reader);
    this.model = model;
    this.schema = schema;
    this.stored = new StoredCodes(path, reader, model.quantizer().layout(), schema.storesVectors());
  }

  /**
   * Opens the index in {@code dir} for searching with {@code model}.
   *
   * @throws InvalidInputException if there is no index, it is not an item index, or another model built it
   */
  public static ItemSearcher open(Path dir, SemanticIdModel model, String modelName) throws IOException {
    IndexSchema.Opened opened = IndexSchema.openExisting(dir, "items");
    try {
      opened.schema().requireModel("items", model.fingerprint(), dir, modelName);
      return new ItemSearcher(dir, opened.directory(), DirectoryReader.open(opened.directory()), model,
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
   * @param tokens its semantic ID as tokens
   * @param score what the search ranked by: the shared prefix depth for {@link #related}, the squared L2 distance
   *     (smaller is nearer) for {@link #nearest}, 1 plus the constraint query's score for {@link #underPrefix}
   * @param key the item's key as its source typed it: a {@code Long} in an index of long keys, else the id
   */
  public record Hit(String id, String tokens, double score, Object key) {}

  /** The hit of a stored document. */
  private Hit hit(org.apache.lucene.document.Document d, double score) {
    String id = d.get(IndexSchema.ID);
    Object key = id;
    if (schema.keyType() == IndexSchema.KeyType.LONG) {
      org.apache.lucene.index.IndexableField k = d.getField(IndexSchema.KEY);
      if (k == null || k.numericValue() == null) {
        throw new InvalidInputException("index " + path + ": item '" + id + "' has no long key, though the index "
            + "records long keys");
      }
      key = k.numericValue().longValue();
    }
    return new Hit(id, d.get(IndexSchema.TOKENS), score, key);
  }

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
   * The k items nearest to {@code query} in the model's space, as an inverted file over the codes: the query's
   * {@code nearestCodes} nearest level-1 codewords, and for each every level-2 codeword on the query's residual,
   * rank the (level 1, level 2) cells by the query's exact distance to their two-level reconstruction (level-1
   * codes are the cells when pairs would hold fewer than two items on average); the items of the nearest cells
   * (their code terms, {@link CodeTerms#cell}) are read from the postings until there are at least {@code
   * candidates}, rescored exactly (from the stored vectors when the index has them, else from the packed codes with
   * the model's query scorer), and the k smallest distances returned, ties in document order. Cost: O(K d L) for
   * the query's look-up tables, O(t K) plus O(c log c) to rank the c cells visited (the codebooks' cross terms are
   * the model's, built once), one term look-up per cell visited, O(candidates d) to rescore. Larger t and candidate
   * counts raise recall and cost. A model of one level ranks its codes as cells. Items without a stored vector are
   * rescored from the index's packed codes, which the searcher reads into memory on first need (code bytes per
   * document) so that rescoring them costs a few table reads each.
   *
   * @throws InvalidInputException if the query's dimension is not the model's or a value is not finite
   */
  public List<Hit> nearest(float[] query, int k, int nearestCodes, int candidates, Query constraint)
      throws IOException {
    if (k < 1 || nearestCodes < 1 || candidates < k) {
      throw new IllegalArgumentException("need k >= 1, nearestCodes >= 1 and candidates >= k; got k " + k
          + ", nearestCodes " + nearestCodes + ", candidates " + candidates);
    }
    float[] q = QueryScorer.requireQuery(model.embeddingQuantizer(), query);
    if (model.config().normalize()) {
      L2Normalization.normalizeRows(q, 0, 1, q.length, q);
    }
    // the model's look-up tables rank the cells (on the encoder's output for an RQ-VAE model) and rescore items
    // that have no stored vector; an RQ-VAE model rescores them on their decoded embeddings instead, so that every
    // distance is one between embeddings
    float[] latent = model.encoder() == null ? q : model.latent(FloatMatrix.wrap(q, 1, q.length)).data();
    LookupTableScorer table = model.quantizer().scorer(latent);
    int[] docs = candidates(table, nearestCodes, candidates, constraint);
    float[] distance = new float[docs.length];
    stored.rescore(q, model.encoder() == null ? table : model.embeddingQuantizer().scorer(q), docs, distance);
    StoredFields fields = searcher.storedFields();
    List<Hit> hits = new ArrayList<>();
    // nearest first; equal distances in document order (TopK breaks ties by the smaller index)
    for (int r : io.distok.util.TopK.smallest(distance, distance.length, Math.min(k, distance.length))) {
      hits.add(hit(fields.document(docs[r]), distance[r]));
    }
    return hits;
  }

  /**
   * The live documents of the cells nearest to {@code q} that match {@code constraint}, ascending, read straight
   * from the cells' postings: cells are (level 1, level 2) code pairs ranked by the query's distance to their
   * two-level reconstruction, or level-1 codes when pairs would hold fewer than two items on average (small
   * catalogues, where most pairs are empty and visiting them costs more than it finds), visited until {@code
   * candidates} documents are gathered or every cell under the t nearest level-1 codes has been seen.
   */
  private int[] candidates(LookupTableScorer table, int t, int candidates, Query constraint) throws IOException {
    // nearest level-1 codewords first: the contribution ||c||^2 - 2 <q, c> orders them as ||q - c||^2 does
    int[] firsts = table.nearestCodes(0, Math.min(t, table.size(0)));
    boolean pairs = model.config().levels() > 1 && !model.quantizer().params().normalizeResiduals()
        && reader.numDocs() >= 2L * table.size(0) * table.size(1);
    // pairs are ranked lazily, a block at a time: a query usually visits a small share of the t K2 cells, so
    // sorting all of them would cost more than the visits
    int k2 = pairs ? table.size(1) : 0;
    io.distok.util.TopK.Ascending pairOrder = null;
    if (pairs) {
      // O(1) per cell from the query's tables and the model's cross terms
      AdditiveCodeScorer additive = (AdditiveCodeScorer) table;
      float[] pair = new float[firsts.length * k2];
      for (int i = 0; i < firsts.length; i++) {
        for (int b = 0; b < k2; b++) {
          pair[i * k2 + b] = additive.prefixSquaredDistance(firsts[i], b);
        }
      }
      pairOrder = io.distok.util.TopK.ascending(pair, pair.length);
    }
    int cells = pairs ? firsts.length * k2 : firsts.length;
    Query filter = constraint == null ? null : searcher.rewrite(constraint);
    org.apache.lucene.search.Weight weight = filter == null ? null
        : searcher.createWeight(filter, org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES, 1f);
    int[] out = new int[64];
    int n = 0;
    List<LeafReaderContext> leaves = reader.leaves();
    org.apache.lucene.index.TermsEnum[] terms = new org.apache.lucene.index.TermsEnum[leaves.size()];
    for (int l = 0; l < leaves.size(); l++) {
      org.apache.lucene.index.Terms tl = leaves.get(l).reader().terms(IndexSchema.CODES);
      terms[l] = tl == null ? null : tl.iterator();
    }
    org.apache.lucene.index.PostingsEnum postings = null;
    for (int c = 0; c < cells && n < candidates; c++) {
      int r = pairs ? pairOrder.next() : c;
      BytesRef cell = new BytesRef(pairs ? CodeTerms.cell(firsts[r / k2], r % k2) : CodeTerms.term(0, firsts[r]));
      for (int l = 0; l < leaves.size(); l++) {
        if (terms[l] == null || !terms[l].seekExact(cell)) {
          continue;
        }
        LeafReaderContext leaf = leaves.get(l);
        org.apache.lucene.util.Bits live = leaf.reader().getLiveDocs();
        postings = terms[l].postings(postings, org.apache.lucene.index.PostingsEnum.NONE);
        org.apache.lucene.search.DocIdSetIterator allowed = null;
        if (weight != null) {
          org.apache.lucene.search.Scorer sc = weight.scorer(leaf);
          if (sc == null) {
            continue;
          }
          allowed = sc.iterator();
        }
        for (int doc = postings.nextDoc(); doc != org.apache.lucene.search.DocIdSetIterator.NO_MORE_DOCS;
            doc = postings.nextDoc()) {
          if (live != null && !live.get(doc)) {
            continue;
          }
          if (allowed != null && (allowed.docID() > doc || (allowed.docID() < doc && allowed.advance(doc) != doc))) {
            continue;
          }
          if (n == out.length) {
            out = Arrays.copyOf(out, 2 * n);
          }
          out[n++] = leaf.docBase + doc;
        }
      }
    }
    int[] docs = Arrays.copyOf(out, n);
    Arrays.sort(docs);
    return docs;
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
      hits.add(hit(stored.document(sd.doc), sd.score));
    }
    return hits;
  }

  @Override
  public void close() throws IOException {
    // both are closed even when the first fails
    org.apache.lucene.util.IOUtils.close(reader, directory);
  }
}
