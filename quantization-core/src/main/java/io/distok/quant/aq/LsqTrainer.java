package io.distok.quant.aq;

import io.distok.quant.QuantizerTrainer;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.rq.LevelTraining;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains an {@link AdditiveQuantizer} the LSQ++ way, initialised from RQ: the codebooks and codes of distok's RQ
 * recipe (M levels of K, k-means++, refinement) are the start (or, with {@code randomInit}, random codes and their
 * least-squares codebooks, as faiss starts); each of {@code train_iters} iterations then solves all
 * codebooks jointly for the current codes ({@link JointCodebookUpdate}, ridge {@code lambd}), perturbs them with
 * Gaussian noise of standard deviation {@code codebook_noise T sigma_t / M} per dimension, {@code T = (1 - (it + 1) /
 * train_iters)^p} (LSQ++'s simulated-annealing schedule; {@code p = 0} keeps the noise constant), and re-encodes the
 * rows afresh (beam start, then {@code train_ils_iters} ILS rounds) so that the codebooks fit what the encoder finds. The codebooks of the iteration with the lowest
 * training error are kept, the RQ start included, so the model is never worse on the training rows than the RQ it
 * started from.
 *
 * <p>Cost: the RQ start, then per iteration O(cg n M d) for the codebook solve (at most {@value #CG_ITERATIONS}
 * conjugate-gradient steps), O(M^2 K^2 d) for the search tables and O(n (M K d + train_ils_iters icm_iters M^2 K))
 * for the encoding. Deterministic for a seed whatever the thread count.
 *
 * @param m M, codebooks
 * @param nbits bits per code, K = 2^nbits
 * @param trainIters train_iters
 * @param encodeBeam beam width of the encoder's starting code (distok's addition; 1 = the greedy code)
 * @param encodeIlsIters encode_ils_iters, ILS rounds when encoding
 * @param trainIlsIters train_ils_iters, ILS rounds per training iteration
 * @param icmIters icm_iters, ICM sweeps per ILS round
 * @param nperts nperts, positions perturbed per ILS round
 * @param lambd lambd, ridge regularisation of the codebook solve
 * @param p p, exponent of the codebook-perturbation schedule (faiss's default 0.5)
 * @param codebookNoise multiplier of the codebook perturbation {@code T sigma_t / M} (distok's; 0 turns it off;
 *     {@link #AUTO_NOISE} lets training choose from its start)
 * @param rqIters k-means iterations of the RQ start's levels when they train by plain k-means (levels trained
 *     progressively, see {@link LevelTraining#AUTO}, run faiss's 10 per step)
 * @param normBits bits of the stored norm appended to each code (0: none; the norm then comes from the codes)
 * @param randomInit start from random codes and their least-squares codebooks, as faiss does, instead of RQ (on
 *     MNIST 32 bits with codebook noise 1: 11.57 against 12.39 from RQ; on Beauty 64 bits: 0.84 against 0.78)
 */
public record LsqTrainer(int m, int nbits, int trainIters, int encodeBeam, int encodeIlsIters, int trainIlsIters, int icmIters,
    int nperts, double lambd, double p, double codebookNoise, int rqIters, int normBits, boolean randomInit) implements QuantizerTrainer<AdditiveQuantizer> {
  /** Conjugate-gradient steps per codebook solve, at most. */
  public static final int CG_ITERATIONS = 30;
  private static final double CG_TOLERANCE = 1e-5;
  /** Largest search table allowed, in floats (M^2 K^2): 1 GB. */
  private static final long MAX_PAIR_FLOATS = 1L << 28;

  /** Rows per partial sum of the training error (kept so that the sums match earlier runs bit for bit). */
  private static final int ERROR_BLOCK = 256;

  /** Conjugate-gradient steps of the first solve from random codes, which starts from zero codebooks. */
  private static final int START_CG_ITERATIONS = 200;

  /** Beam width of the encoder's start by default. */
  public static final int DEFAULT_BEAM = 8;

  /**
   * Codebook perturbation multiplier for an RQ start of k-means levels: on Beauty 8 x 256 the full {@code T sigma /
   * M} (1.0) raised the training error from 0.98 to 1.49 on the first iteration and never recovered within 12; 0.1
   * ended lowest.
   */
  public static final double DEFAULT_NOISE = 0.1;
  /**
   * The codebook noise that {@link #train} chooses itself (NaN): faiss's full perturbation (1.0) after a random
   * start or an RQ start whose levels trained with progressive dimensions (image-like spectra: MNIST 32 / 64 bits
   * 11.48 / 7.17 with 1.0 against 12.37 / 7.52 with 0.1), {@link #DEFAULT_NOISE} after k-means levels.
   */
  public static final double AUTO_NOISE = Double.NaN;

  /**
   * faiss's defaults for M codebooks of nbits: 25 iterations, 16/8 ILS rounds, 4 ICM sweeps, 4 perturbations (M when
   * there are fewer codebooks).
   */
  public static LsqTrainer defaults(int m, int nbits) {
    return new LsqTrainer(m, nbits, 25, DEFAULT_BEAM, 16, 8, 4, Math.min(4, m), 1e-2, 0.5, AUTO_NOISE, 25, 0,
        false);
  }

  public LsqTrainer {
    if (m < 1 || nbits < 1 || nbits > 16) {
      throw new IllegalArgumentException("AQ needs M >= 1 and nbits in [1, 16], got M=" + m + ", nbits=" + nbits);
    }
    if ((long) m * m * (1L << nbits) * (1L << nbits) > MAX_PAIR_FLOATS) {
      throw new IllegalArgumentException("AQ's search table of M^2 K^2 = " + ((long) m * m << (2 * nbits))
          + " floats is too large; use fewer codebooks or bits per code");
    }
    if (trainIters < 0 || encodeBeam < 1 || encodeIlsIters < 1 || trainIlsIters < 1 || icmIters < 1 || nperts < 0
        || nperts > m || !(lambd >= 0) || !(p >= 0) || !(Double.isNaN(codebookNoise) || codebookNoise >= 0)
        || rqIters < 1 || normBits < 0 || normBits > 16) {
      throw new IllegalArgumentException("AQ parameters out of range: train_iters >= 0, *_ils_iters >= 1, "
          + "icm_iters >= 1, 0 <= nperts <= M, lambd >= 0, p >= 0");
    }
  }

  @Override
  public AdditiveQuantizer train(FloatMatrix x, long seed, ProgressListener progress) {
    x.requireFinite("training data");
    int k = 1 << nbits;
    if (x.rows() < k) {
      throw new InvalidInputException("AQ with K=" + k + " needs at least " + k + " training vectors, got "
          + x.rows());
    }
    int n = x.rows();
    int d = x.cols();
    Map<String, Object> trainParams = new LinkedHashMap<>();
    trainParams.put("train_iters", trainIters);
    trainParams.put("train_ils_iters", trainIlsIters);
    trainParams.put("lambd", lambd);
    trainParams.put("p", p);
    trainParams.put("codebook_noise", codebookNoise); // replaced below when training chooses it
    trainParams.put("init", randomInit ? "random" : "rq");
    boolean fullNoise = randomInit;
    List<FloatMatrix> books;
    int[] codes;
    if (randomInit) {
      codes = new int[n * m];
      SplittableRandom r0 = new SplittableRandom(seed);
      for (int i = 0; i < codes.length; i++) {
        codes[i] = r0.nextInt(k);
      }
      List<FloatMatrix> zero = new java.util.ArrayList<>();
      for (int a = 0; a < m; a++) {
        zero.add(new FloatMatrix(k, d));
      }
      books = new JointCodebookUpdate(x, codes, m, k, lambd).solve(zero, START_CG_ITERATIONS, 1e-8).codebooks();
    } else {
      int[] ks = new int[m];
      java.util.Arrays.fill(ks, k);
      // the RQ family's automatic level training: progressive-dimension levels for image-like spectra (MNIST 64
      // bits: 7.52 from that start against 8.91 from k-means++ levels), k-means++ otherwise
      KMeansParams levelKMeans = LevelTraining.AUTO.resolve(new KMeansParams(k, rqIters, 256, 0, true), false, x);
      ResidualQuantizerParams rqParams = new ResidualQuantizerParams(ks, levelKMeans, 1, false);
      trainParams.put("rq_levels", levelKMeans.progressiveDimSteps() > 0 ? LevelTraining.PROGRESSIVE_DIM.optionName()
          : LevelTraining.KMEANS.optionName());
      fullNoise = levelKMeans.progressiveDimSteps() > 0;
      ResidualQuantizer rq = ResidualQuantizer.trainer(rqParams).train(x, seed, ProgressListener.NONE);
      books = rq.codebooks();
      codes = rq.encode(x).data(); // n x M, row-major, as the search keeps codes
    }
    double noise = Double.isNaN(codebookNoise) ? (fullNoise ? 1.0 : DEFAULT_NOISE) : codebookNoise;
    trainParams.put("codebook_noise", noise);
    double[] norms = rowNorms(x);
    AdditiveQuantizer start = model(books, seed, trainParams);
    List<FloatMatrix> best = books;
    double bestErr = error(start, x, codes, norms);
    double[] sigma = columnStd(x);
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int it = 0; it < trainIters; it++) {
      progress.progress("aq: lsq iterations", it, trainIters);
      books = new JointCodebookUpdate(x, codes, m, k, lambd).solve(books, CG_ITERATIONS, CG_TOLERANCE).codebooks();
      double temperature = Math.pow(1 - (it + 1.0) / trainIters, p);
      if (temperature > 0 && noise > 0) {
        perturb(books, sigma, noise * temperature / m, rng);
      }
      AdditiveQuantizer q = model(books, seed + it + 1, trainParams);
      // a fresh search (beam start, then ILS), as encoding will run: continuing from the previous codes reaches a
      // lower training error that the encoder cannot reproduce on its own (on Beauty 8 x 256: 0.84 warm, 0.88 when
      // re-encoded, against 0.80 when training encodes fresh)
      double[] objectives = new double[n];
      int[] next = q.encodeFrom(x, null, trainIlsIters, objectives).data();
      double err = meanError(objectives, norms);
      codes = next;
      if (err < bestErr) {
        bestErr = err;
        best = books;
      }
    }
    progress.progress("aq: lsq iterations", trainIters, trainIters);
    AdditiveQuantizer q = new AdditiveQuantizer(best, encodeBeam, encodeIlsIters, icmIters, nperts, seed, trainParams,
        null);
    if (normBits == 0) {
      return q;
    }
    return q.withNorms(NormCodebook.fit(q.squaredNorms(q.encode(x)), 1 << normBits).values());
  }

  private AdditiveQuantizer model(List<FloatMatrix> books, long seed, Map<String, Object> trainParams) {
    return new AdditiveQuantizer(books, encodeBeam, encodeIlsIters, icmIters, nperts, seed, trainParams, null);
  }

  /**
   * Mean squared error of {@code codes} under {@code q}'s codebooks, from the search's own terms: the unary terms of
   * every row, O(n M K d), then {@link #meanError}.
   */
  private static double error(AdditiveQuantizer q, FloatMatrix x, int[] codes, double[] norms) {
    int m = q.m();
    LocalSearchEncoder enc = q.encoder();
    double[] objectives = new double[x.rows()];
    Parallel.forEachChunk(x.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      LocalSearchEncoder.Scratch s = enc.scratch(1);
      for (int i = from; i < to; i++) {
        enc.unary(x, i, s);
        objectives[i] = enc.objective(s, codes, i * m);
      }
    });
    return meanError(objectives, norms);
  }

  /**
   * The mean of {@code norms[i] + objectives[i]}, summed in blocks of {@value #ERROR_BLOCK} rows and the blocks in
   * order, the same sum whatever the thread count. O(n).
   */
  private static double meanError(double[] objectives, double[] norms) {
    double total = 0;
    for (int from = 0; from < objectives.length; from += ERROR_BLOCK) {
      double sum = 0;
      for (int i = from; i < Math.min(objectives.length, from + ERROR_BLOCK); i++) {
        sum += norms[i] + objectives[i];
      }
      total += sum;
    }
    return total / objectives.length;
  }

  private static double[] rowNorms(FloatMatrix x) {
    double[] out = new double[x.rows()];
    for (int i = 0; i < x.rows(); i++) {
      double s = 0;
      for (int t = 0; t < x.cols(); t++) {
        s += (double) x.get(i, t) * x.get(i, t);
      }
      out[i] = s;
    }
    return out;
  }

  private static double[] columnStd(FloatMatrix x) {
    int d = x.cols();
    double[] mean = new double[d];
    double[] sq = new double[d];
    for (int i = 0; i < x.rows(); i++) {
      for (int t = 0; t < d; t++) {
        double v = x.get(i, t);
        mean[t] += v;
        sq[t] += v * v;
      }
    }
    double[] out = new double[d];
    for (int t = 0; t < d; t++) {
      double mu = mean[t] / x.rows();
      out[t] = Math.sqrt(Math.max(0, sq[t] / x.rows() - mu * mu));
    }
    return out;
  }

  private static void perturb(List<FloatMatrix> books, double[] sigma, double scale, SplittableRandom rng) {
    for (FloatMatrix b : books) {
      for (int i = 0; i < b.rows(); i++) {
        for (int t = 0; t < b.cols(); t++) {
          b.set(i, t, (float) (b.get(i, t) + gaussian(rng) * sigma[t] * scale));
        }
      }
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller from two uniforms; a pure function of the generator's stream, unlike nextGaussian's caching
    double u = 1 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }
}
