package io.distok.quant.pq;

import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ExplicitCodebooks;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.QueryScorer;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.TopK;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import io.distok.quant.kmeans.KMeansParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Product quantization (Jegou et al. 2011): the d dimensions are cut into M contiguous sub-spaces of d/M
 * dimensions, each quantized by its own k-means codebook of K entries; a vector becomes M codes. Encoding
 * costs O(n K d) in total; {@link #adcTable} and {@link #adcDistance} give asymmetric query-to-code distances
 * in O(M K d/M) per query plus O(M) per code.
 */
public final class ProductQuantizer implements Quantizer, ExplicitCodebooks {
  private final List<FloatMatrix> codebooks;
  private final List<PackedRows> packed;
  private final KMeansParams kmeans;
  private final int subDim;
  private final CodeLayout layout;

  /** Wraps M trained sub-space codebooks (copied); all must share K and the sub-space dimension. */
  public ProductQuantizer(List<FloatMatrix> codebooks, KMeansParams kmeans) {
    if (codebooks.isEmpty()) {
      throw new IllegalArgumentException("PQ needs at least one sub-space");
    }
    this.codebooks = codebooks.stream().map(FloatMatrix::copy).toList();
    this.packed = this.codebooks.stream().map(PackedRows::new).toList();
    this.kmeans = kmeans;
    this.subDim = codebooks.get(0).cols();
    int k = codebooks.get(0).rows();
    for (int j = 0; j < codebooks.size(); j++) {
      FloatMatrix b = codebooks.get(j);
      if (b.cols() != subDim) {
        throw new IllegalArgumentException("sub-space codebook " + j + " has dimension " + b.cols() + ", codebook 0 "
            + subDim);
      }
      if (b.rows() != k) {
        throw new IllegalArgumentException("sub-space codebook " + j + " has " + b.rows() + " codes, codebook 0 has "
            + k + "; all sub-spaces share K");
      }
    }
    if (k != kmeans.k()) {
      throw new IllegalArgumentException("codebooks have K = " + k + " codes but the parameters say K = "
          + kmeans.k());
    }
    this.layout = CodeLayout.uniform(codebooks.size(), k);
  }

  /**
   * A trainer for M sub-spaces of K centroids ({@code kmeans.k()}); training costs O(niter n K d).
   */
  public static QuantizerTrainer<ProductQuantizer> trainer(int m, KMeansParams kmeans) {
    if (m < 1) {
      throw new IllegalArgumentException("M must be >= 1, got " + m);
    }
    return (data, seed, progress) -> {
      data.requireFinite("training data");
      if (data.cols() % m != 0) {
        throw new InvalidInputException("PQ: dimension " + data.cols() + " is not divisible by M=" + m);
      }
      int sub = data.cols() / m;
      List<FloatMatrix> books = new ArrayList<>();
      for (int s = 0; s < m; s++) {
        FloatMatrix part = data.columns(s * sub, (s + 1) * sub);
        long subSeed = seed + 0x9E3779B97F4A7C15L * (s + 1);
        books.add(new KMeans(kmeans).train(part, subSeed, progress, "PQ sub-space " + (s + 1) + "/" + m)
            .centroids());
      }
      return new ProductQuantizer(books, kmeans);
    };
  }

  @Override
  public String method() {
    return "pq";
  }

  @Override
  public int dimension() {
    return subDim * codebooks.size();
  }

  @Override
  public CodeLayout layout() {
    return layout;
  }

  /**
   * The ADC scorer: the query's sub-space distances and inner products to every centroid, O(K d) to build, O(M)
   * per item.
   */
  @Override
  public LookupTableScorer scorer(float[] query) {
    float[] q = QueryScorer.requireQuery(this, query);
    int m = codebooks.size();
    int k = kmeans.k();
    float[] dist = adcTable(q);
    float[] dots = new float[m * k];
    DistanceKernel kernel = DistanceKernels.get();
    float[] scratch = new float[k];
    for (int s = 0; s < m; s++) {
      float[] sub = java.util.Arrays.copyOfRange(q, s * subDim, (s + 1) * subDim);
      kernel.dots(sub, 0, packed.get(s), scratch);
      System.arraycopy(scratch, 0, dots, s * k, k);
    }
    return new LookupTableScorer() {
      @Override
      public float squaredDistance(Codes codes, int row) {
        return adcDistance(dist, codes, row);
      }

      @Override
      public float innerProduct(Codes codes, int row) {
        return adcDistance(dots, codes, row);
      }

      @Override
      public float contribution(int j, int code) {
        return dist[j * k + code];
      }

      @Override
      public int size(int j) {
        return k;
      }
    };
  }

  @Override
  public List<FloatMatrix> codebooks() {
    return codebooks.stream().map(FloatMatrix::copy).toList();
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("M", codebooks.size());
    p.put("K", kmeans.k());
    p.put("dsub", subDim);
    KMeansFamilyParameters.put(kmeans, p);
    return p;
  }

  /**
   * Codes of every row: one row-parallel pass in which each chunk of rows copies one sub-space at a time into a
   * small scratch block (it stays in cache) and finds its nearest centroids there, so the data is read once and
   * the thread pool is entered once, not M times. O(n K d).
   */
  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    int m = codebooks.size();
    int n = x.rows();
    int d = dimension();
    Codes codes = new Codes(n, m);
    DistanceKernel kernel = DistanceKernels.get();
    float[] xd = x.data();
    int chunk = Parallel.DEFAULT_CHUNK;
    Parallel.forEachChunk(n, chunk, (c, from, to) -> {
      int rows = to - from;
      float[] block = new float[rows * subDim];
      int[] idx = new int[rows];
      float[] dist = new float[rows];
      for (int s = 0; s < m; s++) {
        for (int i = 0; i < rows; i++) {
          System.arraycopy(xd, (from + i) * d + s * subDim, block, i * subDim, subDim);
        }
        kernel.nearest(block, 0, rows, packed.get(s), idx, dist);
        for (int i = 0; i < rows; i++) {
          codes.set(from + i, s, idx[i]);
        }
      }
    });
    return codes;
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    int m = codebooks.size();
    FloatMatrix out = new FloatMatrix(codes.rows(), dimension());
    for (int i = 0; i < codes.rows(); i++) {
      for (int s = 0; s < m; s++) {
        FloatMatrix b = codebooks.get(s);
        System.arraycopy(b.data(), b.offset(codes.get(i, s)), out.data(), out.offset(i) + s * subDim, subDim);
      }
    }
    return out;
  }

  /**
   * The asymmetric distance table of one query: entry {@code s * K + k} is the squared distance between the
   * query's sub-vector {@code s} and centroid {@code k} of sub-space {@code s}. Cost O(K d).
   */
  public float[] adcTable(float[] query) {
    if (query.length != dimension()) {
      throw new InvalidInputException("query dimension " + query.length + " != " + dimension());
    }
    int m = codebooks.size();
    int k = codebooks.get(0).rows();
    float[] table = new float[m * k];
    DistanceKernel kernel = DistanceKernels.get();
    for (int s = 0; s < m; s++) {
      float[] b = codebooks.get(s).data();
      for (int j = 0; j < codebooks.get(s).rows(); j++) {
        table[s * k + j] = kernel.squaredL2(query, s * subDim, b, j * subDim, subDim);
      }
    }
    return table;
  }

  /** Approximate squared distance between the query of {@code table} and encoded row {@code row}. O(M). */
  public float adcDistance(float[] table, Codes codes, int row) {
    int m = codebooks.size();
    int k = codebooks.get(0).rows();
    float sum = 0;
    for (int s = 0; s < m; s++) {
      sum += table[s * k + codes.get(row, s)];
    }
    return sum;
  }

  /**
   * The {@code topK} encoded rows nearest to {@code query} by ADC distance, nearest first (ties by row).
   * Cost O(K d + n M + n topK).
   */
  public int[] search(float[] query, Codes codes, int topK) {
    float[] table = adcTable(query);
    int n = codes.rows();
    float[] dist = new float[n];
    for (int i = 0; i < n; i++) {
      dist[i] = Math.max(0f, adcDistance(table, codes, i));
    }
    return TopK.smallest(dist, n, topK);
  }

}
