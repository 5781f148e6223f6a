package io.distok.recsys;

import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.Quantizer;
import io.distok.quant.gradient.MlpTransform;
import io.distok.quant.rq.ResidualQuantizer;
import io.distok.quant.transform.TransformedQuantizer;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fitted semantic-ID index: frozen RQ codebooks (behind a frozen MLP encoder for the RQ-VAE recipe) plus the
 * item -> ID map, held column-wise (see {@link
 * ItemTable}: a few bytes of codes and index per item). A model is a snapshot: {@link #assign} returns a model
 * with the new items appended, in which existing IDs are unchanged, and this model keeps answering as before.
 * Assigning to the newest model of a catalogue appends in place, O(1) per new item whatever the catalogue size;
 * assigning to an older one first copies its items, O(n). Models may be read from many threads, also while
 * another thread assigns to the newest; {@link #assign} calls on one catalogue run one at a time.
 */
public final class SemanticIdModel {
  private final SemanticIdConfig config;
  private final ResidualQuantizer quantizer;
  /** The RQ-VAE's frozen encoder (and decoder), or null when the codebooks quantize the embeddings directly. */
  private final MlpTransform encoder;
  /** The quantizer and encoder as one model of embeddings, built once (queries and fingerprints use it). */
  private final Quantizer embeddingQuantizer;
  private final ItemTable table;
  private final int size;

  /** Whether the item table stores names (a catalogue numbered by row keeps none). */
  boolean storesNames() {
    return table.storesNames();
  }

  SemanticIdModel(SemanticIdConfig config, ResidualQuantizer quantizer, ItemTable table, int size) {
    this(config, quantizer, null, table, size);
  }

  SemanticIdModel(SemanticIdConfig config, ResidualQuantizer quantizer, MlpTransform encoder, ItemTable table,
      int size) {
    if (encoder != null && encoder.outputDimension() != quantizer.dimension()) {
      throw new IllegalArgumentException("an encoder to " + encoder.outputDimension() + " dimensions before a "
          + quantizer.dimension() + "-dimensional quantizer");
    }
    this.config = config;
    this.quantizer = quantizer;
    this.encoder = encoder;
    this.embeddingQuantizer = encoder == null ? quantizer : new TransformedQuantizer(List.of(encoder), quantizer);
    this.table = table;
    this.size = size;
  }

  /** An empty table for this configuration's code widths, with room for {@code capacity} items. */
  static ItemTable newTable(SemanticIdConfig config, int capacity) {
    int[] ks = config.codebookSizes();
    int rawMax = Arrays.stream(ks).max().orElse(1) - 1;
    CollisionPolicy policy = CollisionPolicy.of(config.collision(), config.suffixSize());
    int finMax = Math.max(rawMax, policy.extraLevels() > 0 ? config.suffixSize() - 1 : 0);
    return new ItemTable(ks.length, rawMax, ks.length + policy.extraLevels(), finMax, capacity);
  }

  public SemanticIdConfig config() {
    return config;
  }

  /** The residual quantizer of the IDs; it quantizes {@link #latent} vectors. */
  public ResidualQuantizer quantizer() {
    return quantizer;
  }

  /** The RQ-VAE's frozen encoder and decoder, or null for RQ-KMeans. */
  public MlpTransform encoder() {
    return encoder;
  }

  /** The dimension of the embeddings the model takes. */
  public int dimension() {
    return encoder != null ? encoder.inputDimension() : quantizer.dimension();
  }

  /**
   * What the residual quantizer quantizes for (already normalised, when the model normalises) embeddings {@code
   * x}: the encoder's output, or {@code x} itself for RQ-KMeans. O(n (d h + h d')) with an encoder.
   */
  public FloatMatrix latent(FloatMatrix x) {
    return encoder == null ? x : encoder.apply(x);
  }

  /**
   * The whole frozen model as one quantizer of embeddings: the residual quantizer, behind the encoder (decoding
   * through the decoder) for RQ-VAE.
   */
  public Quantizer embeddingQuantizer() {
    return embeddingQuantizer;
  }

  /**
   * The identity of the codebooks and settings that make this model's IDs ({@link
   * io.distok.quant.io.ModelFingerprint} of the quantizer with the configuration): the same before and after new
   * items are assigned and after save and load, different for a model fitted otherwise. O(K d L).
   */
  public String fingerprint() {
    return io.distok.quant.io.ModelFingerprint.of(embeddingQuantizer(), config.toJson());
  }

  public CollisionPolicy policy() {
    return CollisionPolicy.of(config.collision(), config.suffixSize());
  }

  /** Items in fit order (new items after the fitted ones): a read-only view, O(1) to make. */
  public List<String> items() {
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        Objects.checkIndex(index, size);
        return table.name(index);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  public int size() {
    return size;
  }

  public boolean contains(String item) {
    return table.find(item, size) >= 0;
  }

  /** The row of an item (its position in fit order). */
  int row(String item) {
    int row = table.find(item, size);
    if (row < 0) {
      throw new InvalidInputException("unknown item '" + item + "'");
    }
    return row;
  }

  /** The final ID (codes) of an item. */
  public int[] codes(String item) {
    return table.fin.row(row(item));
  }

  /** The code tuple the quantizer gave the item, before the collision policy. */
  public int[] rawCodes(String item) {
    return table.raw.row(row(item));
  }

  /** The name of the item at {@code row} (fit order). */
  String itemAt(int row) {
    return table.name(Objects.checkIndex(row, size));
  }

  /** The final ID of the item at {@code row}. */
  int[] codesAt(int row) {
    return table.fin.row(Objects.checkIndex(row, size));
  }

  /** The raw codes of the item at {@code row}. */
  int[] rawCodesAt(int row) {
    return table.raw.row(Objects.checkIndex(row, size));
  }

  /** Code {@code j} of the final ID at {@code row}, read in place. */
  int codeAt(int row, int j) {
    return table.fin.get(Objects.checkIndex(row, size), j);
  }

  /** Code {@code j} of the raw codes at {@code row}, read in place. */
  int rawCodeAt(int row, int j) {
    return table.raw.get(Objects.checkIndex(row, size), j);
  }

  /** The item's ID written as tokens. */
  public String tokens(String item) {
    return config.format().format(codes(item));
  }

  /** Items whose final ID is exactly {@code codes} (more than one only under the "none" policy). */
  public List<String> itemsWithId(int... codes) {
    List<String> out = new ArrayList<>();
    for (int r = table.findId(codes, size); r >= 0; r = table.nextWithSameId(r, size)) {
      out.add(table.name(r));
    }
    return out;
  }

  /** Number of codes per final ID. */
  public int idLength() {
    return config.levels() + policy().extraLevels();
  }

  /** Number of values of each ID position. */
  public int[] positionSizes() {
    int[] k = config.codebookSizes();
    int[] out = java.util.Arrays.copyOf(k, idLength());
    if (idLength() > k.length) {
      out[k.length] = config.suffixSize();
    }
    return out;
  }

  /** The token vocabulary: wrapper tokens, then every token of every position. */
  public List<String> vocabulary() {
    return config.format().vocabulary(positionSizes());
  }

  /**
   * The prefix trie over final IDs: built over the catalogue on first use, O(n m), then kept up to date as items
   * are assigned.
   */
  public PrefixTrie trie() {
    synchronized (table) {
      return new PrefixTrie(table.trie(), size);
    }
  }

  /**
   * Gives IDs to items with the frozen codebooks. Items already in the model keep their ID; new ones are
   * encoded greedily level by level and resolved against the IDs in use (a new item that collides takes the
   * next free suffix, or the nearest free last-level code). Cost O(n sum(K) d).
   *
   * @return the new model and the ID of every requested item
   * @throws InvalidInputException when the embeddings' dimension differs from the model's
   */
  public Assignment assign(ItemEmbeddings items) {
    if (items.dimension() != dimension()) {
      throw new InvalidInputException("embeddings of dimension " + items.dimension() + " != "
          + dimension() + " of the semantic-ID model");
    }
    ItemEmbeddings in = config.normalize() ? items.normalized() : items;
    FloatMatrix z = latent(in.vectors());
    Codes codes = newItemCodes(z);
    CollisionPolicy policy = policy();
    // new items are resolved in id order (shorter ids first, then by string) so that the outcome does not depend
    // on input order; for a numbered catalogue that is the numbers' order, so its rows stay its ids and the item
    // table need not store names (by string alone "10000000" came before "9999999": every name got stored)
    Integer[] order = new Integer[in.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> compareIds(in.ids().get(a), in.ids().get(b)));
    List<FloatMatrix> books = quantizer.codebooks();
    PackedRows lastBook = new PackedRows(books.get(books.size() - 1));
    synchronized (table) {
      ItemTable t = table;
      if (t.size() != size) {
        // another model was grown from this one already: this one forks with a copy of its own items
        ItemTable fresh = newTable(config, size + in.size());
        for (int r = 0; r < size; r++) {
          fresh.append(table.name(r), table.raw.row(r), table.fin.row(r));
        }
        t = fresh;
      }
      ItemTable target = t;
      int before = target.size();
      List<String> added = new ArrayList<>();
      for (int i : order) {
        String id = in.ids().get(i);
        if (target.find(id, before) >= 0) {
          continue;
        }
        int[] r = codes.row(i);
        int[] fin = policy.resolveNew(id, r, c -> target.findId(c, target.size()) >= 0,
            () -> rankCodes(quantizer, z.rowCopy(i), r, lastBook));
        target.append(id, r, fin);
        added.add(id);
      }
      SemanticIdModel next = new SemanticIdModel(config, quantizer, encoder, target, target.size());
      Map<String, int[]> result = new LinkedHashMap<>();
      for (String id : in.ids()) {
        result.put(id, next.codes(id));
      }
      return new Assignment(next, result, added);
    }
  }

  /**
   * What the residual quantizer takes for embeddings {@code x}: the rows L2-normalised when the model normalises
   * (a copy), then through the encoder for RQ-VAE. O(n d) plus the encoder's cost.
   */
  public FloatMatrix quantizerInput(FloatMatrix x) {
    return latent(config.normalize() ? io.distok.quant.transform.L2Normalization.normalizeRows(x) : x);
  }

  /**
   * The raw codes {@link #assign} gives new items whose {@link #quantizerInput} is {@code z}: greedy level by
   * level (beam 1), whatever beam the quantizer was fitted with. O(n sum(K) d).
   */
  public Codes newItemCodes(FloatMatrix z) {
    return quantizer.withBeam(1).encode(z);
  }

  /**
   * The last-level codes ordered from nearest to farthest for a new item whose {@link #quantizerInput} row is
   * {@code z} and whose raw codes are {@code rawCodes}: what collision policies consult when the item's tuple is
   * taken. O(K d) for the last level's K codes.
   */
  public int[] lastLevelRanking(float[] z, int[] rawCodes) {
    List<FloatMatrix> books = quantizer.codebooks();
    return rankCodes(quantizer, z, rawCodes, new PackedRows(books.get(books.size() - 1)));
  }

  /**
   * The order new items are resolved in: shorter ids first, then by string. Jobs that resolve new items elsewhere
   * (the Spark job, per code prefix) resolve them in this order to give the same IDs.
   */
  public static int compareIds(String a, String b) {
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  /**
   * Last-level codes ordered by distance to what the last level quantizes for an embedding (normalised when the
   * model normalises) whose raw codes are {@code rawCodes}: the embedding less its codewords of the other
   * levels, subtracted as the trainer subtracts them. The fit and new-item assignment both rank this way.
   */
  static int[] rankCodes(ResidualQuantizer quantizer, float[] embedding, int[] rawCodes, PackedRows lastBook) {
    FloatMatrix one = FloatMatrix.wrap(embedding, 1, embedding.length);
    float[] r = quantizer.residualsBefore(one, Codes.wrap(rawCodes.clone(), 1, rawCodes.length),
        rawCodes.length - 1).data();
    return rankCodes(r, lastBook);
  }

  private static int[] rankCodes(float[] residual, PackedRows book) {
    float[] dots = new float[book.count()];
    DistanceKernels.get().dots(residual, 0, book, dots);
    float[] dist = new float[book.count()];
    for (int j = 0; j < dist.length; j++) {
      dist[j] = book.norm(j) - 2f * dots[j];
    }
    return io.distok.util.TopK.smallest(dist, dist.length, dist.length);
  }

  /**
   * Result of {@link #assign}.
   *
   * @param model the model including the new items
   * @param ids final ID of every requested item, in request order
   * @param added items that were new, in the order they were resolved
   */
  public record Assignment(SemanticIdModel model, Map<String, int[]> ids, List<String> added) {}
}
