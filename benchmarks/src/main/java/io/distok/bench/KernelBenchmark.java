package io.distok.bench;

import io.distok.util.FloatMatrix;
import io.distok.testdata.SyntheticData;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.Hamming;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.pq.ProductQuantizer;
import io.distok.util.ProgressListener;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Single-thread throughput of the kernels behind every quantizer: nearest-centroid search (the blocked 4-row
 * tile), one query's dot products, k-means++'s capped distances, a PQ look-up table and Hamming distances. Each
 * call's flop count is in its Javadoc, so GFLOP/s = flops / (seconds per call); BENCHMARKS.md lists the
 * results. Data: Gaussian blobs (the kernels' cost does not depend on the values).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
  /** Rows searched per call. */
  static final int ROWS = 4096;
  /** Centroids per codebook. */
  static final int K = 256;
  /** Candidates scored per k-means++ step (2 + ln 256, padded to the 4-row tile). */
  static final int CANDIDATES = 8;

  @Param({"8", "25", "64", "784"})
  int d;

  @Param({"vector", "scalar"})
  String kernel;

  DistanceKernel k;
  FloatMatrix x;
  PackedRows centroids;
  PackedRows packedData;
  float[] candidates;
  float[] candidateNorms;
  float[] cap;
  float[] capped;
  int[] idx;
  float[] dist;
  float[] dots;
  ProductQuantizer pq;
  float[] query;
  long[] codes;
  long[] codeQuery;
  int[] hamming;

  @Setup(Level.Trial)
  public void setUp() {
    if (kernel.equals("vector")) {
      if (!DistanceKernels.vectorApiAvailable()) {
        throw new IllegalStateException("jdk.incubator.vector is not in this JVM");
      }
      k = DistanceKernels.vector();
    } else {
      k = DistanceKernels.scalar();
    }
    x = SyntheticData.gaussianClusters(ROWS, d, 64, 0.3, 1);
    centroids = new PackedRows(SyntheticData.gaussianClusters(K, d, 64, 0.3, 2));
    packedData = new PackedRows(x);
    candidates = Arrays.copyOf(x.data(), CANDIDATES * d);
    candidateNorms = new float[CANDIDATES];
    for (int t = 0; t < CANDIDATES; t++) {
      candidateNorms[t] = PackedRows.squaredNorm(candidates, t * d, d);
    }
    cap = new float[(ROWS + PackedRows.WIDTH - 1) / PackedRows.WIDTH * PackedRows.WIDTH];
    Arrays.fill(cap, Float.POSITIVE_INFINITY);
    capped = new float[CANDIDATES * ROWS];
    idx = new int[ROWS];
    dist = new float[ROWS];
    dots = new float[K];
    int m = d % 8 == 0 ? 8 : d % 5 == 0 ? 5 : 1;
    pq = ProductQuantizer.trainer(m, new KMeansParams(K, 2, 256, 0, false)).train(x, 3, ProgressListener.NONE);
    query = x.rowCopy(17);
    codes = Hamming.packSigns(x.data(), ROWS, d);
    int words = (d + 63) / 64;
    codeQuery = Arrays.copyOf(codes, words);
    hamming = new int[ROWS];
  }

  /** Nearest of 256 centroids for 4096 rows: 2 x 4096 x 256 x d flops. */
  @Benchmark
  public int[] nearest() {
    k.nearest(x.data(), 0, ROWS, centroids, idx, dist);
    return idx;
  }

  /** One query against 256 centroids (the beam search's step): 2 x 256 x d flops. */
  @Benchmark
  public float[] dots() {
    k.dots(x.data(), 0, centroids, dots);
    return dots;
  }

  /** k-means++ step: 8 candidates against 4096 data rows, capped: 2 x 8 x 4096 x d flops. */
  @Benchmark
  public float[] cappedDistances() {
    k.cappedDistances(candidates, CANDIDATES, candidateNorms, packedData, 0, ROWS, cap, capped, ROWS);
    return capped;
  }

  /** PQ asymmetric-distance table of one query (M x 256 sub-distances): 3 x 256 x d flops. */
  @Benchmark
  public float[] adcTable() {
    return pq.adcTable(query);
  }

  /** Hamming distances of one sign code (d bits) to 4096 codes. */
  @Benchmark
  public void hammingDistances(Blackhole bh) {
    Hamming.distances(codeQuery, codes, (d + 63) / 64, hamming);
    bh.consume(hamming);
  }
}
