package io.distok.quant.rq;

import io.distok.quant.AdditiveCodeScorer;
import io.distok.quant.CodeLayout;
import io.distok.quant.Codes;
import io.distok.quant.ExplicitCodebooks;
import io.distok.quant.LookupTableScorer;
import io.distok.quant.QueryScorer;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.LongIntHashMap;
import io.distok.quant.NearestCodes;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.quant.Quantizer;
import io.distok.quant.QuantizerTrainer;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansFamilyParameters;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.train.AssignmentContext;
import io.distok.quant.transform.L2Normalization;
import io.distok.quant.train.LevelAssignment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Residual quantization (RQ / RVQ): L codebooks applied in turn, each quantizing what the previous levels left
 * over; a vector's reconstruction is the sum of its L codewords. Trained level by level with k-means on the
 * residuals (RQ-KMeans); encoded greedily (beam 1, O(n sum(K_l) d)) or with beam search of width B, which
 * keeps the B best partial code tuples by reconstruction error at every level (O(n B sum(K_l) d)).
 */
public final class ResidualQuantizer implements Quantizer, ExplicitCodebooks {
  /** Dimensions per parallel block of a refinement round's sums. */
  private static final int REFINE_DIMENSIONS = 64;
  private final List<FloatMatrix> codebooks;
  private final List<PackedRows> packed;
  /** Per level, the unit-direction centroids used for assignment when residuals are normalised; else null. */
  private final List<FloatMatrix> directions;
  private final List<PackedRows> packedDirections;
  private final ResidualQuantizerParams params;
  private final CodeLayout layout;
  /** Norm and cross-term tables for scoring, built on first use (racy but idempotent). */
  private volatile AdditiveCodeScorer.CrossTerms cross;

  /**
   * Wraps trained codebooks (copied).
   *
   * @param directions per-level assignment centroids when {@code params.normalizeResiduals()}, else null
   */
  public ResidualQuantizer(List<FloatMatrix> codebooks, List<FloatMatrix> directions,
      ResidualQuantizerParams params) {
    if (codebooks.size() != params.codebookSizes().length) {
      throw new IllegalArgumentException(codebooks.size() + " codebooks for " + params.codebookSizes().length
          + " levels");
    }
    if (params.normalizeResiduals() != (directions != null)) {
      throw new IllegalArgumentException("direction codebooks must be given exactly when residuals are normalised");
    }
    int d = codebooks.get(0).cols();
    for (int l = 0; l < codebooks.size(); l++) {
      FloatMatrix b = codebooks.get(l);
      if (b.rows() != params.codebookSizes()[l] || b.cols() != d) {
        throw new IllegalArgumentException("level " + l + " codebook is " + b.rows() + " x " + b.cols()
            + ", expected " + params.codebookSizes()[l] + " x " + d);
      }
      if (directions != null && (directions.size() != codebooks.size() || directions.get(l).rows() != b.rows()
          || directions.get(l).cols() != d)) {
        throw new IllegalArgumentException("level " + l + " direction codebook does not match its codebook's shape");
      }
    }
    this.codebooks = codebooks.stream().map(FloatMatrix::copy).toList();
    this.packed = this.codebooks.stream().map(PackedRows::new).toList();
    this.directions = directions == null ? null : directions.stream().map(FloatMatrix::copy).toList();
    this.packedDirections = this.directions == null ? null : this.directions.stream().map(PackedRows::new).toList();
    this.params = params;
    long[] sizes = new long[this.codebooks.size()];
    for (int l = 0; l < sizes.length; l++) {
      sizes[l] = this.codebooks.get(l).rows();
    }
    this.layout = CodeLayout.of(sizes);
  }

  /** A trainer for the given parameters (RQ-KMeans). Cost O(niter n sum(K_l) d). */
  public static QuantizerTrainer<ResidualQuantizer> trainer(ResidualQuantizerParams params) {
    return (data, seed, progress) -> fit(data, seed, progress, params).model();
  }

  /**
   * A trainer whose levels' k-means settings {@code training} resolves on the training data ({@link
   * LevelTraining#resolve}, with {@code niterGiven} saying whether {@code params}' iterations were asked for).
   */
  public static QuantizerTrainer<ResidualQuantizer> trainer(ResidualQuantizerParams params, LevelTraining training,
      boolean niterGiven) {
    return (data, seed, progress) -> fit(data, seed, progress,
        params.withKMeans(training.resolve(params.kmeans(), niterGiven, data))).model();
  }

