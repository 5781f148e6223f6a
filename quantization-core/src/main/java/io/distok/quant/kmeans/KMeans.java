package io.distok.quant.kmeans;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.train.Assigner;
import io.distok.quant.train.AssignmentContext;
import io.distok.quant.train.CodebookUpdate;
import io.distok.quant.train.DeadCodePolicy;
import io.distok.quant.train.MeanUpdate;
import io.distok.quant.train.SplitLargeClusters;
import io.distok.quant.train.TrainableQuantizer;
import io.distok.quant.train.UsageRegularizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur and Vassilvitskii 2007), faiss-style training-set subsampling
 * ({@code maxPointsPerCentroid}), composed of the training steps of {@code io.distok.quant.train}: nearest
 * assignment, a {@link CodebookUpdate} (the mean) and a {@link DeadCodePolicy} (faiss's split of a large
 * cluster for an empty one). A run is a {@link Lloyd} state that {@link #run} iterates. With {@link
 * KMeansParams#progressiveDimSteps()} the run starts from {@link ProgressiveDimKMeans}'s centroids instead of
 * seeds (faiss's progressive-dimension clustering; a PCA and runs on leading components first).
 *
 * <p>Cost: seeding O(n K d); each iteration O(n K d) for the assignment (blocked, vectorized, parallel over
 * rows) plus O(n d) for the update. Memory O(n + K d) besides the data. The result is a deterministic function
 * of the data, the parameters and the seed, whatever the thread count: all reductions run in a fixed order.
 */
public final class KMeans {
  private static final Logger LOG = LoggerFactory.getLogger(KMeans.class);
  /** Rows per parallel chunk of k-means++ seeding: K passes over the data, so fewer, larger tasks. */
  private static final int SEEDING_CHUNK = 2048;

  private final KMeansParams params;
  private final DistanceKernel kernel;
  private final CodebookUpdate update;
  private final DeadCodePolicy deadCodes;
  private final UsageRegularizer regularizer;
  private final Assigner assigner;

  public KMeans(KMeansParams params) {
    this(params, DistanceKernels.get());
  }

  public KMeans(KMeansParams params, DistanceKernel kernel) {
    this(params, kernel, MeanUpdate.INSTANCE, SplitLargeClusters.INSTANCE);
  }

  /** k-means with the given update and dead-code steps (Lloyd's mean and faiss's split are the defaults). */
  public KMeans(KMeansParams params, DistanceKernel kernel, CodebookUpdate update, DeadCodePolicy deadCodes) {
    this(params, kernel, update, deadCodes, null);
  }

  /**
   * k-means whose assignment also pays {@code regularizer}'s cost for each code, from the usage of the step
   * before (null: plain nearest assignment). With a regulariser an assignment step costs O(n K d) through one
   * distance row per training row instead of the blocked nearest search.
   */
  public KMeans(KMeansParams params, DistanceKernel kernel, CodebookUpdate update, DeadCodePolicy deadCodes,
      UsageRegularizer regularizer) {
    this(params, kernel, null, update, deadCodes, regularizer);
  }

  /**
   * k-means whose assignment step is {@code assigner} (e.g. a {@link io.distok.quant.train.SoftAssigner} for
   * soft k-means, or a balanced one), with the given update and dead-code steps. The objective is then the mean
   * squared distance of the rows to the codes the assigner chose. Cost per step: the assigner's plus O(n d).
   */
  public KMeans(KMeansParams params, DistanceKernel kernel, Assigner assigner, CodebookUpdate update,
      DeadCodePolicy deadCodes) {
    this(params, kernel, java.util.Objects.requireNonNull(assigner, "assigner"), update, deadCodes, null);
  }

  private KMeans(KMeansParams params, DistanceKernel kernel, Assigner assigner, CodebookUpdate update,
      DeadCodePolicy deadCodes, UsageRegularizer regularizer) {
    this.params = java.util.Objects.requireNonNull(params, "params");
    this.kernel = java.util.Objects.requireNonNull(kernel, "kernel");
    this.assigner = assigner;
    this.update = java.util.Objects.requireNonNull(update, "update");
    this.deadCodes = java.util.Objects.requireNonNull(deadCodes, "deadCodes");
    this.regularizer = regularizer;
  }

  /**
   * Trains on the rows of {@code data}.
   *
   * @throws InvalidInputException if {@code data} is empty
   */
  public KMeansResult train(FloatMatrix data, long seed, ProgressListener progress, String stage) {
    Lloyd<Quantizer> run = start(data, seed, progress, stage, null);
    return run(run, progress, stage);
  }

  /**
   * Subsamples and seeds, and returns the training state before the first Lloyd iteration; {@link
   * #run} iterates it, or a caller steps it itself.
   *
   * @param freezer builds the model {@link Lloyd#freeze()} returns from the centroids (null: no model)
   * @throws InvalidInputException if {@code data} is empty
   */
  public <Q extends Quantizer> Lloyd<Q> start(FloatMatrix data, long seed, String stage,
      Function<FloatMatrix, Q> freezer) {
    return start(data, seed, ProgressListener.NONE, stage, freezer);
  }

  /**
   * As {@link #start(FloatMatrix, long, String, Function)}; with {@link KMeansParams#progressiveDimSteps()} the
   * runs on the leading principal components come first (reported to {@code progress}), and the state returned
   * is the last, full-dimension run's, started from their centroids.
   */
  public <Q extends Quantizer> Lloyd<Q> start(FloatMatrix data, long seed, ProgressListener progress, String stage,
      Function<FloatMatrix, Q> freezer) {
    if (data.rows() == 0 || data.cols() == 0) {
      throw new InvalidInputException("k-means: empty training data (" + data.rows() + " x " + data.cols() + ")");
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int k = params.k();
    FloatMatrix x = subsample(data, rng);
    int distinct = countDistinct(x, k);
    if (distinct < k) {
      LOG.warn("{}: K={} exceeds the {} distinct training rows; {} centroids will be dead codes", stage, k,
          distinct, k - distinct);
    }
    FloatMatrix centroids = params.progressiveDimSteps() > 0
        ? ProgressiveDimKMeans.startingCentroids(this, x, distinct, rng, progress, stage)
        : seed(x, rng);
    return new Lloyd<>(x, centroids, distinct, rng, freezer);
  }

  /** K initial centroids for the rows of {@code x}: k-means++ or uniform, as the parameters say. */
  FloatMatrix seed(FloatMatrix x, SplittableRandom rng) {
    return params.kmeansPlusPlus() ? seedPlusPlus(x, params.k(), rng) : seedRandom(x, params.k(), rng);
  }

  /** The parameters. */
  KMeansParams params() {
    return params;
  }

  /**
   * Runs {@code niter} Lloyd iterations of {@code state} on its training rows (fewer when the objective stops
   * improving by the tolerance).
   */
  public KMeansResult run(Lloyd<?> state, ProgressListener progress, String stage) {
    double[] history = new double[params.niter()];
    int it = 0;
    double previous = Double.POSITIVE_INFINITY;
    for (; it < params.niter(); it++) {
      double obj = state.step(state.trainingRows);
      history[it] = obj;
      progress.progress(stage, it + 1, params.niter());
      if (params.tolerance() > 0 && previous - obj <= params.tolerance() * previous) {
        it++;
        break;
      }
      previous = obj;
    }
    return new KMeansResult(state.centroids, it, Arrays.copyOf(history, it), state.trainingRows.rows(),
        state.distinct);
  }

  /**
   * The state of one k-means run as a {@link TrainableQuantizer}: the centroids, and a step that is one Lloyd
   * iteration on a batch (nearest assignment, the {@link CodebookUpdate}, the {@link DeadCodePolicy}), O(n K d).
   *
   * @param <Q> the model {@link #freeze()} builds from the centroids
   */
  public final class Lloyd<Q extends Quantizer> implements TrainableQuantizer<Q> {
    private final FloatMatrix trainingRows;
    private final int distinct;
    private final SplittableRandom rng;
    private final Function<FloatMatrix, Q> freezer;
    private FloatMatrix centroids;
    private int steps;
    /** Rows per code at the last step's assignment (null before the first), for the usage regulariser. */
    private int[] lastCounts;
    /** The squared norms of {@link #normsOf}'s rows: Lloyd's steps search the same rows each time. */
    private float[] norms;
    private FloatMatrix normsOf;

    /**
     * Nearest assignment with the regulariser's per-code costs added to each distance, the costs following the
     * usage of the rows assigned so far in this pass (row order, so it is a function of the data alone: a cost
     * from the whole previous step would send every row of a dense region to the same under-used code and
     * oscillate). Distances come row by row from the vector kernel; the pass is sequential, O(n K (d + 1)). The
     * objective is the plain squared distance of the chosen codes.
     */
    private double assignRegularized(FloatMatrix x, FloatMatrix c, int[] assign, float[] dist) {
      int k = c.rows();
      float[] cost = new float[k];
      int[] running = new int[k];
      PackedRows packed = new PackedRows(c);
      float[] dots = new float[k];
      float[] d2 = new float[k];
      double total = 0;
      for (int i = 0; i < x.rows(); i++) {
        regularizer.assignmentCosts(running, i, cost);
        kernel.squaredDistances(x.data(), x.offset(i), packed, dots, d2);
        int best = 0;
        for (int j = 1; j < k; j++) {
          if (d2[j] + cost[j] < d2[best] + cost[best]) {
            best = j;
          }
        }
        assign[i] = best;
        dist[i] = d2[best];
        running[best]++;
        total += d2[best];
      }
      return total;
    }

    /** The configured assigner's codes; returns the summed squared distance to them, in row order. O(n d). */
    private double assignWith(FloatMatrix x, FloatMatrix c, int[] assign) {
      int[] codes = assigner.assign(x, c, AssignmentContext.single(x.rows()));
      System.arraycopy(codes, 0, assign, 0, codes.length);
      double total = 0;
      for (int i = 0; i < x.rows(); i++) {
        total += kernel.squaredL2(x.data(), x.offset(i), c.data(), c.offset(codes[i]), x.cols());
      }
      return total;
    }

    /** The squared norms of the batch's rows, computed once for a batch given again (the training rows). */
    private float[] rowNorms(FloatMatrix batch) {
      if (batch != normsOf) {
        int d = batch.cols();
        float[] computed = new float[batch.rows()];
        Parallel.forEachChunk(batch.rows(), Parallel.DEFAULT_CHUNK, (c, from, to) -> {
          for (int i = from; i < to; i++) {
            computed[i] = PackedRows.squaredNorm(batch.data(), i * d, d);
          }
        });
        norms = computed;
        normsOf = batch;
      }
      return norms;
    }

    /** The regulariser's loss at the last step's usage (0 without a regulariser or before a step). */
    public double usageLoss() {
      return regularizer == null || lastCounts == null ? 0 : regularizer.loss(lastCounts, trainingRows.rows());
    }

    Lloyd(FloatMatrix trainingRows, FloatMatrix centroids, int distinct, SplittableRandom rng,
        Function<FloatMatrix, Q> freezer) {
      this.trainingRows = trainingRows;
      this.centroids = centroids;
      this.distinct = distinct;
      this.rng = rng;
      this.freezer = freezer;
    }

    /** The rows the run trains on (the data, or its subsample). */
    public FloatMatrix trainingRows() {
      return trainingRows;
    }

    /** A copy of the current centroids. */
    public FloatMatrix centroids() {
      return centroids.copy();
    }

    @Override
    public double step(FloatMatrix batch) {
      int n = batch.rows();
      int[] assign = new int[n];
      float[] dist = new float[n];
      double obj = (assigner != null ? assignWith(batch, centroids, assign)
          : regularizer == null ? assign(batch, rowNorms(batch), centroids, assign, dist)
          : assignRegularized(batch, centroids, assign, dist)) / n;
      int[] counts = new int[params.k()];
      for (int a : assign) {
        counts[a]++;
      }
      lastCounts = counts.clone();
      FloatMatrix next = update.update(batch, assign, counts, centroids);
      deadCodes.repair(next, counts, n, rng);
      centroids = next;
      steps++;
      return obj;
    }

    @Override
    public int steps() {
      return steps;
    }

    @Override
    public Q freeze() {
      if (freezer == null) {
        throw new IllegalStateException("this k-means run was started without a model to freeze into");
      }
      return freezer.apply(centroids.copy());
    }
  }

  private FloatMatrix subsample(FloatMatrix data, SplittableRandom rng) {
    long cap = (long) params.k() * params.maxPointsPerCentroid();
    if (params.maxPointsPerCentroid() == 0 || data.rows() <= cap) {
      return data;
    }
    return data.selectRows(sampleIndices(data.rows(), (int) cap, rng));
  }

  /**
   * {@code sample} distinct indices of {@code [0, n)}, ascending, drawn by a partial Fisher-Yates shuffle from
   * {@code rng} (which advances by {@code sample} draws). O(n).
   */
  public static int[] sampleIndices(int n, int sample, SplittableRandom rng) {
    if (sample < 0 || sample > n) {
      throw new IllegalArgumentException("a sample of " + sample + " from " + n);
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < sample; i++) {
      int j = i + rng.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    int[] chosen = Arrays.copyOf(perm, sample);
    Arrays.sort(chosen);
    return chosen;
  }

  /** Counts distinct rows, stopping early once {@code limit} is reached. O(n d). */
  static int countDistinct(FloatMatrix x, int limit) {
    Set<RowKey> seen = new HashSet<>();
    for (int i = 0; i < x.rows() && seen.size() < limit; i++) {
      seen.add(new RowKey(x.data(), x.offset(i), x.cols()));
    }
    return seen.size();
  }

  private record RowKey(float[] data, int offset, int length) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RowKey r && Arrays.equals(data, offset, offset + length, r.data, r.offset,
          r.offset + r.length);
    }

    @Override
    public int hashCode() {
      int h = 1;
      for (int t = 0; t < length; t++) {
        h = 31 * h + Float.floatToIntBits(data[offset + t]);
      }
      return h;
    }
  }

  /** Uniform seeding: K distinct training rows (with repeats only when {@code n < K}). */
  private static FloatMatrix seedRandom(FloatMatrix x, int k, SplittableRandom rng) {
    int n = x.rows();
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    FloatMatrix c = new FloatMatrix(k, x.cols());
    for (int j = 0; j < k; j++) {
      if (j < n) {
        int r = j + rng.nextInt(n - j);
        int t = perm[j];
        perm[j] = perm[r];
        perm[r] = t;
        c.setRow(j, x.rowCopy(perm[j]));
      } else {
        c.setRow(j, x.rowCopy(rng.nextInt(n)));
      }
    }
    return c;
  }

  /**
   * Greedy k-means++: each next centroid is the best of {@code 2 + ln K} training rows drawn with probability
   * proportional to their squared distance to the nearest centroid chosen so far, "best" meaning the one that
   * lowers the total of those distances most (the local trials of Arthur and Vassilvitskii's paper, as
   * scikit-learn does). When every remaining distance is 0 (fewer distinct rows than K) the remaining
   * centroids repeat existing rows and end up as dead codes.
   *
   * <p>Cost O(K (2 + ln K) n d) flops, but in K passes over the data, not K (2 + ln K): the candidates of one
   * step are drawn first (the draw does not depend on the other trials), then scored together in one blocked,
   * row-parallel pass that shares every loaded data vector among them; a draw walks the per-chunk sums of that
   * pass and then one chunk. Sums run per fixed chunk and are added in chunk order, so the seeds do
   * not depend on the thread count.
   */
  private FloatMatrix seedPlusPlus(FloatMatrix x, int k, SplittableRandom rng) {
    int n = x.rows();
    int d = x.cols();
    int trials = 2 + (int) Math.log(k);
    FloatMatrix c = new FloatMatrix(k, d);
    // the data is packed once; candidates are the query rows of the block kernel, the data its packed rows
    PackedRows packedX = new PackedRows(x);
    int chunks = Parallel.chunkCount(n, SEEDING_CHUNK);
    float[] minDist = new float[n];
    Arrays.fill(minDist, Float.POSITIVE_INFINITY);
    // the vector kernel works on tiles of 4 query rows: pad the candidates to a multiple of 4 (the padding rows
    // are zeros whose dot products are computed and ignored) so that none runs through the single-row loop
    int padded = (trials + 3) / 4 * 4;
    float[] candDist = new float[padded * n];
    float[] candRows = new float[padded * d];
    float[] candNorms = new float[padded];
    double[] partial = new double[chunks * trials];
    double[] chunkTotals = new double[chunks];
    int[] cand = new int[trials];
    cand[0] = rng.nextInt(n);
    System.arraycopy(x.data(), x.offset(cand[0]), candRows, 0, d);
    c.setRow(0, x.rowCopy(cand[0]));
    scoreCandidates(x, packedX, candRows, candNorms, 1, minDist, candDist, partial);
    System.arraycopy(candDist, 0, minDist, 0, n);
    System.arraycopy(partial, 0, chunkTotals, 0, chunks);
    for (int j = 1; j < k; j++) {
      double total = 0;
      for (double t : chunkTotals) {
        total += t;
      }
      if (total <= 0) {
        int r = rng.nextInt(n);
        c.setRow(j, x.rowCopy(r));
        continue;
      }
      for (int t = 0; t < trials; t++) {
        int row = sample(minDist, chunkTotals, total, rng);
        System.arraycopy(x.data(), x.offset(row), candRows, t * d, d);
        cand[t] = row;
      }
      scoreCandidates(x, packedX, candRows, candNorms, trials, minDist, candDist, partial);
      int best = 0;
      double bestPotential = Double.POSITIVE_INFINITY;
      for (int t = 0; t < trials; t++) {
        double potential = 0;
        for (int ci = 0; ci < chunks; ci++) {
          potential += partial[ci * trials + t];
        }
        if (potential < bestPotential) {
          bestPotential = potential;
          best = t;
        }
      }
      c.setRow(j, x.rowCopy(cand[best]));
      System.arraycopy(candDist, best * n, minDist, 0, n);
      for (int ci = 0; ci < chunks; ci++) {
        chunkTotals[ci] = partial[ci * trials + best];
      }
    }
    return c;
  }

  /**
   * For each of the {@code count} candidate rows in {@code candRows}: the squared distance of every data row to
   * it, capped by {@code minDist}, into {@code candDist[t * n + i]}, and the per-chunk sums of those into
   * {@code partial[chunk * count + t]}. One row-parallel pass over the data; {@code candRows} may hold padding
   * rows after the first {@code count}, which are scored and ignored.
   */
  private void scoreCandidates(FloatMatrix x, PackedRows packedX, float[] candRows, float[] candNorms, int count,
      float[] minDist, float[] candDist, double[] partial) {
    int n = x.rows();
    int d = x.cols();
    for (int t = 0; t < candNorms.length; t++) {
      candNorms[t] = PackedRows.squaredNorm(candRows, t * d, d);
    }
    int queries = candRows.length / d;
    Parallel.forEachChunk(n, SEEDING_CHUNK, (ci, from, to) -> {
      kernel.cappedDistances(candRows, queries, candNorms, packedX, from, to, minDist, candDist, n);
      for (int t = 0; t < count; t++) {
        partial[ci * count + t] = sum(candDist, t * n + from, t * n + to);
      }
    });
  }

  /**
   * Sum of {@code v[from, to)} in double, in four interleaved running sums added in a fixed order: one running
   * sum is a chain of dependent adds that would cost more than the distances themselves at small d.
   */
  static double sum(float[] v, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = from;
    for (; i + 4 <= to; i += 4) {
      s0 += v[i];
      s1 += v[i + 1];
      s2 += v[i + 2];
      s3 += v[i + 3];
    }
    for (; i < to; i++) {
      s0 += v[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * A row drawn with probability proportional to its weight {@code minDist[i]}, given the weights' sums per
   * seeding chunk: the chunk is found from those sums, then the row by a running sum within that chunk only, so
   * a draw costs O(chunks + chunk size) and no global prefix sum is kept. Never a row of weight 0.
   */
  private static int sample(float[] minDist, double[] chunkTotals, double total, SplittableRandom rng) {
    double r = rng.nextDouble() * total;
    int chunk = 0;
    double before = 0;
    for (; chunk < chunkTotals.length - 1; chunk++) {
      if (before + chunkTotals[chunk] > r) {
        break;
      }
      before += chunkTotals[chunk];
    }
    // skip trailing chunks without weight (rounding can leave r at the very end of the last one with weight)
    while (chunkTotals[chunk] <= 0 && chunk > 0) {
      chunk--;
    }
    int from = chunk * SEEDING_CHUNK;
    int to = Math.min(minDist.length, from + SEEDING_CHUNK);
    double acc = before;
    int last = -1;
    for (int i = from; i < to; i++) {
      if (minDist[i] > 0) {
        acc += minDist[i];
        last = i;
        if (acc > r) {
          return i;
        }
      }
    }
    return last; // the chunk's sums were added in another order: r fell in its last rounding gap
  }

  /**
   * Means of the rows assigned to each code, summed in double in row order; a code no row uses keeps its row of
   * {@code unused} (e.g. zeros, or the previous centroids). O(n d).
   *
   * @param unused K x d rows for codes without rows
   */
  public static FloatMatrix clusterMeans(FloatMatrix x, int[] codes, FloatMatrix unused) {
    int k = unused.rows();
    int d = x.cols();
    double[] sum = new double[k * d];
    int[] count = new int[k];
    for (int i = 0; i < x.rows(); i++) {
      int c = codes[i];
      count[c]++;
      for (int t = 0; t < d; t++) {
        sum[c * d + t] += x.get(i, t);
      }
    }
    FloatMatrix m = unused.copy();
    for (int j = 0; j < k; j++) {
      if (count[j] > 0) {
        for (int t = 0; t < d; t++) {
          m.data()[j * d + t] = (float) (sum[j * d + t] / count[j]);
        }
      }
    }
    return m;
  }


  /**
   * Assigns every row to its nearest centroid, given the rows' squared norms; returns the summed squared distance
   * (fixed-order sum).
   */
  private double assign(FloatMatrix x, float[] rowNorms, FloatMatrix centroids, int[] assign, float[] dist) {
    PackedRows packed = new PackedRows(centroids);
    int n = x.rows();
    int chunk = Parallel.DEFAULT_CHUNK;
    double[] partial = new double[Parallel.chunkCount(n, chunk)];
    Parallel.forEachChunk(n, chunk, (ci, from, to) -> {
      kernel.nearest(x.data(), rowNorms, from, to, packed, assign, dist);
      double s = 0;
      for (int i = from; i < to; i++) {
        s += dist[i];
      }
      partial[ci] = s;
    });
    double total = 0;
    for (double p : partial) {
      total += p;
    }
    return total;
  }
}
