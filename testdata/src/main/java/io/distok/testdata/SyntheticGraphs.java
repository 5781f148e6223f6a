package io.distok.testdata;

import io.distok.graph.csr.CsrGraph;
import java.util.SplittableRandom;
import org.jgrapht.Graph;
import org.jgrapht.graph.DirectedPseudograph;

/**
 * Deterministic generated knowledge graphs for demos, tests and scale benchmarks: nodes fall into communities
 * of about 100; half of the edges stay inside the head's community, the rest attach preferentially (to an
 * endpoint of an earlier edge), giving a skewed degree distribution; an edge's relation depends on the two
 * communities, as types do in real knowledge graphs. O(V + E).
 */
public final class SyntheticGraphs {
  private SyntheticGraphs() {}

  /** A labelled edge of a generated JGraphT graph. */
  public record Edge(String head, String relation, String tail, int serial) {}

  /** Calls {@code sink} once per generated edge (head, relation, tail ids). */
  @FunctionalInterface
  public interface EdgeSink {
    void edge(int head, int relation, int tail);
  }

  /** Generates {@code edges} edges over {@code nodes} nodes and {@code relations} relation types. */
  public static void generate(int nodes, long edges, int relations, long seed, EdgeSink sink) {
    SplittableRandom rng = new SplittableRandom(seed);
    int community = 100;
    int[] heads = new int[(int) Math.min(edges, 1 << 20)];
    int filled = 0;
    for (long e = 0; e < edges; e++) {
      int h = rng.nextInt(nodes);
      int t;
      if (rng.nextBoolean() || filled == 0) {
        int base = h / community * community;
        t = Math.min(nodes - 1, base + rng.nextInt(community));
      } else {
        t = heads[rng.nextInt(filled)];
      }
      int r = Math.floorMod((h / community) * 31 + (t / community) * 17 + rng.nextInt(3), relations);
      sink.edge(h, r, t);
      if (filled < heads.length) {
        heads[filled++] = rng.nextBoolean() ? h : t;
      } else {
        heads[rng.nextInt(heads.length)] = rng.nextBoolean() ? h : t;
      }
    }
  }

  /** A generated graph as a {@link CsrGraph}; node names {@code e0..}, relations {@code r0..}. */
  public static CsrGraph csr(int nodes, long edges, int relations, long seed) {
    CsrGraph.Builder b = new CsrGraph.Builder();
    String[] names = new String[nodes];
    for (int v = 0; v < nodes; v++) {
      names[v] = "e" + v;
      b.addNode(names[v]);
    }
    String[] rel = new String[relations];
    for (int r = 0; r < relations; r++) {
      rel[r] = "r" + r;
    }
    generate(nodes, edges, relations, seed, (h, r, t) -> b.addEdge(names[h], rel[r], names[t]));
    return b.build();
  }

  /** A generated graph as a JGraphT directed multigraph (parallel edges and self-loops allowed). */
  public static Graph<String, Edge> jgrapht(int nodes, long edges, int relations, long seed) {
    DirectedPseudograph<String, Edge> g = new DirectedPseudograph<>(Edge.class);
    for (int v = 0; v < nodes; v++) {
      g.addVertex("e" + v);
    }
    int[] serial = {0};
    generate(nodes, edges, relations, seed, (h, r, t) -> g.addEdge("e" + h, "e" + t, new Edge("e" + h, "r" + r,
        "e" + t, serial[0]++)));
    return g;
  }

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "to", "sa", "vi", "dor", "ne", "qua", "bel",
      "ix", "mar", "o", "zu", "tan"};
  private static final String[] KINDS = {"person", "city", "company", "film", "river", "book", "team"};

  /**
   * A readable, deterministic name for generated node {@code e<i>} (e.g. {@code Lomiren}), so that demos can
   * show prompts with names; different nodes may share a name, as real entities do.
   */
  public static String displayName(String node) {
    int i = Integer.parseInt(node.substring(1));
    long h = (i + 1) * 0x9E3779B97F4A7C15L;
    StringBuilder sb = new StringBuilder();
    for (int s = 0; s < 3; s++) {
      sb.append(SYLLABLES[(int) ((h >>> (s * 8)) & 15)]);
    }
    return Character.toUpperCase(sb.charAt(0)) + sb.substring(1);
  }

  /** A kind attribute for generated node {@code e<i>} ({@code person}, {@code city}, ...). */
  public static String kind(String node) {
    return KINDS[Integer.parseInt(node.substring(1)) % KINDS.length];
  }
}
