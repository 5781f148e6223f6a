package io.distok.quant.gradient;

import io.distok.quant.NearestCodes;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.train.EntropyRegularizer;
import io.distok.quant.vq.VectorQuantizer;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trainable vector quantizer of K codewords: nearest-code assignment, gradients to the encoder by the
 * straight-through estimator or the rotation trick, commitment loss, codewords learnt by the codebook loss or by
 * EMA, and the collapse mitigations of {@link VqOptions}. A training step of n rows costs O(n K d) (the nearest
 * search; soft quantisation and the usage regulariser add dense n x K products of the same order), the linear
 * reparameterisation adds O(K d^2) to rebuild its codebook. Memory O(K d), plus O(n K) with soft assignments.
 */
public final class VqLayer implements QuantizerLayer {
  /** Rows per parallel chunk of the nearest search. */
  private static final int CHUNK = 128;
  /** Laplace smoothing of EMA counts, so a code with no rows keeps a finite codeword. */
  private static final double EMA_EPSILON = 1e-5;
  /** Fewest recent rows kept for dead-code reset. */
  private static final int RECENT_MIN_ROWS = 1024;

  private final int k;
  private final int d;
  private final VqOptions options;
  private final float[] codebook;
  private final Parameter codebookParameter;
  private final float[] basis;
  private final Parameter matrix;
  /** The linear reparameterisation's learned offset: the codebook is {@code B W + 1 b^T}, as SimVQ's linear layer. */
  private final Parameter offset;
  private final double[] emaCount;
  private final double[] emaSum;
  private final int[] windowUses;
  /** The most recent inputs (a ring of {@link #recentCapacity} rows) that dead codes are re-initialised from. */
  private final float[] recent;
  private final int recentCapacity;
  /** When set (tests), the unit of the soft temperatures instead of the batch's; NaN otherwise. */
  private double fixedTemperatureScale = Double.NaN;
  private int recentFilled;
  private int recentNext;
  private int steps;
  private long resets;
  private PackedRows packed;
  /** The batches' mean assignment averaged with {@code entropyDecay} per step; null before the first step. */
  private double[] runningUsage;

  /** How a codebook starts. */
  public enum Init {
    /**
     * Uniform in {@code +-1/K} per coordinate, as the VQ-VAE reference implementation starts: codes far from data
     * that has not been scaled to it, the classic setting in which most codes never win. With the linear
     * reparameterisation it is SimVQ's basis instead, Gaussian with variance 1/d.
     */
    RANDOM,
    /** K rows of the data drawn at random (with replacement only when there are fewer than K rows). */
    SAMPLE,
    /** k-means++ seeded k-means of the data, 20 iterations (as RQ-VAE implementations start). */
    KMEANS
  }

