package io.distok.recsys;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import io.distok.quant.transform.L2Normalization;
import io.distok.quant.train.BalancedAssigner;
import io.distok.quant.train.LevelAssignment;
import io.distok.quant.gradient.Activation;
import io.distok.quant.gradient.GradientTrainer;
import io.distok.quant.gradient.GradientTraining;
import io.distok.quant.gradient.Mlp;
import io.distok.quant.gradient.MlpTransform;
import io.distok.quant.gradient.QuantizedAutoencoder;
import io.distok.quant.gradient.ResidualVqLayer;
import io.distok.quant.gradient.VqLayer;
import io.distok.quant.gradient.VqOptions;
import io.distok.quant.transform.TransformedQuantizer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fits semantic IDs: the core's RQ-KMeans ({@link ResidualQuantizer#fit}) on the (optionally L2-normalised)
 * embeddings, with balancing on a {@link BalancedAssigner} in its adaptive scope at every level (within prefix
 * groups; an upper-level code takes up to what the later levels can still tell apart) followed by its
 * mean-update rounds on a sample of at most 256 items per code and one assignment of every item; the training
 * codes become the items' raw IDs and the collision policy then gives final IDs. The RQ-VAE recipe ({@link
 * RqVaeSettings}) instead trains an encoder, residual VQ and decoder with the core's gradient trainer and takes
 * the IDs from the frozen encoder and codebooks. No training loop lives here.
 *
 * <p>Cost O(L (niter s + balanceRounds s + n) K d) time for a sample of s items; memory one working copy of the
 * embeddings plus O(n (L + 16) + K d). Deterministic for a given seed whatever
 * the thread count.
 */
public final class SemanticIdTrainer {
  private SemanticIdTrainer() {}

  /** The RQ parameters of a semantic-ID configuration: greedy, unrefined, balanced when asked. */
  static ResidualQuantizerParams quantizerParams(SemanticIdConfig config) {
    int[] ks = config.codebookSizes();
    KMeansParams base = new KMeansParams(ks[0], config.niter(), 256, 0, true);
    // the balance rounds shape each level's codebook on at most 256 rows per code (faiss's k-means sample size);
    // every item is then assigned once with the final codebook
    LevelAssignment assignment = config.balanced()
        ? new LevelAssignment(new BalancedAssigner(config.balanceSlack(), BalancedAssigner.Scope.ADAPTIVE),
            config.balanceRounds(), 256 * Arrays.stream(ks).max().orElse(256))
        : LevelAssignment.NEAREST;
    // the codebooks come from (balanced) level-wise training, never refined
    return new ResidualQuantizerParams(ks, base, 1, false, 0, 1, assignment);
  }

  /** Fits a model with the default recipe, without progress reports. */
  public static SemanticIdModel fit(ItemEmbeddings items) {
    return fit(items, SemanticIdConfig.DEFAULT, ProgressListener.NONE);
  }

  /** Fits a model without progress reports. */
  public static SemanticIdModel fit(ItemEmbeddings items, SemanticIdConfig config) {
    return fit(items, config, ProgressListener.NONE);
  }

  /**
   * The level count for {@code n} items and {@code k} codes per level: 3, or the least L with {@code k^L >= 64 n}
   * when that is more, so that code tuples stay sparse (1M items of K = 256: 4 levels). The factor 64 keeps the
   * chance that two items fall into one tuple at random near 1.5% or below, and leaves the upper levels room to
   * keep near neighbours together.
   */
  public static int recommendedLevels(int n, int k) {
    if (k < 2) {
      throw new IllegalArgumentException("K must be >= 2, got " + k);
    }
    int levels = 3;
    double tuples = Math.pow(k, levels);
    while (tuples < 64.0 * n) {
      levels++;
      tuples *= k;
    }
    return levels;
  }

  /**
   * The configuration as used for {@code n} items: a level whose K exceeds n gets the largest power of two not
   * above n (at least 2), so a small catalogue does not leave codes that no item can take; the model records the
   * sizes used.
   */
  public static SemanticIdConfig scaledTo(SemanticIdConfig config, int n) {
    int[] ks = config.codebookSizes();
    boolean changed = false;
    for (int l = 0; l < ks.length; l++) {
      if (ks[l] > n) {
        ks[l] = Math.max(2, Integer.highestOneBit(Math.max(1, n)));
        changed = true;
      }
    }
    return changed ? config.withCodebookSizes(ks) : config;
  }

  /**
   * Fits a model on {@code items}, with the codebook sizes {@link #scaledTo} the catalogue. Beyond the embeddings
   * it holds one working copy of them (the residuals, n d floats) and O(n) for codes and the balanced assigner.
   */
  public static SemanticIdModel fit(ItemEmbeddings items, SemanticIdConfig requested, ProgressListener progress) {
    return fit(items, requested, progress, false);
  }

  /**
   * As {@link #fit}, with the embeddings' own storage as the working memory: no copy of them is made (peak memory
   * the embeddings plus O(n (L + 16) + K d)). When normalising, the rows are L2-normalised in place first (see
   * {@link ItemEmbeddings#normalizedInPlace}). On return each row holds its embedding again, re-summed from its
   * final residual and its codewords (last level first): equal to the row before training up to float rounding
   * (a few units in the last place), so a report computed from them differs from one on the original rows only
   * in the last digits. The codes and IDs are a function of the original rows.
   */
  public static SemanticIdModel fitInPlace(ItemEmbeddings items, SemanticIdConfig requested,
      ProgressListener progress) {
    return fit(requested.normalize() ? items.normalizedInPlace() : items, requested, progress, true);
  }

