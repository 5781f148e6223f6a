package io.distok.recsys;

import io.distok.quant.Codes;
import io.distok.quant.FloatMatrix;
import io.distok.quant.NearestCodes;
import io.distok.quant.ProgressListener;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.kmeans.KMeans;
import io.distok.quant.kmeans.KMeansParams;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.rq.ResidualQuantizerParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits semantic IDs: RQ-KMeans level by level on the (optionally L2-normalised) embeddings; with balancing on,
 * each level's k-means is followed by rounds of {@link BalancedAssignment} and centroid updates (over the whole
 * catalogue at the upper levels, within prefix groups at the last level), and the balanced codes become the
 * items' raw IDs; the collision policy then gives final IDs.
 *
 * <p>Cost O(L (niter + balanceRounds) n K d) time, O(n d + K d) memory. Deterministic for a given seed whatever
 * the thread count.
 */
public final class SemanticIdTrainer {
  private SemanticIdTrainer() {}

  /** Fits a model on {@code items}. */
  public static SemanticIdModel fit(ItemEmbeddings items, SemanticIdConfig config, ProgressListener progress) {
    ItemEmbeddings in = config.normalize() ? items.normalized() : items;
    FloatMatrix x = in.vectors();
    int n = x.rows();
    int d = x.cols();
    int[] ks = config.codebookSizes();
    int levels = ks.length;
    FloatMatrix residual = x.copy();
    FloatMatrix beforeLast = null;
    List<FloatMatrix> books = new ArrayList<>();
    Codes raw = new Codes(n, levels);
    int[] group = new int[n];
    int groups = 1;
    KMeansParams base = new KMeansParams(ks[0], config.niter(), 256, 0, true);
    for (int l = 0; l < levels; l++) {
      String stage = "semantic IDs level " + (l + 1) + "/" + levels;
      long seed = config.seed() + 0x9E3779B97F4A7C15L * (l + 1);
      FloatMatrix book = new KMeans(base.withK(ks[l])).train(residual, seed, progress, stage).centroids();
      int[] codes;
      if (config.balanced()) {
        // upper levels balance code usage over the whole catalogue, so that items of one prefix may still share
        // the next code (prefix sharing is what makes IDs hierarchical); the last level balances within each
        // prefix group, which gives the items of a group distinct last codes
        boolean last = l == levels - 1;
        int[] g = last ? group : new int[n];
        int gs = last ? groups : 1;
        codes = BalancedAssignment.assign(residual, book, g, gs, config.balanceSlack());
        for (int round = 0; round < config.balanceRounds(); round++) {
          book = KMeans.clusterMeans(residual, codes, book);
          codes = BalancedAssignment.assign(residual, book, g, gs, config.balanceSlack());
        }
      } else {
        codes = NearestCodes.assign(residual, new PackedRows(book), DistanceKernels.get(), null);
      }
      if (l == levels - 1) {
        beforeLast = residual.copy();
      }
      float[] r = residual.data();
      for (int i = 0; i < n; i++) {
        raw.set(i, l, codes[i]);
        int bo = codes[i] * d;
        for (int t = 0; t < d; t++) {
          r[i * d + t] -= book.data()[bo + t];
        }
      }
      books.add(book);
      // refine prefix groups by this level's code
      Map<Long, Integer> next = new HashMap<>();
      for (int i = 0; i < n; i++) {
        long key = (long) group[i] * ks[l] + codes[i];
        Integer g = next.get(key);
        if (g == null) {
          g = next.size();
          next.put(key, g);
        }
        group[i] = g;
      }
      groups = next.size();
    }
    ResidualQuantizer rq = new ResidualQuantizer(books, null, new ResidualQuantizerParams(ks,
        base, 1, false, 0)); // the codebooks come from balanced level-wise training, never refined
    List<int[]> rawList = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rawList.add(raw.row(i));
    }
    FloatMatrix lastResidual = beforeLast;
    PackedRows lastBook = new PackedRows(books.get(levels - 1));
    List<int[]> fin = CollisionPolicy.of(config.collision(), config.suffixSize()).resolve(in.ids(), rawList,
        i -> SemanticIdModel.rankCodes(lastResidual.rowCopy(i), lastBook));
    LinkedHashMap<String, int[]> rawMap = new LinkedHashMap<>();
    LinkedHashMap<String, int[]> idMap = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      rawMap.put(in.ids().get(i), rawList.get(i));
      idMap.put(in.ids().get(i), fin.get(i));
    }
    return new SemanticIdModel(config, rq, rawMap, idMap);
  }

}
