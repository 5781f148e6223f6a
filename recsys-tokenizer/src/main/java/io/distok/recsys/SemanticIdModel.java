package io.distok.recsys;

import io.distok.quant.CodeTuple;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import io.distok.quant.rq.ResidualQuantizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fitted semantic-ID index: frozen RQ codebooks plus the item -> ID map. Immutable; {@link #assign} returns a
 * new model in which existing IDs are unchanged.
 */
public final class SemanticIdModel {
  private final SemanticIdConfig config;
  private final ResidualQuantizer quantizer;
  private final LinkedHashMap<String, int[]> raw;
  private final LinkedHashMap<String, int[]> ids;
  private final Map<CodeTuple, List<String>> itemsById;
  private volatile PrefixTrie trie;

  SemanticIdModel(SemanticIdConfig config, ResidualQuantizer quantizer, LinkedHashMap<String, int[]> raw,
      LinkedHashMap<String, int[]> ids) {
    this.config = config;
    this.quantizer = quantizer;
    this.raw = raw;
    this.ids = ids;
    this.itemsById = new HashMap<>();
    for (Map.Entry<String, int[]> e : ids.entrySet()) {
      itemsById.computeIfAbsent(new CodeTuple(e.getValue()), k -> new ArrayList<>()).add(e.getKey());
    }
  }

  public SemanticIdConfig config() {
    return config;
  }

  public ResidualQuantizer quantizer() {
    return quantizer;
  }

  public CollisionPolicy policy() {
    return CollisionPolicy.of(config.collision(), config.suffixSize());
  }

  /** Items in fit order (new items after the fitted ones). */
  public List<String> items() {
    return List.copyOf(ids.keySet());
  }

  public int size() {
    return ids.size();
  }

  public boolean contains(String item) {
    return ids.containsKey(item);
  }

  /** The final ID (codes) of an item. */
  public int[] codes(String item) {
    int[] c = ids.get(item);
    if (c == null) {
      throw new InvalidInputException("unknown item '" + item + "'");
    }
    return c.clone();
  }

  /** The code tuple the quantizer gave the item, before the collision policy. */
  public int[] rawCodes(String item) {
    int[] c = raw.get(item);
    if (c == null) {
      throw new InvalidInputException("unknown item '" + item + "'");
    }
    return c.clone();
  }

  /** The item's ID written as tokens. */
  public String tokens(String item) {
    return config.format().format(codes(item));
  }

  /** Items whose final ID is exactly {@code codes} (more than one only under the "none" policy). */
  public List<String> itemsWithId(int... codes) {
    return itemsById.getOrDefault(new CodeTuple(codes), List.of());
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

  /** The prefix trie over final IDs. */
  public PrefixTrie trie() {
    PrefixTrie t = trie;
    if (t == null) {
      t = new PrefixTrie();
      for (Map.Entry<String, int[]> e : ids.entrySet()) {
        t.add(e.getValue(), e.getKey());
      }
      trie = t;
    }
    return t;
  }

  Map<String, int[]> rawMap() {
    return Collections.unmodifiableMap(raw);
  }

  Map<String, int[]> idMap() {
    return Collections.unmodifiableMap(ids);
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
    if (items.dimension() != quantizer.dimension()) {
      throw new InvalidInputException("embeddings of dimension " + items.dimension() + " != "
          + quantizer.dimension() + " of the semantic-ID model");
    }
    ItemEmbeddings in = config.normalize() ? items.normalized() : items;
    Codes codes = quantizer.withBeam(1).encode(in.vectors());
    LinkedHashMap<String, int[]> newRaw = new LinkedHashMap<>(raw);
    LinkedHashMap<String, int[]> newIds = new LinkedHashMap<>(ids);
    Set<CodeTuple> taken = new HashSet<>();
    for (int[] c : ids.values()) {
      taken.add(new CodeTuple(c));
    }
    CollisionPolicy policy = policy();
    Map<String, int[]> result = new LinkedHashMap<>();
    List<String> added = new ArrayList<>();
    // new items are resolved in id order so that the outcome does not depend on input order
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> in.ids().get(a).compareTo(in.ids().get(b)));
    List<FloatMatrix> books = quantizer.codebooks();
    PackedRows lastBook = new PackedRows(books.get(books.size() - 1));
    for (int i : order) {
      String id = in.ids().get(i);
      if (ids.containsKey(id)) {
        continue;
      }
      int[] r = codes.row(i);
      int[] fin = policy.resolveNew(id, r, taken, () -> lastLevelRanking(in.vectors(), i, r, lastBook));
      taken.add(new CodeTuple(fin));
      newRaw.put(id, r);
      newIds.put(id, fin);
      added.add(id);
    }
    SemanticIdModel next = new SemanticIdModel(config, quantizer, newRaw, newIds);
    for (String id : in.ids()) {
      result.put(id, next.codes(id));
    }
    return new Assignment(next, result, added);
  }

  /** Last-level codes ordered by distance to the item's residual after the other levels. */
  private int[] lastLevelRanking(FloatMatrix x, int row, int[] rawCodes, PackedRows lastBook) {
    FloatMatrix one = FloatMatrix.wrap(x.rowCopy(row), 1, x.cols());
    float[] r = quantizer.residualsBefore(one, Codes.wrap(rawCodes.clone(), 1, rawCodes.length),
        rawCodes.length - 1).data();
    return rankCodes(r, lastBook);
  }

  static int[] rankCodes(float[] residual, PackedRows book) {
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
