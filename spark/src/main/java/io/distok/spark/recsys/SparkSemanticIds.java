package io.distok.spark.recsys;

import io.distok.quant.CodeTuple;
import io.distok.quant.Codes;
import io.distok.recsys.CollisionPolicy;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SampledFit;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.recsys.SemanticIdTrainer;
import io.distok.spark.ModelFiles;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Semantic IDs for a catalogue on Spark, equal to the single-machine {@link SampledFit} for the same items, sample
 * size and configuration, whatever the partitioning: the sample (the s items of smallest seeded id hash) is
 * collected to the driver and fitted there with the single-machine trainer; the frozen model is broadcast; every
 * other item is encoded in {@code mapPartitions} with distok's own kernels; collisions are resolved after a
 * shuffle by code prefix (the first L - 1 levels), where each group resolves its new items in {@link
 * SemanticIdModel#compareIds} order against the IDs taken in it, exactly as {@link SemanticIdModel#assign} does,
 * which only ever looks within an item's prefix.
 *
 * <p>Cost: the fit on s rows on the driver (s d floats there), O(n sum(K) d) encoding over the executors, one
 * shuffle of the n ids for the duplicate check and one of the new items (ids, codes, the quantizer's input rows)
 * by prefix. A prefix group is resolved by one task: with K^(L-1) prefixes they are small.
 */
public final class SparkSemanticIds {
  /** Rows encoded together on an executor. */
  static final int BLOCK = 4096;

  private SparkSemanticIds() {}

  /** An item and its embedding. */
  public record Item(String id, float[] vector) implements Serializable {}

  /** An item's ID: its raw code tuple and its final ID after the collision policy. */
  public record ItemId(String id, int[] raw, int[] fin) implements Serializable {}

  /** A new item waiting for its final ID: raw codes and the quantizer's input row, for the policy's ranking. */
  record NewItem(String id, int[] raw, float[] z) implements Serializable {}

  /** A sample row, ordered by its key then id. */
  record SampleRow(long key, String id, float[] vector) implements Serializable {}

  /**
   * Fits on the sample and gives every item its ID.
   *
   * @param sampleSize items the model is fitted on (all when the catalogue has no more)
   * @param partitions partitions of the prefix shuffle
   * @throws InvalidInputException (possibly as the cause of a Spark failure, see {@link
   *     io.distok.spark.DistokSpark#inputError}) for duplicate ids, ragged or non-finite embeddings, or an item the
   *     collision policy cannot place
   */
  public static SparkSemanticIdResult run(JavaRDD<Item> items, SemanticIdConfig config, int sampleSize,
      int partitions, ProgressListener progress) throws IOException {
    if (sampleSize < 1) {
      throw new IllegalArgumentException("sample size must be >= 1, got " + sampleSize);
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(items.context());
    JavaRDD<Item> all = items.persist(StorageLevel.MEMORY_AND_DISK());
    List<Item> first = all.take(1);
    if (first.isEmpty()) {
      throw new InvalidInputException("no items");
    }
    int d = first.get(0).vector().length;
    long seed = config.seed();
    // the sample, and on the way every row's shape checked: all rows pass through this map
    Comparator<SampleRow> order = (Comparator<SampleRow> & Serializable) (a, b) ->
        SampledFit.compareForSample(a.key(), a.id(), b.key(), b.id());
    List<SampleRow> sample = new ArrayList<>(all.map(it -> {
      check(it, d);
      return new SampleRow(SampledFit.sampleKey(seed, it.id()), it.id(), it.vector());
    }).takeOrdered(sampleSize, order));
    List<Tuple2<String, Integer>> duplicate = all.mapToPair(it -> new Tuple2<>(it.id(), 1))
        .reduceByKey(Integer::sum, partitions).filter(t -> t._2() > 1).take(1);
    if (!duplicate.isEmpty()) {
      throw new InvalidInputException("duplicate item id '" + duplicate.get(0)._1() + "' ("
          + duplicate.get(0)._2() + " rows)");
    }
    long n = all.count();
    sample.sort(Comparator.comparing(SampleRow::id, SemanticIdModel::compareIds));
    float[] data = new float[sample.size() * d];
    List<String> sampleIds = new ArrayList<>(sample.size());
    for (int i = 0; i < sample.size(); i++) {
      System.arraycopy(sample.get(i).vector(), 0, data, i * d, d);
      sampleIds.add(sample.get(i).id());
    }
    SemanticIdModel model = SemanticIdTrainer.fit(new ItemEmbeddings(sampleIds, FloatMatrix.wrap(data, sample.size(),
        d)), config, progress);
    ModelFiles files = saved(model);
    Broadcast<ModelFiles> shipped = sc.broadcast(files);
    Broadcast<Set<String>> inSample = sc.broadcast(new HashSet<>(sampleIds));
    int levels = model.config().levels();

    List<ItemId> fitted = new ArrayList<>(sampleIds.size());
    List<Tuple2<String, int[]>> takenByPrefix = new ArrayList<>(sampleIds.size());
    for (String id : sampleIds) {
      int[] raw = model.rawCodes(id);
      int[] fin = model.codes(id);
      fitted.add(new ItemId(id, raw, fin));
      takenByPrefix.add(new Tuple2<>(prefix(raw, levels), fin));
    }
    JavaPairRDD<String, NewItem> fresh = all.filter(it -> !inSample.value().contains(it.id()))
        .mapPartitionsToPair(rows -> {
          SemanticIdModel m = shipped.value().load(SemanticIdModel.class, SemanticIdStore::load);
          List<Tuple2<String, NewItem>> out = new ArrayList<>();
          List<Item> block = new ArrayList<>(BLOCK);
          while (rows.hasNext()) {
            block.add(rows.next());
            if (block.size() == BLOCK || !rows.hasNext()) {
              encode(m, block, d, levels, out);
              block.clear();
            }
          }
          return out.iterator();
        });
    JavaRDD<Resolved> resolved = fresh.cogroup(sc.parallelizePairs(takenByPrefix, Math.max(1, partitions)),
        partitions).flatMap(group -> {
          SemanticIdModel m = shipped.value().load(SemanticIdModel.class, SemanticIdStore::load);
          return resolve(m, group._2()._1(), group._2()._2()).iterator();
        }).persist(StorageLevel.MEMORY_AND_DISK());
    // one machine stops at the first item (in id order) the policy cannot place; each group reports its first,
    // and the least of them is that item, whichever task failed first
    List<Resolved> failed = resolved.filter(r -> r.problem() != null).collect();
    if (!failed.isEmpty()) {
      resolved.unpersist();
      throw new InvalidInputException(failed.stream()
          .min(Comparator.comparing(r -> r.item().id(), SemanticIdModel::compareIds)).orElseThrow().problem());
    }
    JavaRDD<ItemId> ids = sc.parallelize(fitted, Math.max(1, partitions)).union(resolved.map(Resolved::item));
    return new SparkSemanticIdResult(model, files, ids, n);
  }

  private static void check(Item it, int d) {
    if (it.id() == null) {
      throw new InvalidInputException("an item has no id");
    }
    if (it.vector() == null || it.vector().length != d) {
      throw new InvalidInputException("item '" + it.id() + "': embedding of dimension "
          + (it.vector() == null ? 0 : it.vector().length) + ", expected " + d + " as the first item's");
    }
    for (int j = 0; j < d; j++) {
      if (!Float.isFinite(it.vector()[j])) {
        throw new InvalidInputException("item '" + it.id() + "': value " + j + " is " + it.vector()[j]);
      }
    }
  }

  private static void encode(SemanticIdModel m, List<Item> block, int d, int levels,
      List<Tuple2<String, NewItem>> out) {
    float[] x = new float[block.size() * d];
    for (int i = 0; i < block.size(); i++) {
      System.arraycopy(block.get(i).vector(), 0, x, i * d, d);
    }
    FloatMatrix z = m.quantizerInput(FloatMatrix.wrap(x, block.size(), d));
    Codes codes = m.newItemCodes(z);
    for (int i = 0; i < block.size(); i++) {
      int[] raw = codes.row(i);
      out.add(new Tuple2<>(prefix(raw, levels), new NewItem(block.get(i).id(), raw, z.rowCopy(i))));
    }
  }

  /** A new item's ID, or the reason the policy could not place it (then the group's last row). */
  record Resolved(ItemId item, String problem) implements Serializable {}

  /**
   * The new items of one prefix, in {@link SemanticIdModel#compareIds} order, against the IDs taken there; stops
   * at the first item the policy cannot place.
   */
  private static List<Resolved> resolve(SemanticIdModel m, Iterable<NewItem> newItems, Iterable<int[]> taken) {
    List<NewItem> items = new ArrayList<>();
    newItems.forEach(items::add);
    items.sort(Comparator.comparing(NewItem::id, SemanticIdModel::compareIds));
    Set<CodeTuple> used = new HashSet<>();
    taken.forEach(fin -> used.add(new CodeTuple(fin)));
    CollisionPolicy policy = m.policy();
    List<Resolved> out = new ArrayList<>(items.size());
    for (NewItem it : items) {
      int[] fin;
      try {
        fin = policy.resolveNew(it.id(), it.raw(), c -> used.contains(new CodeTuple(c)),
            () -> m.lastLevelRanking(it.z(), it.raw()));
      } catch (InvalidInputException e) {
        out.add(new Resolved(new ItemId(it.id(), it.raw(), null), e.getMessage()));
        break;
      }
      used.add(new CodeTuple(fin));
      out.add(new Resolved(new ItemId(it.id(), it.raw(), fin), null));
    }
    return out;
  }

  /** The shuffle key: the first L - 1 codes, which no collision policy changes. */
  private static String prefix(int[] codes, int levels) {
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < levels - 1; j++) {
      sb.append(codes[j]).append(',');
    }
    return sb.toString();
  }

  private static ModelFiles saved(SemanticIdModel model) throws IOException {
    Path tmp = Files.createTempDirectory("distok-semantic-ids-");
    try {
      SemanticIdStore.save(model, null, tmp.resolve("model"));
      return ModelFiles.read(tmp.resolve("model"));
    } finally {
      AtomicFiles.deleteRecursively(tmp);
    }
  }
}
