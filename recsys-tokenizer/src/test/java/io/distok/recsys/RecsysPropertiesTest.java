package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.quant.CodeTuple;
import io.distok.util.FloatMatrix;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Randomized properties of collision policies; jqwik prints each run's seed. */
class RecsysPropertiesTest {

  /** Suffix and reassign give every item a unique ID, and the same ID whatever order the items come in. */
  @Property(tries = 40)
  void collisionPoliciesGiveUniqueIdsWhateverTheOrder(@ForAll @IntRange(min = 1, max = 200) int n,
      @ForAll boolean suffix, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int k1 = 1 + rng.nextInt(4);
    int k2 = suffix ? 1 + rng.nextInt(4) : 2 * n + 1; // reassign needs room in the last level
    List<String> ids = new ArrayList<>();
    List<int[]> raw = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("item" + rng.nextInt(1_000_000) + "-" + i);
      raw.add(new int[] {rng.nextInt(k1), rng.nextInt(Math.min(k2, 3))});
    }
    CollisionPolicy policy = CollisionPolicy.of(suffix ? CollisionPolicy.Kind.SUFFIX : CollisionPolicy.Kind.REASSIGN,
        n + 1);
    Map<String, List<Integer>> first = resolve(policy, ids, raw, k2);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    List<String> ids2 = new ArrayList<>();
    List<int[]> raw2 = new ArrayList<>();
    for (int i : order) {
      ids2.add(ids.get(i));
      raw2.add(raw.get(i));
    }
    Map<String, List<Integer>> second = resolve(policy, ids2, raw2, k2);
    assertEquals(first, second, "IDs must not depend on input order");
    Set<List<Integer>> unique = new HashSet<>(first.values());
    assertEquals(n, unique.size(), "every item gets its own ID");
  }

  private static Map<String, List<Integer>> resolve(CollisionPolicy p, List<String> ids, List<int[]> raw, int k2) {
    // the last-level ranking is a function of the item alone (here of its id), as the nearest-code order is
    io.distok.quant.Codes codes0 = new io.distok.quant.Codes(raw.size(), 2);
    for (int i = 0; i < raw.size(); i++) {
      codes0.set(i, 0, raw.get(i)[0]);
      codes0.set(i, 1, raw.get(i)[1]);
    }
    io.distok.quant.Codes out = p.resolve(ids, codes0, i -> {
      List<Integer> codes = new ArrayList<>();
      for (int c = 0; c < k2; c++) {
        codes.add(c);
      }
      Collections.shuffle(codes, new Random(ids.get(i).hashCode()));
      return codes.stream().mapToInt(Integer::intValue).toArray();
    });
    Map<String, List<Integer>> m = new HashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      List<Integer> id = new ArrayList<>();
      for (int c : out.row(i)) {
        id.add(c);
      }
      m.put(ids.get(i), id);
      assertTrue(out.row(i).length >= 2);
    }
    return m;
  }

  /**
   * Parsing inverts formatting in both styles, with and without wrappers; an ID cut after any token and followed
   * by junk parses to the codes before the cut, with the problem reported.
   */
  @Property(tries = 200)
  void parsingInvertsFormattingAndStopsAtTheFirstMalformedPart(@ForAll @IntRange(min = 1, max = 30) int length,
      @ForAll boolean plain, @ForAll boolean wrapped, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] codes = new int[length];
    for (int j = 0; j < length; j++) {
      codes[j] = rng.nextInt(rng.nextBoolean() ? 300 : Integer.MAX_VALUE);
    }
    TokenFormat format = plain ? new TokenFormat(TokenFormat.Style.PLAIN, null, null)
        : wrapped ? new TokenFormat(TokenFormat.Style.ANGLE, "<sid>", "</sid>") : TokenFormat.DEFAULT;
    String id = format.format(codes);
    org.junit.jupiter.api.Assertions.assertArrayEquals(codes, TokenFormat.parse(" " + id + "\n"), id);
    int cut = rng.nextInt(length + 1);
    String head = format.format(java.util.Arrays.copyOf(codes, cut));
    if (plain) {
      head = cut == 0 ? "" : head + "-";
    } else if (wrapped) {
      head = head.substring(0, head.length() - "</sid>".length());
    }
    String junk = plain ? "x7" : rng.nextBoolean() ? "<" + TokenFormat.levelName(cut + 1) + "_3>" : "<" + (char) ('a'
        + cut % 26) + "_q>";
    TokenFormat.ParsedId parsed = TokenFormat.parseLeading(head + junk);
    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOf(codes, cut), parsed.codes(),
        head + junk);
    assertTrue(!parsed.complete() && parsed.problem().contains("offset"), parsed.problem());
  }
}