  /** A layer whose codebook starts as {@code init} prescribes on {@code z}. O(K d), or k-means' cost. */
  public static VqLayer initialise(FloatMatrix z, int k, Init init, VqOptions options, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("K must be >= 2, got " + k);
    }
    if (z.rows() == 0) {
      throw new IllegalArgumentException("no rows to initialise a codebook from");
    }
    int d = z.cols();
    SplittableRandom random = new SplittableRandom(seed);
    FloatMatrix c = new FloatMatrix(k, d);
    switch (init) {
      case RANDOM -> {
        float[] v = c.data();
        for (int i = 0; i < v.length; i++) {
          // SimVQ draws its frozen basis N(0, 1/d); the basis is multiplied by a learned matrix, so its scale is
          // not where the codes end up
          v[i] = (float) (options.linear() ? random.nextGaussian() / Math.sqrt(d) : (2 * random.nextDouble() - 1) / k);
        }
      }
      case SAMPLE -> {
        int[] rows = z.rows() >= k ? KMeans.sampleIndices(z.rows(), k, random) : random.ints(k, 0, z.rows()).toArray();
        c = z.selectRows(rows);
      }
      case KMEANS -> c = new KMeans(new KMeansParams(k, 20, 256, 0, true)).train(z, seed, ProgressListener.NONE,
          "init").centroids();
    }
    return new VqLayer(c, options);
  }

  /** A layer starting from {@code codebook} (K x d, copied); with the linear reparameterisation it is the basis. */
  public VqLayer(FloatMatrix codebook, VqOptions options) {
    this.k = codebook.rows();
    this.d = codebook.cols();
    if (k < 2 || d < 1) {
      throw new IllegalArgumentException("a codebook of " + k + " x " + d + " is too small");
    }
    this.options = options;
    this.codebook = codebook.data().clone();
    this.codebookParameter = !options.linear() && options.update() == VqOptions.CodebookUpdate.LOSS
        ? new Parameter("codebook", this.codebook) : null;
    if (options.linear()) {
      this.basis = codebook.data().clone();
      float[] w = new float[d * d];
      for (int i = 0; i < d; i++) {
        w[i * d + i] = 1f;
      }
      this.matrix = new Parameter("W", w);
      this.offset = new Parameter("b", new float[d]);
    } else {
      this.basis = null;
      this.matrix = null;
      this.offset = null;
    }
    if (options.update() == VqOptions.CodebookUpdate.EMA) {
      this.emaCount = new double[k];
      this.emaSum = new double[k * d];
      for (int c = 0; c < k; c++) {
        emaCount[c] = 1;
        for (int t = 0; t < d; t++) {
          emaSum[c * d + t] = this.codebook[c * d + t];
        }
      }
    } else {
      this.emaCount = null;
      this.emaSum = null;
    }
    this.windowUses = new int[k];
    // at least a few batches' worth of rows, so that a small codebook is not reset from a handful of rows
    this.recentCapacity = Math.max(k, RECENT_MIN_ROWS);
    this.recent = options.deadCodeWindow() > 0 ? new float[recentCapacity * d] : null;
  }

  @Override
  public int dimension() {
    return d;
  }

  public int size() {
    return k;
  }

  public VqOptions options() {
    return options;
  }

  /** Codes re-initialised by dead-code reset so far. */
  public long resets() {
    return resets;
  }

  /** A copy of the current codebook. */
  public FloatMatrix codebook() {
    return FloatMatrix.wrap(codebook.clone(), k, d);
  }

  private FloatMatrix liveCodebook() {
    return FloatMatrix.wrap(codebook, k, d);
  }

  private PackedRows packed() {
    if (packed == null) {
      packed = new PackedRows(liveCodebook());
    }
    return packed;
  }

  /** What {@link #forward} keeps for the backward pass. */
  static final class VqPass implements Pass {
    final FloatMatrix input;
    final int[] codes;
    final float[] nearest;
    final FloatMatrix output;
    /** Soft assignment probabilities (n x K) and their temperature, when soft. */
    FloatMatrix soft;
    double softTemperature;
    /** The regulariser's assignment probabilities, their temperature and mean over the batch. */
    FloatMatrix usage;
    double usageTemperature;
    double[] meanUsage;
    /** The running usage mixed with this batch's mean ({@code entropyDecay} > 0 after the first step), or null. */
    double[] mixedUsage;
    /** The batch's mean squared distance to its nearest codes. */
    double meanNearest;
    double auxiliary;

    VqPass(FloatMatrix input, int[] codes, float[] nearest, FloatMatrix output) {
      this.input = input;
      this.codes = codes;
      this.nearest = nearest;
      this.output = output;
    }

    @Override
    public FloatMatrix output() {
      return output;
    }

    @Override
    public double auxiliaryLoss() {
      return auxiliary;
    }

    int[] codes() {
      return codes;
    }
  }

  /**
   * Forgets the packed copy of the codebook that the nearest search uses, after the codebook's values were
   * written from outside a step (finite-difference tests perturb them in place).
   */
  void codebookWritten() {
    packed = null;
  }

  @Override
  public VqPass forward(FloatMatrix z, double progress) {
    if (z.cols() != d) {
      throw new IllegalArgumentException("a " + d + "-dimensional quantizer layer got rows of " + z.cols());
    }
    int n = z.rows();
    float[] nearest = new float[n];
    int[] codes = NearestCodes.assign(z, packed(), DistanceKernels.get(), nearest);
    double meanNearest = 0;
    for (float v : nearest) {
      meanNearest += v;
    }
    meanNearest /= Math.max(1, n);
    FloatMatrix distances = options.soft() || options.entropyWeight() > 0 ? squaredDistances(z) : null;
    boolean fixed = !Double.isNaN(fixedTemperatureScale);
    FloatMatrix out;
    FloatMatrix soft = null;
    double softT = 0;
    if (options.soft()) {
      softT = options.softTemperatureAt(progress) * (fixed ? fixedTemperatureScale : temperatureScale(distances,
          nearest));
      soft = softmax(distances, softT);
      out = Matrices.times(soft, liveCodebook());
    } else {
      out = new FloatMatrix(n, d);
      for (int i = 0; i < n; i++) {
        System.arraycopy(codebook, codes[i] * d, out.data(), i * d, d);
      }
    }
    VqPass pass = new VqPass(z, codes, nearest, out);
    pass.meanNearest = meanNearest;
    pass.soft = soft;
    pass.softTemperature = softT;
    double codebookLoss = options.update() != VqOptions.CodebookUpdate.LOSS ? 0
        : soft != null ? expectedDistance(soft, distances) : meanNearest;
    pass.auxiliary = options.beta() * meanNearest + codebookLoss;
    if (options.entropyWeight() > 0) {
      pass.usageTemperature = options.entropyTemperature() * (fixed ? fixedTemperatureScale : batchVariance(z));
      pass.usage = softmax(distances, pass.usageTemperature);
      pass.meanUsage = columnMeans(pass.usage);
      if (options.entropyDecay() > 0 && runningUsage != null) {
        // lambda / (1 - decay) KL(m || uniform) for m = decay u + (1 - decay) pbar, the running usage u fixed
        // within the step: the gradient at pbar is the batch regulariser's, taken at m instead of at pbar
        double decay = options.entropyDecay();
        pass.mixedUsage = new double[k];
        for (int c = 0; c < k; c++) {
          pass.mixedUsage[c] = decay * runningUsage[c] + (1 - decay) * pass.meanUsage[c];
        }
        pass.auxiliary += options.entropyWeight() / (1 - decay) * EntropyRegularizer.klToUniform(pass.mixedUsage);
      } else {
        pass.auxiliary += options.entropyWeight() * EntropyRegularizer.klToUniform(pass.meanUsage);
      }
    }
    return pass;
  }

  /**
   * The unit of the soft temperatures: the batch's mean gap between a row's average squared distance to the codes
   * and its nearest one. Temperatures in this unit spread a row's assignment over the codes that are close to it
   * in the codebook's current geometry, whatever the scale of the data: a codebook far from the data (all
   * distances nearly equal) still tells its codes apart. O(n K).
   */
  private static double temperatureScale(FloatMatrix distances, float[] nearest) {
    int n = distances.rows();
    int k = distances.cols();
    float[] v = distances.data();
    double gap = 0;
    for (int i = 0; i < n; i++) {
      double mean = 0;
      for (int c = 0; c < k; c++) {
        mean += v[i * k + c];
      }
      gap += mean / k - nearest[i];
    }
    return Math.max(gap / Math.max(1, n), 1e-30);
  }

  /** Fixes the unit of the soft temperatures (finite-difference tests, where the batch's unit would move). */
  void fixTemperatureScale(double scale) {
    fixedTemperatureScale = scale;
  }

  /**
   * The unit of the usage regulariser's temperature: the batch's variance, its mean squared distance to its
   * mean. It depends on the data alone: a unit taken from the codebook's geometry would shrink with a codebook
   * packed in a small ball and let the regulariser keep it there (every packed code equally likely). O(n d).
   */
  static double batchVariance(FloatMatrix z) {
    int n = z.rows();
    int d = z.cols();
    float[] v = z.data();
    double[] mean = new double[d];
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        mean[t] += v[i * d + t];
      }
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      for (int t = 0; t < d; t++) {
        double e = v[i * d + t] - mean[t] / n;
        total += e * e;
      }
    }
    return Math.max(total / Math.max(1, n), 1e-30);
  }

  /** {@code mean_i sum_k p_ik d_ik}: the soft codebook loss, what deterministic annealing minimises at fixed p. */
  private static double expectedDistance(FloatMatrix p, FloatMatrix distances) {
    float[] pv = p.data();
    float[] dv = distances.data();
    double s = 0;
    for (int i = 0; i < pv.length; i++) {
      s += (double) pv[i] * dv[i];
    }
    return s / Math.max(1, p.rows());
  }

  /** Every row's squared distance to every code, n x K, by the kernel. O(n K d), parallel over rows. */
  private FloatMatrix squaredDistances(FloatMatrix z) {
    FloatMatrix out = new FloatMatrix(z.rows(), k);
    PackedRows c = packed();
    DistanceKernel kernel = DistanceKernels.get();
    Parallel.forEachChunk(z.rows(), CHUNK, (chunk, from, to) -> {
      float[] dots = new float[k];
      float[] row = new float[k];
      for (int i = from; i < to; i++) {
        kernel.squaredDistances(z.data(), i * d, c, dots, row);
        System.arraycopy(row, 0, out.data(), i * k, k);
      }
    });
    return out;
  }

  /** Row-wise softmax of {@code -distances / temperature}, stabilised by each row's smallest distance. */
  private static FloatMatrix softmax(FloatMatrix distances, double temperature) {
    int n = distances.rows();
    int k = distances.cols();
    float[] dv = distances.data();
    float[] p = new float[n * k];
    Parallel.forEachChunk(n, CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        float min = Float.POSITIVE_INFINITY;
        for (int c = 0; c < k; c++) {
          min = Math.min(min, dv[i * k + c]);
        }
        double total = 0;
        for (int c = 0; c < k; c++) {
          double e = Math.exp(-(dv[i * k + c] - (double) min) / temperature);
          p[i * k + c] = (float) e;
          total += e;
        }
        for (int c = 0; c < k; c++) {
          p[i * k + c] = (float) (p[i * k + c] / total);
        }
      }
    });
    return FloatMatrix.wrap(p, n, k);
  }

  private static double[] columnMeans(FloatMatrix p) {
    double[] mean = new double[p.cols()];
    float[] v = p.data();
    for (int i = 0; i < p.rows(); i++) {
      for (int c = 0; c < mean.length; c++) {
        mean[c] += v[i * mean.length + c];
      }
    }
    for (int c = 0; c < mean.length; c++) {
      mean[c] /= p.rows();
    }
    return mean;
  }

  @Override
  public FloatMatrix backward(Pass p, FloatMatrix g) {
    VqPass pass = (VqPass) p;
    FloatMatrix z = pass.input;
    int n = z.rows();
    float[] zv = z.data();
    float[] gC = new float[k * d];
    boolean denseCodebookGradient = false;
    FloatMatrix gz;
    if (g == null) {
      gz = new FloatMatrix(n, d);
    } else if (options.soft()) {
      // dL/dlogit_ik = p_ik (g_i.c_k - g_i.zq_i): the softmax Jacobian applied to the gradient of the mixture
      FloatMatrix gDotC = Matrices.timesTransposed(g, liveCodebook());
      float[] delta = gDotC.data();
      float[] pv = pass.soft.data();
      float[] gv = g.data();
      float[] qv = pass.output.data();
      for (int i = 0; i < n; i++) {
        float gq = 0;
        for (int t = 0; t < d; t++) {
          gq += gv[i * d + t] * qv[i * d + t];
        }
        for (int c = 0; c < k; c++) {
          delta[i * k + c] = pv[i * k + c] * (delta[i * k + c] - gq);
        }
      }
      gz = new FloatMatrix(n, d);
      softmaxBackward(gDotC, pass.softTemperature, z, gz, gC);
      Matrices.addScaled(gC, Matrices.transposedTimes(pass.soft, g), 1f);
      denseCodebookGradient = true;
    } else if (options.estimator() == VqOptions.Estimator.ROTATION) {
      gz = new FloatMatrix(n, d);
      for (int i = 0; i < n; i++) {
        rotateGradient(zv, i * d, codebook, pass.codes[i] * d, g.data(), i * d, gz.data(), i * d, d);
      }
    } else {
      gz = g.copy();
    }
    float[] gzv = gz.data();
    float commit = (float) (2 * options.beta() / n);
    float pull = 2f / n;
    boolean codebookLoss = options.update() == VqOptions.CodebookUpdate.LOSS && !options.soft();
    if (options.update() == VqOptions.CodebookUpdate.LOSS && options.soft()) {
      // the soft codebook loss pulls every code towards the rows in proportion to their probabilities:
      // (2/n)(colsum_k(p) c_k - (p^T z)_k), p held fixed (its gradient there vanishes at the Gibbs distribution)
      float[] pv = pass.soft.data();
      Matrices.addScaled(gC, Matrices.transposedTimes(pass.soft, z), -2f / n);
      for (int c = 0; c < k; c++) {
        float mass = 0;
        for (int i = 0; i < n; i++) {
          mass += pv[i * k + c];
        }
        for (int t = 0; t < d; t++) {
          gC[c * d + t] += 2f / n * mass * codebook[c * d + t];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      int off = pass.codes[i] * d;
      for (int t = 0; t < d; t++) {
        float diff = zv[i * d + t] - codebook[off + t];
        gzv[i * d + t] += commit * diff;
        if (codebookLoss) {
          gC[off + t] -= pull * diff;
        }
      }
    }
    if (options.entropyWeight() > 0) {
      // dL/dp_ik = (lambda / n)(ln pbar_k + 1) for L = lambda (ln K - H(pbar)), with the mixed usage m in place of
      // pbar against a running usage; then the softmax Jacobian
      float[] pe = pass.usage.data();
      double[] usage = pass.mixedUsage != null ? pass.mixedUsage : pass.meanUsage;
      double[] a = new double[k];
      for (int c = 0; c < k; c++) {
        a[c] = options.entropyWeight() / n * (Math.log(Math.max(usage[c], 1e-30)) + 1);
      }
      float[] delta = new float[n * k];
      for (int i = 0; i < n; i++) {
        double mean = 0;
        for (int c = 0; c < k; c++) {
          mean += pe[i * k + c] * a[c];
        }
        for (int c = 0; c < k; c++) {
          delta[i * k + c] = (float) (pe[i * k + c] * (a[c] - mean));
        }
      }
      softmaxBackward(FloatMatrix.wrap(delta, n, k), pass.usageTemperature, z, gz, gC);
      denseCodebookGradient = true;
    }
    addCodebookGradient(gC, denseCodebookGradient ? null : pass.codes);
    return gz;
  }

  /**
   * Backward through {@code logit_ik = -||z_i - c_k||^2 / T} given {@code delta = dL/dlogit}: adds {@code (2/T)
   * delta C} to {@code gz} (the rows of delta sum to 0, so z's own term vanishes) and {@code (2/T)(delta^T Z -
   * diag(colsum delta) C)} to {@code gC}.
   */
  private void softmaxBackward(FloatMatrix delta, double temperature, FloatMatrix z, FloatMatrix gz, float[] gC) {
    float s = (float) (2 / temperature);
    Matrices.addScaled(gz.data(), Matrices.times(delta, liveCodebook()), s);
    Matrices.addScaled(gC, Matrices.transposedTimes(delta, z), s);
    float[] dv = delta.data();
    for (int c = 0; c < k; c++) {
      float sum = 0;
      for (int i = 0; i < delta.rows(); i++) {
        sum += dv[i * k + c];
      }
      for (int t = 0; t < d; t++) {
        gC[c * d + t] -= s * sum * codebook[c * d + t];
      }
    }
  }

  /**
   * Hands the codebook gradient to the parameter that owns it: the codebook itself, or with the linear
   * reparameterisation {@code dW = B^T dC}, over only the rows of {@code usedCodes} when the gradient is sparse.
   */
  private void addCodebookGradient(float[] gC, int[] usedCodes) {
    if (codebookParameter != null) {
      float[] target = codebookParameter.gradient();
      for (int i = 0; i < gC.length; i++) {
        target[i] += gC[i];
      }
    } else if (matrix != null) {
      FloatMatrix b = FloatMatrix.wrap(basis, k, d);
      FloatMatrix grad = FloatMatrix.wrap(gC, k, d);
      if (usedCodes != null) {
        int[] used = java.util.Arrays.stream(usedCodes).distinct().sorted().toArray();
        b = b.selectRows(used);
        grad = grad.selectRows(used);
      }
      Matrices.addScaled(matrix.gradient(), Matrices.transposedTimes(b, grad), 1f);
      float[] gb = offset.gradient();
      float[] gv = grad.data();
      for (int c = 0; c < grad.rows(); c++) {
        for (int t = 0; t < d; t++) {
          gb[t] += gv[c * d + t];
        }
      }
    }
  }

  /**
   * The rotation trick's gradient at z: {@code (|c| / |z|) R^T g} with {@code R = I - 2 r r^T + 2 c^ z^T}, {@code r
   * = (z^ + c^) / |z^ + c^|} (hats are unit vectors), the rotation taking z's direction to c's. Falls back to the
   * straight-through gradient when z or c is zero or they point in opposite directions. O(d).
   */
  static void rotateGradient(float[] z, int zo, float[] c, int co, float[] g, int go, float[] out, int oo, int d) {
    double zn = 0;
    double cn = 0;
    for (int t = 0; t < d; t++) {
      zn += (double) z[zo + t] * z[zo + t];
      cn += (double) c[co + t] * c[co + t];
    }
    zn = Math.sqrt(zn);
    cn = Math.sqrt(cn);
    double[] r = new double[d];
    double rn = 0;
    if (zn > 0 && cn > 0) {
      for (int t = 0; t < d; t++) {
        r[t] = z[zo + t] / zn + c[co + t] / cn;
        rn += r[t] * r[t];
      }
    }
    if (!(rn > 1e-12)) {
      System.arraycopy(g, go, out, oo, d);
      return;
    }
    rn = Math.sqrt(rn);
    double rg = 0;
    double cg = 0;
    for (int t = 0; t < d; t++) {
      r[t] /= rn;
      rg += r[t] * g[go + t];
      cg += c[co + t] / cn * g[go + t];
    }
    double scale = cn / zn;
    for (int t = 0; t < d; t++) {
      out[oo + t] = (float) (scale * (g[go + t] - 2 * r[t] * rg + 2 * (z[zo + t] / zn) * cg));
    }
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    if (codebookParameter != null) {
      out.add(codebookParameter);
    }
    if (matrix != null) {
      out.add(matrix);
      out.add(offset);
    }
    return out;
  }

  @Override
  public void afterUpdate(Pass p, SplittableRandom random) {
    VqPass pass = (VqPass) p;
    steps++;
    double decay = options.entropyDecay();
    if (decay > 0 && pass.meanUsage != null) {
      if (runningUsage == null) {
        runningUsage = pass.meanUsage.clone();
      } else {
        for (int c = 0; c < k; c++) {
          runningUsage[c] = decay * runningUsage[c] + (1 - decay) * pass.meanUsage[c];
        }
      }
    }
    int n = pass.input.rows();
    float[] zv = pass.input.data();
    if (matrix != null) {
      FloatMatrix c = Matrices.times(FloatMatrix.wrap(basis, k, d), FloatMatrix.wrap(matrix.value(), d, d));
      float[] b = offset.value();
      float[] cv = c.data();
      for (int i = 0; i < cv.length; i++) {
        cv[i] += b[i % d];
      }
      System.arraycopy(c.data(), 0, codebook, 0, codebook.length);
    }
    if (emaCount != null) {
      double gamma = options.gamma();
      int[] counts = new int[k];
      double[] sums = new double[k * d];
      for (int i = 0; i < n; i++) {
        int c = pass.codes[i];
        counts[c]++;
        for (int t = 0; t < d; t++) {
          sums[c * d + t] += zv[i * d + t];
        }
      }
      double total = 0;
      for (int c = 0; c < k; c++) {
        emaCount[c] = gamma * emaCount[c] + (1 - gamma) * counts[c];
        total += emaCount[c];
      }
      for (int c = 0; c < k; c++) {
        double smoothed = (emaCount[c] + EMA_EPSILON) / (total + k * EMA_EPSILON) * total;
        for (int t = 0; t < d; t++) {
          emaSum[c * d + t] = gamma * emaSum[c * d + t] + (1 - gamma) * sums[c * d + t];
          codebook[c * d + t] = (float) (emaSum[c * d + t] / smoothed);
        }
      }
    }
    for (int c : pass.codes) {
      windowUses[c]++;
    }
    if (recent != null) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(zv, i * d, recent, recentNext * d, d);
        recentNext = (recentNext + 1) % recentCapacity;
        recentFilled = Math.min(recentCapacity, recentFilled + 1);
      }
    }
    if (options.deadCodeWindow() > 0 && steps % options.deadCodeWindow() == 0) {
      resetDeadCodes(pass, random);
    }
    packed = null;
  }

  /**
   * Re-initialises every code used fewer than the threshold times in the window from the most recent inputs
   * (the last max(K, 1024) rows seen; a threshold at or below 1 resets exactly the codes no row chose), drawn as
   * k-means++ draws its seeds: with probability proportional to a row's squared distance to the nearest live or
   * already re-placed code, distinct rows while they last, each jittered by a small Gaussian (a hundredth of the
   * batch's quantization error per coordinate) so that two codes reset from one row part ways. O(K + dead d).
   */
  private void resetDeadCodes(VqPass pass, SplittableRandom random) {
    double jitter = 0.01 * Math.sqrt(pass.meanNearest / d);
    int rows = recentFilled;
    boolean any = false;
    boolean[] dead = new boolean[k];
    for (int c = 0; c < k; c++) {
      dead[c] = windowUses[c] < options.deadCodeThreshold();
      any |= dead[c];
    }
    if (any && rows > 0) {
      // each recent row's squared distance to its nearest live code: dead codes are placed by D^2 sampling (as
      // k-means++ seeds), so they go where the live codes leave the largest error, and each placement lowers the
      // distances of the rows it now serves
      double[] gap = new double[rows];
      java.util.Arrays.fill(gap, Double.POSITIVE_INFINITY);
      boolean anyLive = false;
      for (int c = 0; c < k; c++) {
        if (!dead[c]) {
          anyLive = true;
          lowerGaps(gap, c);
        }
      }
      if (!anyLive) {
        java.util.Arrays.fill(gap, 1);
      }
      for (int c = 0; c < k; c++) {
        if (!dead[c]) {
          continue;
        }
        int row = sampleByWeight(gap, random);
        for (int t = 0; t < d; t++) {
          codebook[c * d + t] = (float) (recent[row * d + t] + jitter * random.nextGaussian());
        }
        lowerGaps(gap, c);
        if (emaCount != null) {
          emaCount[c] = 1;
          for (int t = 0; t < d; t++) {
            emaSum[c * d + t] = codebook[c * d + t];
          }
        }
        resets++;
      }
    }
    java.util.Arrays.fill(windowUses, 0);
  }

  /** Lowers each recent row's gap to its squared distance to code {@code c} where that is smaller. O(rows d). */
  private void lowerGaps(double[] gap, int c) {
    for (int r = 0; r < gap.length; r++) {
      double s = 0;
      for (int t = 0; t < d; t++) {
        double e = recent[r * d + t] - codebook[c * d + t];
        s += e * e;
      }
      if (s < gap[r]) {
        gap[r] = s;
      }
    }
  }

  /** An index drawn with probability proportional to {@code weight} (uniform when every weight is 0). O(rows). */
  private static int sampleByWeight(double[] weight, SplittableRandom random) {
    double total = 0;
    for (double w : weight) {
      total += w;
    }
    if (!(total > 0) || Double.isInfinite(total)) {
      return random.nextInt(weight.length);
    }
    double u = random.nextDouble() * total;
    for (int r = 0; r < weight.length; r++) {
      u -= weight[r];
      if (u < 0) {
        return r;
      }
    }
    return weight.length - 1;
  }

  @Override
  public VectorQuantizer freeze() {
    return new VectorQuantizer(codebook(), KMeansParams.of(k));
  }

  /** The nearest code of every row of {@code z}, with the current codebook. O(n K d). */
  public int[] nearestCodes(FloatMatrix z) {
    return NearestCodes.assign(z, packed(), DistanceKernels.get(), null);
  }

  @Override
  public String toString() {
    return "VqLayer(K=" + k + ", d=" + d + ", " + options + ")";
  }

}
