package io.distok.recsys;

import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Semantic IDs for a catalogue too large to train on whole: the model is fitted on a sample of the items, then
 * every other item is {@linkplain SemanticIdModel#assign assigned} with the frozen model, as new items are. The
 * sample is a function of the item ids and the seed alone, never of the input order or partitioning: the
 * {@code s} items of smallest {@link #sampleKey} (ties by id), put in {@link SemanticIdModel#compareIds} order
 * for the fit. The Spark job gives the same IDs for the same items, sample size and configuration.
 *
 * <p>Cost: the fit on s items plus O(n sum(K) d) for assigning the rest; O(n log s) to choose the sample.
 */
public final class SampledFit {
  private SampledFit() {}

  /** The sort key that picks the sample: a seeded 64-bit hash of the id's UTF-8 bytes. O(id length). */
  public static long sampleKey(long seed, String id) {
    long h = seed ^ 0xCBF29CE484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xFF)) * 0x100000001B3L;
    }
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /** The order that picks the sample: by {@link #sampleKey}, then by id. */
  public static int compareForSample(long keyA, String a, long keyB, String b) {
    return keyA != keyB ? Long.compare(keyA, keyB) : a.compareTo(b);
  }

  /**
   * The row indices of the sample of {@code size} items (all of them when there are no more), in {@link
   * SemanticIdModel#compareIds} order. O(n log n).
   */
  public static int[] sample(List<String> ids, int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("sample size must be >= 1, got " + size);
    }
    long[] keys = new long[ids.size()];
    Integer[] order = new Integer[ids.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = sampleKey(seed, ids.get(i));
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compareForSample(keys[a], ids.get(a), keys[b], ids.get(b)));
    Integer[] chosen = Arrays.copyOf(order, Math.min(size, order.length));
    Arrays.sort(chosen, Comparator.comparing(ids::get, SemanticIdModel::compareIds));
    return Arrays.stream(chosen).mapToInt(Integer::intValue).toArray();
  }

  /** The sample's items in fit order. O(s d). */
  public static ItemEmbeddings sampleOf(ItemEmbeddings items, int size, long seed) {
    int[] rows = sample(items.ids(), size, seed);
    int d = items.dimension();
    float[] data = new float[rows.length * d];
    List<String> ids = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(items.vectors().data(), rows[i] * d, data, i * d, d);
      ids.add(items.ids().get(rows[i]));
    }
    return new ItemEmbeddings(ids, FloatMatrix.wrap(data, rows.length, d));
  }

  /**
   * Fits on the sample of {@code size} items and assigns every item.
   *
   * @return the model holding every item (the sample's first) and every item's ID
   * @throws InvalidInputException on bad embeddings, or when the collision policy cannot place an item
   */
  public static SemanticIdModel.Assignment fit(ItemEmbeddings items, SemanticIdConfig config, int size,
      ProgressListener progress) {
    SemanticIdModel model = SemanticIdTrainer.fit(sampleOf(items, size, config.seed()), config, progress);
    return model.assign(items);
  }
}