  /**
   * A trained model and the codes its level-wise training gave the training rows. With nearest assignment and
   * no refinement these are the model's own greedy codes of the rows; with a balanced {@link LevelAssignment}
   * they are the balanced codes, which the model's nearest-code encoder does not reproduce; with refinement they
   * are the codes before it.
   *
   * @param model the trained quantizer
   * @param trainingCodes n x L codes of the training rows, in their order
   */
  public record Fit(ResidualQuantizer model, Codes trainingCodes) {}

  /**
   * Trains on {@code data} and keeps the training rows' codes (see {@link Fit}). Cost O(niter n sum(K_l) d), plus
   * the level assignment's rounds.
   */
  public static Fit fit(FloatMatrix data, long seed, ProgressListener progress, ResidualQuantizerParams params) {
    return fit(data, seed, progress, params, false);
  }

  /**
   * As {@link #fit}, leaving in {@code data} the rows' residuals after the last level (each row less the decoding
   * of its training codes): the same model and codes, and with greedy training and no refinement the residuals
   * are computed in {@code data} itself, which saves fit's working copy (n d floats).
   */
  public static Fit fitInPlace(FloatMatrix data, long seed, ProgressListener progress,
      ResidualQuantizerParams params) {
    return fit(data, seed, progress, params, true);
  }

  private static Fit fit(FloatMatrix data, long seed, ProgressListener progress, ResidualQuantizerParams params,
      boolean inPlace) {
    data.requireFinite("training data");
    if (data.rows() == 0) {
      throw new InvalidInputException("RQ: empty training data");
    }
    List<FloatMatrix> books = new ArrayList<>();
    List<FloatMatrix> dirs = params.normalizeResiduals() ? new ArrayList<>() : null;
    Codes trainingCodes;
    if (params.trainBeam() > 1) {
      trainingCodes = trainLevelsWithBeam(data, seed, progress, params, books);
    } else {
      // refinement reads the training rows, so only then does the residual need a copy of its own
      trainingCodes = trainLevelsGreedily(data, seed, progress, params, books, dirs,
          inPlace && params.refineRounds() == 0);
    }
    ResidualQuantizer model = new ResidualQuantizer(books, dirs, params);
    if (params.refineRounds() > 0) {
      // a round lowers the error of the codes it was fitted to, but re-encoding (greedy or beam) with the new
      // codebooks is not optimal and can end higher: keep a round only when the model's own encoding improves
      Codes codes = model.encode(data);
      double best = squaredError(model, data, codes);
      for (int round = 0; round < params.refineRounds(); round++) {
        progress.progress("RQ refinement", round + 1, params.refineRounds());
        // a round refits to greedy codes; a greedy model's own codes, just scored, are those
        Codes greedy = params.beam() == 1 ? codes : model.withBeam(1).encode(data);
        ResidualQuantizer next = model.refined(data, greedy);
        Codes nextCodes = next.encode(data);
        double error = squaredError(next, data, nextCodes);
        if (!(error < best)) {
          break;
        }
        model = next;
        best = error;
        codes = nextCodes;
      }
      progress.progress("RQ refinement", params.refineRounds(), params.refineRounds());
    }
    if (inPlace && (params.trainBeam() > 1 || params.refineRounds() > 0)) {
      FloatMatrix decoded = model.decode(trainingCodes);
      float[] r = data.data();
      float[] q = decoded.data();
      for (int i = 0; i < r.length; i++) {
        r[i] -= q[i];
      }
    }
    return new Fit(model, trainingCodes);
  }

  /**
   * The k-means seed of level {@code level}. With random seeding every level uses the training seed itself, as
   * faiss does (one {@code cp.seed} for all levels): every level then starts from the same training rows' residuals.
   * Measured on MNIST (10,000 x 784, RQ 3 x 256, 25 iterations, no refinement, seeds 1-6) this gives a mean MSE of
   * 15.72 against 15.94 with a distinct seed per level, and faiss's 15.73; on level 2's residuals alone, k-means
   * seeded with the rows that seeded the levels before reaches 15.73 where other random rows give 16.0. With
   * k-means++ seeding (rows drawn by their distance to the centroids so far) the levels get distinct seeds.
   */
  static long levelSeed(long seed, int level, KMeansParams kmeans) {
    return kmeans.kmeansPlusPlus() ? seed + 0x9E3779B97F4A7C15L * (level + 1) : seed;
  }

