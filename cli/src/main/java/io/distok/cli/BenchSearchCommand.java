package io.distok.cli;

import io.distok.bench.BenchData;
import io.distok.lucene.index.ItemIndexWriter;
import io.distok.lucene.search.ItemSearcher;
import io.distok.quant.io.MatrixReader;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.util.FloatMatrix;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RescoreTopNQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench search}: distok's code-token vector search against Lucene's own HNSW (float, 4-bit and 1-bit
 * quantized with full-precision rescoring), one run, same vectors, same queries, single-threaded queries.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Vector search with code-token candidates (distok index) against Lucene HNSW (float, 4-bit, 1-bit "
        + "+ rescoring): recall@10 against exact search, mean and p99 single-thread latency, index size, build time.")
public final class BenchSearchCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Vectors (.npy, .fvecs, CSV, IDX).")
  Path data;

  @Option(names = "--generated", paramLabel = "N", description = "Instead of --data: N generated 64-d vectors "
      + "around 2000 Gaussian centres (seed 3), as bench semantic-ids --generated.")
  Integer generated;

  @Option(names = "--queries", defaultValue = "500", description = "Held-out query rows, drawn with --seed "
      + "(default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the query draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--nearest-codes", split = ",", defaultValue = "8,16", description = "distok: codes per level "
      + "expanded into candidates, one row each (default: ${DEFAULT-VALUE}).")
  int[] nearestCodes;

  @Option(names = "--candidates", split = ",", defaultValue = "200,1000", description = "distok: candidates "
      + "rescored exactly, one row each (default: ${DEFAULT-VALUE}).")
  int[] candidates;

  @Option(names = "--hnsw-candidates", defaultValue = "100", description = "Lucene float HNSW: k of the graph "
      + "search before the top 10 (default: ${DEFAULT-VALUE}).")
  int hnswCandidates;

  @Option(names = "--oversample", split = ",", defaultValue = "3,5", description = "Lucene quantized HNSW: graph "
      + "results per result, rescored at full precision (default: ${DEFAULT-VALUE}).")
  int[] oversample;

  @Option(names = "--methods", defaultValue = "all", description = "all, lucene or distok: which side to run "
      + "(default: ${DEFAULT-VALUE}; a comparison needs all).")
  String methods;

  @Option(names = "--work-dir", description = "Where the indexes are built (default: a temporary directory, removed "
      + "afterwards).")
  Path workDir;

  @Option(names = "--json", description = "Write all figures as JSON here.")
  Path json;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private static final int K = 10;
  private static final int MAX_CONN = 16;
  private static final int BEAM_WIDTH = 100;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if ((data == null) == (generated == null)) {
      throw CliSupport.usage(spec, "give exactly one of --data FILE and --generated N");
    }
    if (!List.of("all", "lucene", "distok").contains(methods)) {
      throw CliSupport.usage(spec, "--methods must be all, lucene or distok, got '" + methods + "'");
    }
    FloatMatrix all;
    String name;
    if (generated != null) {
      if (generated < 1000) {
        throw CliSupport.usage(spec, "--generated must be >= 1000, got " + generated);
      }
      all = io.distok.testdata.SyntheticData.gaussianClusters(generated, 64, 2000, 0.3, 3);
      name = "generated " + generated + " x 64";
    } else {
      BenchData.require(data);
      all = MatrixReader.read(data).matrix();
      name = data.toString();
    }
    if (queries < 1 || queries >= all.rows()) {
      throw CliSupport.usage(spec, "--queries must be in [1, rows), got " + queries);
    }
    int[] queryRows = new SplittableRandom(seed).ints(0, all.rows()).distinct().limit(queries).sorted().toArray();
    boolean[] isQuery = new boolean[all.rows()];
    for (int r : queryRows) {
      isQuery[r] = true;
    }
    int[] indexRows = java.util.stream.IntStream.range(0, all.rows()).filter(r -> !isQuery[r]).toArray();
    // every method indexes the same vectors: the model's space (L2-normalised, as the default recipe works)
    FloatMatrix base = io.distok.quant.transform.L2Normalization.normalizeRows(all.selectRows(indexRows));
    FloatMatrix q = io.distok.quant.transform.L2Normalization.normalizeRows(all.selectRows(queryRows));
    w.printf(Locale.ROOT, "data %s: %d indexed, %d held-out queries, %d-d, L2-normalised; k = %d; queries on one "
        + "thread, %d cores%n", name, base.rows(), q.rows(), base.cols(), K, Runtime.getRuntime().availableProcessors());
    long t0 = System.nanoTime();
    int[][] truth = exact(base, q);
    w.printf(Locale.ROOT, "exact top-%d (brute force, one thread): %.3f ms per query%n", K,
        (System.nanoTime() - t0) / 1e6 / q.rows());

    Path dir = workDir != null ? workDir : Files.createTempDirectory("distok-bench-search");
    Files.createDirectories(dir);
    List<Map<String, Object>> rows = new ArrayList<>();
    w.printf(Locale.ROOT, "%-48s %9s %10s %10s %12s %14s %9s%n", "method", "recall@10", "mean ms", "p99 ms",
        "index MB", "w/o vectors MB", "build s");
    try {
      for (String label : methods.equals("distok") ? List.<String>of() : List.of("float", "4-bit", "1-bit")) {
        Path d = dir.resolve("lucene-" + label);
        KnnVectorsFormat format = switch (label) {
          case "float" -> new Lucene99HnswVectorsFormat(MAX_CONN, BEAM_WIDTH);
          case "4-bit" -> new Lucene104HnswScalarQuantizedVectorsFormat(
              QuantizedByteVectorValues.ScalarEncoding.PACKED_NIBBLE, MAX_CONN, BEAM_WIDTH);
          default -> new Lucene104HnswScalarQuantizedVectorsFormat(
              QuantizedByteVectorValues.ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, MAX_CONN, BEAM_WIDTH);
        };
        double build = buildLucene(d, base, format);
        long size = size(d, null);
        long raw = size(d, ".vec");
        try (FSDirectory fs = FSDirectory.open(d); DirectoryReader r = DirectoryReader.open(fs)) {
          IndexSearcher s = new IndexSearcher(r);
          for (int over : label.equals("float") ? new int[] {hnswCandidates / K} : oversample) {
            int n = label.equals("float") ? hnswCandidates : over * K;
            Measured m = measure(q, truth, i -> {
              Query knn = new KnnFloatVectorQuery("v", q.rowCopy(i), n);
              Query query = label.equals("float") ? knn
                  : RescoreTopNQuery.createFullPrecisionRescorerQuery(knn, q.rowCopy(i), "v", K);
              TopDocs top = s.search(query, K);
              var stored = s.storedFields();
              int[] out = new int[top.scoreDocs.length];
              for (int j = 0; j < out.length; j++) {
                // the row from the stored field, as distok's results name items by their stored id
                out[j] = stored.document(top.scoreDocs[j].doc).getField("row").numericValue().intValue();
              }
              return out;
            });
            String method = "Lucene HNSW " + label + (label.equals("float") ? ", " + n + " candidates"
                : ", " + over + "x + full-precision rescore");
            rows.add(row(w, method, m, size, size - raw, build));
          }
        }
      }
      if (methods.equals("lucene")) {
        return finish(w, name, base, q, rows);
      }
      ItemEmbeddings items = ItemEmbeddings.numbered(base).normalized();
      long f0 = System.nanoTime();
      SemanticIdModel model = SemanticIdTrainer.fit(items, SemanticIdConfig.DEFAULT, ProgressListener.NONE);
      double fit = (System.nanoTime() - f0) / 1e9;
      w.printf(Locale.ROOT, "distok semantic-ID model (default recipe, %s levels of 256): fitted in %.2f s%n",
          model.config().levels(), fit);
      for (boolean vectors : new boolean[] {true, false}) {
        Path d = dir.resolve("distok-" + (vectors ? "vectors" : "codes"));
        long b0 = System.nanoTime();
        try (ItemIndexWriter iw = ItemIndexWriter.open(d, model, vectors, "bench model")) {
          iw.put(items, Map.of(), "none");
          iw.forceMerge(1);
          iw.commit();
        }
        double build = (System.nanoTime() - b0) / 1e9;
        long size = size(d, null);
        long raw = size(d, ".vec");
        try (ItemSearcher s = ItemSearcher.open(d, model, "bench model")) {
          for (int t : nearestCodes) {
            for (int c : candidates) {
              Measured m = measure(q, truth, i -> s.nearest(q.rowCopy(i), K, t, c, null).stream()
                  .mapToInt(h -> Integer.parseInt(h.id())).toArray());
              rows.add(row(w, "distok code tokens t=" + t + ", " + c + " rescored from " + (vectors ? "vectors"
                  : "codes"), m, size, size - raw, build));
            }
          }
        }
      }
    } finally {
      if (workDir == null) {
        AtomicFiles.deleteRecursively(dir);
      }
    }
    return finish(w, name, base, q, rows);
  }

  private Integer finish(PrintWriter w, String name, FloatMatrix base, FloatMatrix q, List<Map<String, Object>> rows)
      throws IOException {
    w.println("(recall@10 = share of the exact 10 nearest found; latency per query, one thread, after a warm-up "
        + "pass; index MB = all files after merging to one segment; w/o vectors = without the raw float vectors "
        + "(.vec); build = indexing + merge, distok's model fit not included)");
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("data", name);
      doc.put("indexed", base.rows());
      doc.put("queries", q.rows());
      doc.put("rows", rows);
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /** One query's result rows (indexed-row numbers) for query i. */
  interface Searcher {
    int[] search(int i) throws IOException;
  }

  record Measured(double recall, double meanMs, double p99Ms) {}

  /** Recall and latency over all queries after one warm-up pass over them. */
  private static Measured measure(FloatMatrix q, int[][] truth, Searcher searcher) throws IOException {
    for (int i = 0; i < q.rows(); i++) {
      searcher.search(i);
    }
    double[] ms = new double[q.rows()];
    long found = 0;
    for (int i = 0; i < q.rows(); i++) {
      long t0 = System.nanoTime();
      int[] got = searcher.search(i);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      for (int g : got) {
        for (int e : truth[i]) {
          if (g == e) {
            found++;
            break;
          }
        }
      }
    }
    Arrays.sort(ms);
    double mean = Arrays.stream(ms).average().orElse(0);
    return new Measured(found / (double) (K * q.rows()), mean, ms[Math.min(ms.length - 1, (int) Math.ceil(0.99
        * ms.length) - 1)]);
  }

  private static Map<String, Object> row(PrintWriter w, String method, Measured m, long size, long withoutVectors,
      double build) {
    w.printf(Locale.ROOT, "%-48s %9.3f %10.3f %10.3f %12.2f %14.2f %9.2f%n", method, m.recall(), m.meanMs(),
        m.p99Ms(), size / 1e6, withoutVectors / 1e6, build);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("method", method);
    r.put("recall_at_10", m.recall());
    r.put("mean_ms", m.meanMs());
    r.put("p99_ms", m.p99Ms());
    r.put("index_bytes", size);
    r.put("index_bytes_without_vectors", withoutVectors);
    r.put("build_s", build);
    return r;
  }

  /** Exact top-k rows of every query by squared L2 (direct differences, no norm expansion), ties by row. */
  private static int[][] exact(FloatMatrix base, FloatMatrix q) {
    int[][] out = new int[q.rows()][];
    io.distok.quant.kernel.DistanceKernel kernel = io.distok.quant.kernel.DistanceKernels.get();
    int dim = base.cols();
    io.distok.util.Parallel.forEachChunk(q.rows(), 16, (chunk, from, to) -> {
      float[] d = new float[base.rows()];
      for (int i = from; i < to; i++) {
        for (int r = 0; r < base.rows(); r++) {
          d[r] = kernel.squaredL2(q.data(), i * dim, base.data(), r * dim, dim);
        }
        out[i] = io.distok.util.TopK.smallest(d, d.length, K);
      }
    });
    return out;
  }

  private static double buildLucene(Path d, FloatMatrix base, KnnVectorsFormat format) throws IOException {
    long t0 = System.nanoTime();
    Files.createDirectories(d);
    IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setCodec(new Lucene104Codec() {
          @Override
          public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
            return format;
          }
        }).setRAMBufferSizeMB(2048); // one flushed segment up to ~5M x 64 floats: no graph rebuilt by merges
    separateFiles(config);
    try (FSDirectory fs = FSDirectory.open(d); IndexWriter iw = new IndexWriter(fs, config)) {
      for (int i = 0; i < base.rows(); i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField("v", base.rowCopy(i), VectorSimilarityFunction.EUCLIDEAN));
        doc.add(new StoredField("row", i));
        iw.addDocument(doc);
      }
      iw.forceMerge(1);
      iw.commit();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** No compound files, so that the raw vectors' file (.vec) can be told apart in the sizes. */
  private static IndexWriterConfig separateFiles(IndexWriterConfig config) {
    config.setUseCompoundFile(false);
    config.getMergePolicy().setNoCFSRatio(0.0);
    return config;
  }

  /** Bytes of the files in {@code d}, or of those whose name ends with {@code suffix}. */
  private static long size(Path d, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.filter(f -> suffix == null || f.getFileName().toString().endsWith(suffix)).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sum();
    }
  }

}