  private static SemanticIdModel fit(ItemEmbeddings items, SemanticIdConfig requested, ProgressListener progress,
      boolean inPlace) {
    SemanticIdConfig config = scaledTo(requested, items.size());
    if (config.rqVae() != null) {
      return fitRqVae(items, config, progress);
    }
    ItemEmbeddings in = config.normalize() ? items.normalized() : items;
    // the residuals are computed in a working copy (the normalised copy when normalising made one), or in place
    boolean shared = in.vectors() == items.vectors();
    FloatMatrix work = shared && !inPlace ? in.vectors().copy() : in.vectors();
    ResidualQuantizer.Fit fit = ResidualQuantizer.fitInPlace(work, config.seed(), progress, quantizerParams(config));
    ResidualQuantizer rq = fit.model();
    Codes raw = fit.trainingCodes();
    if (shared && inPlace) {
      restore(work, rq, raw);
    }
    // the collision policy ranks last codes on what the last level quantized, computed per item from the
    // embedding level by level as the trainer did; `in` holds residuals when normalising made it a copy, so rows
    // are taken from `items`
    boolean normalizeRow = config.normalize() && !items.unitNorm();
    return withIds(config, rq, null, in.ids(), raw, i -> {
      float[] row = items.vectors().rowCopy(i);
      if (normalizeRow) {
        L2Normalization.normalizeRows(row, 0, 1, row.length, row);
      }
      return row;
    });
  }

  /**
   * The RQ-VAE recipe: encoder {@code d -> hidden -> latent} and decoder back (ReLU), residual VQ levels
   * initialised by k-means on the initial encoder's outputs level by level, trained jointly with Adam, early
   * stopping on a held-out tenth of the items when patience is set. Cost O(epochs n (d h + h d' + sum(K) d')) plus
   * the k-means start; memory O(n d') for the latent vectors besides the embeddings.
   */
  private static SemanticIdModel fitRqVae(ItemEmbeddings items, SemanticIdConfig config, ProgressListener progress) {
    RqVaeSettings s = config.rqVae();
    ItemEmbeddings in = config.normalize() ? items.normalized() : items;
    FloatMatrix x = in.vectors();
    int d = x.cols();
    int latent = s.latentFor(d);
    SplittableRandom init = new SplittableRandom(config.seed());
    Mlp encoder = Mlp.of(new int[] {d, s.hidden(), latent}, Activation.RELU, init);
    Mlp decoder = Mlp.of(new int[] {latent, s.hidden(), d}, Activation.RELU, init);
    ResidualVqLayer levels = ResidualVqLayer.initialise(encoder.apply(x), config.codebookSizes(), VqLayer.Init.KMEANS,
        VqOptions.DEFAULT.withBeta(s.beta()), config.seed());
    GradientTraining training = GradientTraining.of(s.epochs(), s.learningRate(), config.seed())
        .withBatchSize(s.batchSize()).withValidation(s.patience() > 0 ? 0.1 : 0, s.patience());
    GradientTrainer.Result result = GradientTrainer.train(new QuantizedAutoencoder(encoder, levels, decoder), x,
        training, progress, e -> {});
    TransformedQuantizer frozen = (TransformedQuantizer) result.model();
    ResidualQuantizer rq = (ResidualQuantizer) frozen.inner();
    MlpTransform trained = (MlpTransform) frozen.transforms().get(0);
    FloatMatrix z = trained.apply(x);
    Codes raw = rq.encode(z);
    return withIds(config, rq, trained, in.ids(), raw, z::rowCopy);
  }

  /**
   * The model of {@code raw} codes: final IDs from the collision policy, which ranks an item's last-level codes on
   * what the last level quantizes for its row {@code quantized.apply(i)} of the residual quantizer's input (the
   * trainer's levels subtracted as the trainer subtracts them). O(n L d) for the rankings the policy asks for.
   */
  private static SemanticIdModel withIds(SemanticIdConfig config, ResidualQuantizer rq, MlpTransform encoder,
      List<String> ids, Codes raw, java.util.function.IntFunction<float[]> quantized) {
    PackedRows lastBook = new PackedRows(rq.codebooks().get(config.levels() - 1));
    Codes fin = CollisionPolicy.of(config.collision(), config.suffixSize()).resolve(ids, raw,
        i -> SemanticIdModel.rankCodes(rq, quantized.apply(i), raw.row(i), lastBook));
    int n = ids.size();
    ItemTable table = SemanticIdModel.newTable(config, n);
    for (int i = 0; i < n; i++) {
      table.append(ids.get(i), raw.row(i), fin.row(i));
    }
    return new SemanticIdModel(config, rq, encoder, table, n);
  }

  /** Adds every row's codewords back onto its residual, last level first. O(n L d), parallel over rows. */
  private static void restore(FloatMatrix residuals, ResidualQuantizer rq, Codes codes) {
    List<FloatMatrix> books = rq.codebooks();
    int d = residuals.cols();
    float[] r = residuals.data();
    Parallel.forEachChunk(residuals.rows(), Parallel.DEFAULT_CHUNK, (chunk, from, to) -> {
      for (int i = from; i < to; i++) {
        for (int l = books.size() - 1; l >= 0; l--) {
          float[] b = books.get(l).data();
          int off = codes.get(i, l) * d;
          for (int t = 0; t < d; t++) {
            r[i * d + t] += b[off + t];
          }
        }
      }
    });
  }
}