  /**
   * RQ-KMeans: each level's k-means on the residuals of the levels before, then the level's {@link
   * LevelAssignment} (nearest, or e.g. balanced within prefix groups, followed by its mean-update rounds).
   * Returns the training rows' codes.
   */
  private static Codes trainLevelsGreedily(FloatMatrix data, long seed, ProgressListener progress,
      ResidualQuantizerParams params, List<FloatMatrix> books, List<FloatMatrix> dirs, boolean inPlace) {
    int[] ks = params.codebookSizes();
    int n = data.rows();
    DistanceKernel kernel = DistanceKernels.get();
    LevelAssignment assignment = params.assignment();
    FloatMatrix residual = inPlace ? data : data.copy();
    Codes trainingCodes = new Codes(n, ks.length);
    PrefixGroups prefixes = new PrefixGroups(n);
    for (int l = 0; l < ks.length; l++) {
      KMeansParams kp = params.kmeans().withK(ks[l]);
      String stage = "RQ level " + (l + 1) + "/" + ks.length;
      long levelSeed = levelSeed(seed, l, kp);
      FloatMatrix book;
      int[] codes;
      if (params.normalizeResiduals()) {
        FloatMatrix unit = L2Normalization.normalizeRows(residual);
        FloatMatrix dir = new KMeans(kp, kernel).train(unit, levelSeed, progress, stage).centroids();
        codes = NearestCodes.assign(unit, new PackedRows(dir), kernel, null);
        book = KMeans.clusterMeans(residual, codes, new FloatMatrix(ks[l], residual.cols()));
        dirs.add(dir);
      } else {
        book = new KMeans(kp, kernel).train(residual, levelSeed, progress, stage).centroids();
        long later = 1;
        for (int m = l + 1; m < ks.length; m++) {
          later = later > Long.MAX_VALUE / ks[m] ? Long.MAX_VALUE : later * ks[m];
        }
        AssignmentContext context = new AssignmentContext(l, ks.length, prefixes.group, prefixes.count, later);
        // the rounds shape the codebook on a sample when one is asked for; every row is then assigned once with
        // the final codebook
        int sample = assignment.sampleRows();
        boolean sampled = assignment.rounds() > 0 && sample > 0 && sample < n;
        FloatMatrix fitRows = residual;
        AssignmentContext fitContext = context;
        if (sampled) {
          int[] rows = KMeans.sampleIndices(n, sample, new java.util.SplittableRandom(levelSeed ^ 0x5DEECE66DL));
          fitRows = residual.selectRows(rows);
          int[] subGroup = new int[rows.length];
          for (int r = 0; r < rows.length; r++) {
            subGroup[r] = prefixes.group[rows[r]];
          }
          fitContext = new AssignmentContext(l, ks.length, subGroup, prefixes.count, later);
        }
        int[] fitCodes = assignment.assigner().assign(fitRows, book, fitContext);
        for (int round = 0; round < assignment.rounds(); round++) {
          book = KMeans.clusterMeans(fitRows, fitCodes, book);
          fitCodes = assignment.assigner().assign(fitRows, book, fitContext);
        }
        codes = sampled ? assignment.assigner().assign(residual, book, context) : fitCodes;
      }
      subtract(residual, book, codes);
      books.add(book);
      for (int i = 0; i < n; i++) {
        trainingCodes.set(i, l, codes[i]);
      }
      if (!assignment.isNearest() && l + 1 < ks.length) {
        prefixes.refine(codes, ks[l]);
      }
    }
    return trainingCodes;
  }

  /** Rows grouped by their codes of the levels so far, numbered in order of first appearance. */
  private static final class PrefixGroups {
    final int[] group;
    int count = 1;

    PrefixGroups(int n) {
      group = new int[n];
    }

    /** Splits every group by the rows' codes of one more level. O(n) expected, no boxing per row. */
    void refine(int[] codes, int k) {
      LongIntHashMap next = new LongIntHashMap(1024);
      for (int i = 0; i < group.length; i++) {
        int fresh = next.size();
        int g = next.putIfAbsent((long) group[i] * k + codes[i], fresh);
        group[i] = g < 0 ? fresh : g;
      }
      count = next.size();
    }
  }

