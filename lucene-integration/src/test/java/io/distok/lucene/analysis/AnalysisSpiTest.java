package io.distok.lucene.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.recsys.TokenFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenFilterFactory;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.TokenizerFactory;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;

/** The analysis components through Lucene's SPI lookup, on real on-disk indexes; jqwik prints each run's seed. */
class AnalysisSpiTest {

  private static Path indexDir(String name) throws IOException {
    return Files.createTempDirectory(Files.createDirectories(Path.of("target", "indexes")), name);
  }

  private static List<String> terms(Analyzer a, String field, String text, List<Integer> increments)
      throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = a.tokenStream(field, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
        if (increments != null) {
          increments.add(inc.getPositionIncrement());
        }
      }
      ts.end();
    }
    return out;
  }

  @Test
  void factoriesAreFoundByName() {
    assertTrue(TokenizerFactory.availableTokenizers().contains(SemanticIdTokenizerFactory.NAME));
    assertTrue(TokenizerFactory.availableTokenizers().contains(CodeTokenizerFactory.NAME));
    assertTrue(TokenFilterFactory.availableTokenFilters().contains(AnchorDistanceFilterFactory.NAME));
    assertEquals(SemanticIdTokenizerFactory.class, TokenizerFactory.lookupClass("distokSemanticId"));
  }

  /**
   * Every ID, in either style and with wrappers, yields its level-qualified prefix terms up to maxDepth: the first
   * at a new position, the others stacked on it.
   */
  @Property(tries = 60)
  void semanticIdsGivePrefixTermsAtOnePositionPerId(@ForAll @IntRange(min = 1, max = 5) int ids,
      @ForAll @IntRange(min = 1, max = 6) int maxDepth, @ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    Analyzer a = CustomAnalyzer.builder().withTokenizer(SemanticIdTokenizerFactory.NAME, "maxDepth", "" + maxDepth)
        .build();
    StringBuilder text = new StringBuilder();
    List<String> expected = new ArrayList<>();
    List<Integer> expectedIncrements = new ArrayList<>();
    for (int i = 0; i < ids; i++) {
      int[] codes = rng.ints(1 + rng.nextInt(5), 0, 300).toArray();
      TokenFormat format = switch (rng.nextInt(3)) {
        case 0 -> TokenFormat.DEFAULT;
        case 1 -> new TokenFormat(TokenFormat.Style.ANGLE, "<sid>", "</sid>");
        default -> new TokenFormat(TokenFormat.Style.PLAIN, null, null);
      };
      text.append(i == 0 ? "" : rng.nextBoolean() ? " " : ", ").append(format.format(codes));
      String prefix = "";
      for (int l = 0; l < Math.min(maxDepth, codes.length); l++) {
        prefix = (l == 0 ? "" : prefix + "/") + (char) ('a' + l) + "_" + codes[l];
        expected.add(prefix);
        expectedIncrements.add(l == 0 ? 1 : 0);
      }
    }
    List<Integer> increments = new ArrayList<>();
    assertEquals(expected, terms(a, "sid", text.toString(), increments), text.toString());
    assertEquals(expectedIncrements, increments);
  }

  /** A prefix term query on an on-disk index finds exactly the items whose IDs start with that prefix. */
  @Property(tries = 8)
  void prefixTermsFindEveryItemUnderAPrefix(@ForAll @IntRange(min = 1, max = 400) int items, @ForAll long seed)
      throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    Analyzer a = CustomAnalyzer.builder().withTokenizer(SemanticIdTokenizerFactory.NAME).build();
    List<int[]> ids = new ArrayList<>();
    try (FSDirectory dir = FSDirectory.open(indexDir("prefix"));
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(a))) {
      for (int i = 0; i < items; i++) {
        int[] codes = {rng.nextInt(4), rng.nextInt(4), rng.nextInt(4)};
        ids.add(codes);
        Document doc = new Document();
        doc.add(new StringField("id", "item" + i, Field.Store.YES));
        doc.add(new TextField("sid", TokenFormat.DEFAULT.format(codes), Field.Store.NO));
        w.addDocument(doc);
      }
      w.commit();
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        IndexSearcher s = new IndexSearcher(r);
        for (int q = 0; q < 20; q++) {
          int depth = 1 + rng.nextInt(3);
          int[] prefix = {rng.nextInt(4), rng.nextInt(4), rng.nextInt(4)};
          long want = ids.stream().filter(c -> java.util.Arrays.equals(c, 0, depth, prefix, 0, depth)).count();
          assertEquals(want, s.count(new TermQuery(new Term("sid", SemanticIdTerms.prefix(prefix, depth)))),
              "prefix " + SemanticIdTerms.prefix(prefix, depth));
        }
      }
    }
  }

  @Test
  void malformedIdsAndCodesFailNamingThePart() {
    Analyzer ids = assertDoesNotThrowBuild(SemanticIdTokenizerFactory.NAME);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> terms(ids, "sid", "<a_1><b_2> <a_1><c_2>", null));
    assertTrue(e.getMessage().contains("'<a_1><c_2>'") && e.getMessage().contains("expected level 'b'"),
        e.getMessage());
    Analyzer codes = assertDoesNotThrowBuild(CodeTokenizerFactory.NAME);
    e = assertThrows(IllegalArgumentException.class, () -> terms(codes, "c", "12 x3 7", null));
    assertTrue(e.getMessage().contains("'x3'") && e.getMessage().contains("position 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CustomAnalyzer.builder()
        .withTokenizer(SemanticIdTokenizerFactory.NAME, "depth", "2").build());
  }

  private static Analyzer assertDoesNotThrowBuild(String tokenizer) {
    try {
      return CustomAnalyzer.builder().withTokenizer(tokenizer).build();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void codesBecomePositionQualifiedTerms() throws IOException {
    Analyzer a = CustomAnalyzer.builder().withTokenizer(CodeTokenizerFactory.NAME).build();
    assertEquals(List.of("m0_12", "m1_200", "m2_37", "m3_0"), terms(a, "c", " 12, 200-37 0 ", null));
  }

  /** Anchor terms carry a term frequency that falls with hop distance; relations are plain terms beside them. */
  @Test
  void anchorTermsAreWeightedByHopDistanceInTheIndex() throws IOException {
    Analyzer anchors = CustomAnalyzer.builder().withTokenizer("whitespace")
        .addTokenFilter(AnchorDistanceFilterFactory.NAME, "maxDistance", "4").build();
    FieldType freqs = new FieldType();
    freqs.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    freqs.setTokenized(true);
    freqs.freeze();
    try (FSDirectory dir = FSDirectory.open(indexDir("anchors"));
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(anchors))) {
      Document doc = new Document();
      doc.add(new Field("anchors", "/m/0a:0 /m/0b:3 /m/0c:9", freqs));
      w.addDocument(doc);
      w.commit();
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        int[] want = {5, 2, 1};
        String[] names = {"/m/0a", "/m/0b", "/m/0c"};
        for (int t = 0; t < names.length; t++) {
          PostingsEnum p = r.leaves().get(0).reader().postings(new Term("anchors", names[t]), PostingsEnum.FREQS);
          assertEquals(0, p.nextDoc());
          assertEquals(want[t], p.freq(), names[t]);
        }
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> terms(anchors, "anchors",
        "/m/0a", null));
    assertTrue(e.getMessage().contains("'/m/0a'"), e.getMessage());
  }

  /**
   * With expand=t and a saved model, every code is followed at its own position by its t nearest codes of the same
   * codebook (brute force over the codewords, ties by code), with term frequencies t+1 for the code and t .. 1 for
   * its neighbours in the index; without a model, expand is refused.
   */
  @Test
  void codesExpandToTheirNearestCodewordsWithFallingWeights() throws IOException {
    io.distok.util.FloatMatrix x = io.distok.testdata.SyntheticData.gaussianClusters(800, 6, 12, 0.3, 4);
    io.distok.quant.rq.ResidualQuantizer rq = io.distok.quant.rq.ResidualQuantizer.trainer(
        io.distok.quant.rq.ResidualQuantizerParams.of(2, 16)).train(x, 3, io.distok.util.ProgressListener.NONE);
    Path model = indexDir("code-model");
    io.distok.quant.io.ModelStore.save(rq, 3, model);
    Analyzer a = CustomAnalyzer.builder().withTokenizer(CodeTokenizerFactory.NAME, "expand", "3", "model",
        model.toString()).build();
    List<Integer> increments = new ArrayList<>();
    List<String> got = terms(a, "c", "5 9", increments);
    List<String> want = new ArrayList<>();
    int[] codes = {5, 9};
    for (int j = 0; j < 2; j++) {
      io.distok.util.FloatMatrix c = rq.codebooks().get(j);
      Integer[] order = new Integer[c.rows()];
      double[] dist = new double[c.rows()];
      for (int b = 0; b < c.rows(); b++) {
        order[b] = b;
        for (int t = 0; t < c.cols(); t++) {
          double e = c.get(codes[j], t) - c.get(b, t);
          dist[b] += e * e;
        }
      }
      java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingDouble(b -> dist[b]).thenComparingInt(b -> b));
      want.add(CodeTerms.term(j, codes[j]));
      int added = 0;
      for (int b : order) {
        if (b != codes[j] && added < 3) {
          want.add(CodeTerms.term(j, b));
          added++;
        }
      }
    }
    assertEquals(want, got);
    assertEquals(List.of(1, 0, 0, 0, 1, 0, 0, 0), increments, "neighbours share their code's position");
    FieldType freqs = new FieldType();
    freqs.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    freqs.setTokenized(true);
    freqs.freeze();
    try (FSDirectory dir = FSDirectory.open(indexDir("expanded"));
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(a))) {
      Document doc = new Document();
      doc.add(new Field("c", "5 9", freqs));
      w.addDocument(doc);
      w.commit();
      try (DirectoryReader r = DirectoryReader.open(dir)) {
        int[] weights = {4, 3, 2, 1};
        for (int i = 0; i < 4; i++) {
          PostingsEnum p = r.leaves().get(0).reader().postings(new Term("c", want.get(i)), PostingsEnum.FREQS);
          assertEquals(0, p.nextDoc());
          assertEquals(weights[i], p.freq(), want.get(i));
        }
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CustomAnalyzer.builder()
        .withTokenizer(CodeTokenizerFactory.NAME, "expand", "2").build());
    assertTrue(e.getMessage().contains("expand needs model"), e.getMessage());
  }
}