  /**
   * Training with a beam of B (faiss's scheme): every training row keeps its B best partial encodings; level l's
   * k-means runs on the residuals of all of them (row-major: row, then beam rank), then each row's beam advances
   * one level with the new codebook, keeping the B best of its B x K_l extensions. Memory O(n B (d + L)); time
   * about B times the greedy training.
   */
  private static Codes trainLevelsWithBeam(FloatMatrix data, long seed, ProgressListener progress,
      ResidualQuantizerParams params, List<FloatMatrix> books) {
    int[] ks = params.codebookSizes();
    int n = data.rows();
    int d = data.cols();
    int beam = params.trainBeam();
    int levels = ks.length;
    DistanceKernel kernel = DistanceKernels.get();
    // per row: up to `beam` partial encodings, their residuals and squared errors, best first
    float[] residuals = new float[n * beam * d];
    float[] errors = new float[n * beam];
    int[] codes = new int[n * beam * levels];
    int[] alive = new int[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.data(), i * d, residuals, i * beam * d, d);
      errors[i * beam] = PackedRows.squaredNorm(residuals, i * beam * d, d);
      alive[i] = 1;
    }
    int maxK = java.util.Arrays.stream(ks).max().orElse(1);
    for (int l = 0; l < levels; l++) {
      int total = 0;
      for (int a : alive) {
        total += a;
      }
      FloatMatrix train = new FloatMatrix(total, d);
      int row = 0;
      for (int i = 0; i < n; i++) {
        System.arraycopy(residuals, i * beam * d, train.data(), row * d, alive[i] * d);
        row += alive[i];
      }
      KMeansParams kp = params.kmeans().withK(ks[l]);
      String stage = "RQ level " + (l + 1) + "/" + levels + " (beam " + beam + ")";
      FloatMatrix book = new KMeans(kp, kernel).train(train, levelSeed(seed, l, kp), progress, stage).centroids();
      books.add(book);
      PackedRows packedBook = new PackedRows(book);
      int level = l;
      Parallel.forEachChunk(n, 64, (c, from, to) -> {
        BeamSearch search = new BeamSearch(beam, levels, d, maxK);
        for (int i = from; i < to; i++) {
          search.load(residuals, errors, codes, i, alive[i]);
          alive[i] = search.advance(level, book, packedBook, kernel);
          search.store(residuals, errors, codes, i);
        }
      });
    }
    // every row's beam is kept best first: slot 0 holds its best full encoding
    Codes best = new Codes(n, levels);
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < levels; l++) {
        best.set(i, l, codes[i * beam * levels + l]);
      }
    }
    return best;
  }

  /**
   * Total squared reconstruction error of {@code x} coded as {@code codes}: per fixed chunk of rows in parallel,
   * the chunks' sums added in chunk order (the same bits whatever the thread count). O(n d L).
   */
  private static double squaredError(ResidualQuantizer model, FloatMatrix x, Codes codes) {
    FloatMatrix y = model.decode(codes);
    float[] a = x.data();
    float[] b = y.data();
    int d = x.cols();
    double[] partial = new double[Parallel.chunkCount(x.rows(), Parallel.DEFAULT_CHUNK)];
    Parallel.forEachChunk(x.rows(), Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      // four running sums: one is a chain of dependent adds slower than the loads
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      int i = from * d;
      int end = to * d;
      for (; i + 4 <= end; i += 4) {
        double e0 = (double) a[i] - b[i];
        double e1 = (double) a[i + 1] - b[i + 1];
        double e2 = (double) a[i + 2] - b[i + 2];
        double e3 = (double) a[i + 3] - b[i + 3];
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      for (; i < end; i++) {
        double e = (double) a[i] - b[i];
        s0 += e * e;
      }
      partial[c] = (s0 + s1) + (s2 + s3);
    });
    double s = 0;
    for (double p : partial) {
      s += p;
    }
    return s;
  }

  /**
   * One round of joint refinement on the greedy codes {@code codes} of {@code x}: for each level in turn replace
   * every codeword by the mean of what the other levels leave over for the rows using it (a codeword nobody uses
   * is kept). Each level update cannot increase the MSE of those codes. O(n d L), parallel over dimensions for the
   * sums (each still taken in row order) and over rows for the reconstruction, so the bits do not depend on the
   * thread count.
   */
  private ResidualQuantizer refined(FloatMatrix x, Codes codes) {
    int n = x.rows();
    int d = dimension();
    FloatMatrix recon = decode(codes);
    List<FloatMatrix> books = new ArrayList<>(codebooks);
    for (int l = 0; l < books.size(); l++) {
      FloatMatrix old = books.get(l);
      int k = old.rows();
      int[] code = new int[n];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        code[i] = codes.get(i, l);
        count[code[i]]++;
      }
      double[] sum = new double[k * d];
      float[] xd = x.data();
      float[] od = old.data();
      Parallel.forEachChunk(d, REFINE_DIMENSIONS, (ch, from, to) -> {
        float[] r = recon.data();
        for (int i = 0; i < n; i++) {
          int co = code[i] * d;
          int ro = i * d;
          for (int t = from; t < to; t++) {
            sum[co + t] += (double) xd[ro + t] - r[ro + t] + od[co + t];
          }
        }
      });
      FloatMatrix updated = old.copy();
      float[] ud = updated.data();
      for (int c = 0; c < k; c++) {
        if (count[c] > 0) {
          for (int t = 0; t < d; t++) {
            ud[c * d + t] = (float) (sum[c * d + t] / count[c]);
          }
        }
      }
      Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK, (ch, from, to) -> {
        float[] r = recon.data();
        for (int i = from; i < to; i++) {
          int co = code[i] * d;
          for (int t = 0; t < d; t++) {
            r[i * d + t] += ud[co + t] - od[co + t];
          }
        }
      });
      books.set(l, updated);
    }
    return new ResidualQuantizer(books, directions, params);
  }

  /**
   * What level {@code level} quantizes for the rows of {@code x} whose codes are {@code codes}: the rows less
   * their codewords of levels {@code 0 .. level-1}, subtracted level by level (the trainer's order, so the bits
   * are the trainer's). O(n d level).
   */
  public FloatMatrix residualsBefore(FloatMatrix x, Codes codes, int level) {
    if (level < 0 || level > codebooks.size()) {
      throw new IndexOutOfBoundsException("level " + level + " of " + codebooks.size());
    }
    FloatMatrix r = x.copy();
    int[] column = new int[x.rows()];
    for (int l = 0; l < level; l++) {
      for (int i = 0; i < column.length; i++) {
        column[i] = codes.get(i, l);
      }
      subtract(r, codebooks.get(l), column);
    }
    return r;
  }

  /** Subtracts each row's codeword; rows in parallel chunks (each row's bits do not depend on the chunking). */
  private static void subtract(FloatMatrix residual, FloatMatrix book, int[] codes) {
    int d = residual.cols();
    float[] r = residual.data();
    float[] b = book.data();
    Parallel.forEachChunk(residual.rows(), Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      for (int i = from; i < to; i++) {
        int ro = i * d;
        int bo = codes[i] * d;
        for (int t = 0; t < d; t++) {
          r[ro + t] -= b[bo + t];
        }
      }
    });
  }

  @Override
  public String method() {
    return "rq";
  }

  @Override
  public int dimension() {
    return codebooks.get(0).cols();
  }

  @Override
  public CodeLayout layout() {
    return layout;
  }

  /**
   * A look-up-table scorer (faiss's additive-quantizer LUT search with the norm from the codes): one table of
   * the query's inner products per level, O(d sum K_l) to build, and O(L^2) per item, the item's norm coming
   * from cross-term tables built once per model ({@code O(d sum_{l<m} K_l K_m)} on first use).
   */
  @Override
  public LookupTableScorer scorer(float[] query) {
    float[] q = QueryScorer.requireQuery(this, query);
    return new AdditiveCodeScorer(codebooks, crossTerms(), q);
  }

  private AdditiveCodeScorer.CrossTerms crossTerms() {
    AdditiveCodeScorer.CrossTerms c = cross;
    if (c == null) {
      c = AdditiveCodeScorer.CrossTerms.of(codebooks, packed);
      cross = c;
    }
    return c;
  }

  @Override
  public List<FloatMatrix> codebooks() {
    return codebooks.stream().map(FloatMatrix::copy).toList();
  }

  /** Per-level direction codebooks of a model trained with normalised residuals, else an empty list. */
  public List<FloatMatrix> directionCodebooks() {
    return directions == null ? List.of() : directions.stream().map(FloatMatrix::copy).toList();
  }

  public ResidualQuantizerParams params() {
    return params;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("L", codebooks.size());
    int[] ks = params.codebookSizes();
    List<Integer> kl = new ArrayList<>();
    for (int k : ks) {
      kl.add(k);
    }
    p.put("K", kl);
    p.put("beam", params.beam());
    p.put("normalizeResiduals", params.normalizeResiduals());
    p.put("refineRounds", params.refineRounds());
    p.put("trainBeam", params.trainBeam());
    if (!params.assignment().isNearest()) {
      p.put("trainingAssignment", params.assignment().describe());
    }
    KMeansFamilyParameters.put(params.kmeans(), p);
    return p;
  }

  /** Same model, encoding with another beam width (1 = greedy). */
  public ResidualQuantizer withBeam(int beam) {
    return new ResidualQuantizer(codebooks, directions, params.withBeam(beam));
  }

  @Override
  public Codes encode(FloatMatrix x) {
    requireCompatible(x, "input");
    return params.beam() == 1 ? encodeGreedy(x) : encodeBeam(x, params.beam());
  }

  private Codes encodeGreedy(FloatMatrix x) {
    int n = x.rows();
    int d = dimension();
    int levels = codebooks.size();
    Codes codes = new Codes(n, levels);
    FloatMatrix residual = x.copy();
    DistanceKernel kernel = DistanceKernels.get();
    // chunks write disjoint row ranges of these shared buffers
    int[] idx = new int[n];
    float[] dist = new float[n];
    float[] r = residual.data();
    float[] work = params.normalizeResiduals() ? new float[r.length] : null;
    Parallel.forEachChunk(n, Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      for (int l = 0; l < levels; l++) {
        if (work != null) {
          L2Normalization.normalizeRows(r, from, to, d, work);
          kernel.nearest(work, from, to, packedDirections.get(l), idx, dist);
        } else {
          kernel.nearest(r, from, to, packed.get(l), idx, dist);
        }
        float[] b = codebooks.get(l).data();
        for (int i = from; i < to; i++) {
          codes.set(i, l, idx[i]);
          int bo = idx[i] * d;
          for (int t = 0; t < d; t++) {
            r[i * d + t] -= b[bo + t];
          }
        }
      }
    });
    return codes;
  }

  private Codes encodeBeam(FloatMatrix x, int beam) {
    int n = x.rows();
    int d = dimension();
    int levels = codebooks.size();
    int maxK = 0;
    for (FloatMatrix b : codebooks) {
      maxK = Math.max(maxK, b.rows());
    }
    int kmax = maxK;
    Codes codes = new Codes(n, levels);
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(n, 64, (c, from, to) -> {
      BeamSearch search = new BeamSearch(beam, levels, d, kmax);
      for (int i = from; i < to; i++) {
        search.encode(x.data(), i * d, codebooks, packed, kernel);
        for (int l = 0; l < levels; l++) {
          codes.set(i, l, search.bestCodes[l]);
        }
      }
    });
    return codes;
  }

  /** Per-thread scratch state of one beam search; reused across rows. */
  private static final class BeamSearch {
    final int beam;
    final int levels;
    final int d;
    int[] candCodes;
    float[] candRes;
    float[] candErr;
    int[] nextCodes;
    float[] nextRes;
    float[] nextErr;
    final float[] dots;
    final float[] topScore;
    final int[] topParent;
    final int[] topCode;
    final int[] bestCodes;
    /** Number of live partial encodings held. */
    int alive;

    BeamSearch(int beam, int levels, int d, int kmax) {
      this.beam = beam;
      this.levels = levels;
      this.d = d;
      candCodes = new int[beam * levels];
      candRes = new float[beam * d];
      candErr = new float[beam];
      nextCodes = new int[beam * levels];
      nextRes = new float[beam * d];
      nextErr = new float[beam];
      dots = new float[beam * kmax];
      topScore = new float[beam];
      topParent = new int[beam];
      topCode = new int[beam];
      bestCodes = new int[levels];
    }

    void encode(float[] x, int offset, List<FloatMatrix> books, List<PackedRows> packed, DistanceKernel kernel) {
      System.arraycopy(x, offset, candRes, 0, d);
      candErr[0] = PackedRows.squaredNorm(candRes, 0, d);
      alive = 1;
      for (int l = 0; l < levels; l++) {
        advance(l, books.get(l), packed.get(l), kernel);
      }
      int best = 0;
      for (int s = 1; s < alive; s++) {
        if (candErr[s] < candErr[best]) {
          best = s;
        }
      }
      System.arraycopy(candCodes, best * levels, bestCodes, 0, levels);
    }

    /**
     * Extends every live partial encoding by each codeword of level {@code l} and keeps the {@code beam} best by
     * score (the squared error computed from dot products; candidates arrive in (parent, code) order, so ties
     * keep the earlier one), in score order;
     * returns the new live count. O(alive K d).
     */
    int advance(int l, FloatMatrix codebook, PackedRows book, DistanceKernel kernel) {
      int k = book.count();
      int top = 0;
      // all live residuals against the codebook in one blocked call: each loaded codeword vector serves up to
      // four residuals (same bits as one call per residual)
      kernel.dots(candRes, 0, alive, book, 0, k, dots, 0, k);
      for (int b = 0; b < alive; b++) {
        int base = b * k;
        for (int j = 0; j < k; j++) {
          float score = candErr[b] + book.norm(j) - 2f * dots[base + j];
          if (top < beam) {
            insert(top++, score, b, j);
          } else if (score < topScore[beam - 1]) {
            insert(beam - 1, score, b, j);
          }
        }
      }
      float[] cb = codebook.data();
      for (int s = 0; s < top; s++) {
        int parent = topParent[s];
        System.arraycopy(candCodes, parent * levels, nextCodes, s * levels, l);
        nextCodes[s * levels + l] = topCode[s];
        int ro = s * d;
        int po = parent * d;
        int co = topCode[s] * d;
        for (int t = 0; t < d; t++) {
          nextRes[ro + t] = candRes[po + t] - cb[co + t];
        }
        nextErr[s] = PackedRows.squaredNorm(nextRes, ro, d);
      }
      int[] ti = candCodes;
      candCodes = nextCodes;
      nextCodes = ti;
      float[] tf = candRes;
      candRes = nextRes;
      nextRes = tf;
      tf = candErr;
      candErr = nextErr;
      nextErr = tf;
      alive = top;
      return alive;
    }

    /** Takes row {@code i}'s state from the training arrays (laid out row-major, {@code beam} slots per row). */
    void load(float[] residuals, float[] errors, int[] codes, int i, int count) {
      System.arraycopy(residuals, i * beam * d, candRes, 0, count * d);
      System.arraycopy(errors, i * beam, candErr, 0, count);
      System.arraycopy(codes, i * beam * levels, candCodes, 0, count * levels);
      alive = count;
    }

    /** Writes the state back for row {@code i}. */
    void store(float[] residuals, float[] errors, int[] codes, int i) {
      System.arraycopy(candRes, 0, residuals, i * beam * d, alive * d);
      System.arraycopy(candErr, 0, errors, i * beam, alive);
      System.arraycopy(candCodes, 0, codes, i * beam * levels, alive * levels);
    }

    /** Inserts into the sorted top list at or before position {@code pos} (which is free or evicted). */
    private void insert(int pos, float score, int parent, int code) {
      int p = pos;
      while (p > 0 && topScore[p - 1] > score) {
        topScore[p] = topScore[p - 1];
        topParent[p] = topParent[p - 1];
        topCode[p] = topCode[p - 1];
        p--;
      }
      topScore[p] = score;
      topParent[p] = parent;
      topCode[p] = code;
    }
  }

  @Override
  public FloatMatrix decode(Codes codes) {
    requireValidCodes(codes);
    int d = dimension();
    FloatMatrix out = new FloatMatrix(codes.rows(), d);
    float[] o = out.data();
    float[][] books = new float[codebooks.size()][];
    for (int l = 0; l < books.length; l++) {
      books[l] = codebooks.get(l).data();
    }
    // rows in parallel chunks: each row's sum runs level by level whatever the chunking
    Parallel.forEachChunk(codes.rows(), Parallel.DEFAULT_CHUNK, (c, from, to) -> {
      for (int i = from; i < to; i++) {
        for (int l = 0; l < books.length; l++) {
          float[] b = books[l];
          int bo = codes.get(i, l) * d;
          for (int t = 0; t < d; t++) {
            o[i * d + t] += b[bo + t];
          }
        }
      }
    });
    return out;
  }
}
