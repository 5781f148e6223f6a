package io.distok.graph.nodepiece;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodePieceTest {
  @TempDir
  Path dir;

  /** A random multigraph with a few isolated nodes, self-loops and parallel edges. */
  static CsrGraph randomGraph(int n, int edges, int relations, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    CsrGraph.Builder b = new CsrGraph.Builder();
    for (int v = 0; v < n; v++) {
      b.addNode("n" + v);
    }
    for (int e = 0; e < edges; e++) {
      // keep the last 3 nodes isolated
      int h = rng.nextInt(n - 3);
      int t = rng.nextInt(10) == 0 ? h : rng.nextInt(n - 3);
      b.addEdge("n" + h, "r" + rng.nextInt(relations), "n" + t);
    }
    return b.build();
  }

  /** Reference: BFS from every anchor separately; each node's k best (distance, rank) pairs. */
  static List<long[]> reference(CsrGraph g, int[] anchors, int k, int maxHops, boolean directed, int v) {
    List<long[]> found = new ArrayList<>();
    for (int a = 0; a < anchors.length; a++) {
      int[] dist = new int[g.nodeCount()];
      Arrays.fill(dist, -1);
      ArrayDeque<Integer> q = new ArrayDeque<>();
      // distance from v to the anchor: BFS backwards from the anchor over reversed edges when directed
      dist[anchors[a]] = 0;
      q.add(anchors[a]);
      while (!q.isEmpty()) {
        int x = q.poll();
        if (dist[x] == maxHops) {
          continue;
        }
        List<Integer> nb = new ArrayList<>();
        for (int e = g.inStart(x); e < g.inEnd(x); e++) {
          nb.add(g.inSource(e));
        }
        if (!directed) {
          for (int e = g.outStart(x); e < g.outEnd(x); e++) {
            nb.add(g.outTarget(e));
          }
        }
        for (int y : nb) {
          if (dist[y] < 0) {
            dist[y] = dist[x] + 1;
            q.add(y);
          }
        }
      }
      if (dist[v] >= 0) {
        found.add(new long[] {dist[v], a});
      }
    }
    found.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    return found.subList(0, Math.min(k, found.size()));
  }

  @RepeatedTest(4)
  void kLabelBfsMatchesPerAnchorBfs(RepetitionInfo info) {
    int rep = info.getCurrentRepetition();
    boolean directed = rep % 2 == 0;
    CsrGraph g = randomGraph(120, 200, 4, rep);
    int[] anchors = AnchorStrategy.MIXED.select(g, 15, rep);
    int k = 5;
    int hops = rep == 3 ? 2 : 50;
    AnchorLabels labels = NearestAnchors.compute(g, anchors, k, hops, directed, ProgressListener.NONE);
    for (int v = 0; v < g.nodeCount(); v++) {
      List<long[]> ref = reference(g, anchors, k, hops, directed, v);
      assertEquals(ref.size(), labels.count(v), "node " + v);
      for (int j = 0; j < ref.size(); j++) {
        assertEquals(ref.get(j)[0], labels.distance(v, j), "node " + v + " label " + j);
        assertEquals(ref.get(j)[1], labels.anchor(v, j), "node " + v + " label " + j);
      }
    }
  }

  /**
   * The node-own tie-break keeps the k smallest distances of every node, each anchor at its true distance
   * (checked against a BFS from every anchor), and differs from the rank rule only among equidistant anchors.
   */
  @net.jqwik.api.Property(tries = 20)
  void nodeTieBreakKeepsTheNearestDistances(@net.jqwik.api.ForAll boolean directed,
      @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 8) int k,
      @net.jqwik.api.ForAll long seed) {
    CsrGraph g = randomGraph(90, 160, 3, seed);
    int[] anchors = AnchorStrategy.MIXED.select(g, 20, seed);
    AnchorLabels node = NearestAnchors.compute(g, anchors, k, 50, directed, AnchorTieBreak.NODE, seed,
        ProgressListener.NONE);
    for (int v = 0; v < g.nodeCount(); v++) {
      List<long[]> ref = reference(g, anchors, k, 50, directed, v);
      assertEquals(ref.size(), node.count(v), "node " + v);
      List<long[]> all = reference(g, anchors, anchors.length, 50, directed, v);
      java.util.Map<Long, Long> trueDistance = new java.util.HashMap<>();
      for (long[] r : all) {
        trueDistance.put(r[1], r[0]);
      }
      java.util.Set<Integer> chosen = new java.util.HashSet<>();
      for (int j = 0; j < ref.size(); j++) {
        assertEquals(ref.get(j)[0], node.distance(v, j), "node " + v + ": the j-th smallest distance");
        assertEquals(trueDistance.get((long) node.anchor(v, j)), (long) node.distance(v, j),
            "node " + v + ": anchor " + node.anchor(v, j) + " at its true distance");
        assertTrue(chosen.add(node.anchor(v, j)), "distinct anchors");
      }
    }
  }

  /** Twenty nodes each touch the same ten anchors: by rank they all keep the same three, by node they differ. */
  @Test
  void nodeTieBreakSpreadsEquidistantChoices() {
    CsrGraph.Builder b = new CsrGraph.Builder();
    for (int l = 0; l < 20; l++) {
      for (int a = 0; a < 10; a++) {
        b.addEdge("l" + l, "r", "a" + a);
      }
    }
    CsrGraph g = b.build();
    int[] anchors = new int[10];
    for (int a = 0; a < 10; a++) {
      anchors[a] = g.node("a" + a);
    }
    java.util.Set<java.util.Set<Integer>> byRank = new java.util.HashSet<>();
    java.util.Set<java.util.Set<Integer>> byNode = new java.util.HashSet<>();
    AnchorLabels rank = NearestAnchors.compute(g, anchors, 3, 50, false, AnchorTieBreak.RANK, 1, ProgressListener.NONE);
    AnchorLabels node = NearestAnchors.compute(g, anchors, 3, 50, false, AnchorTieBreak.NODE, 1, ProgressListener.NONE);
    for (int l = 0; l < 20; l++) {
      int v = g.node("l" + l);
      java.util.Set<Integer> r = new java.util.HashSet<>();
      java.util.Set<Integer> n = new java.util.HashSet<>();
      for (int j = 0; j < 3; j++) {
        assertEquals(1, rank.distance(v, j));
        assertEquals(1, node.distance(v, j));
        r.add(rank.anchor(v, j));
        n.add(node.anchor(v, j));
      }
      byRank.add(r);
      byNode.add(n);
    }
    assertEquals(java.util.Set.of(java.util.Set.of(0, 1, 2)), byRank, "rank: the three best-ranked for all");
    assertTrue(byNode.size() >= 10, "node: leaves choose differently, " + byNode.size() + " distinct sets");
  }

  @Test
  void sameTokensWhateverTheThreadCount() {
    CsrGraph g = randomGraph(3000, 9000, 6, 9);
    NodePieceConfig c = NodePieceConfig.DEFAULT.withAnchors(60).withK(8).withM(3);
    NodeTokenization one = Parallel.withThreads(1, () -> NodePieceTokenizer.tokenize(g, c, ProgressListener.NONE));
    NodeTokenization four = Parallel.withThreads(4, () -> NodePieceTokenizer.tokenize(g, c, ProgressListener.NONE));
    for (int v = 0; v < g.nodeCount(); v++) {
      assertArrayEquals(one.tokenIds(v), four.tokenIds(v), "node " + v);
    }
  }

  @Test
  void unreachableAndPadTokensAreExplicit() {
    CsrGraph.Builder b = new CsrGraph.Builder();
    b.addEdge("a", "r", "b").addEdge("b", "r", "c").addEdge("x", "s", "y");
    b.addNode("alone");
    CsrGraph g = b.build();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(2)
        .withStrategy(AnchorStrategy.DEGREE).withK(3).withM(2), ProgressListener.NONE);
    List<String> alone = t.tokens("alone");
    assertEquals(List.of("[UNREACHABLE]", "[UNREACHABLE]", "[UNREACHABLE]", "[PAD]", "[PAD]"), alone);
    List<String> b1 = t.tokens("b");
    assertEquals("<rel:r>", b1.get(3));
    assertEquals("<rel:r^-1>", b1.get(4), "outgoing and inverse relations are kept apart");
    NodeTokenization.Diagnostics d = t.diagnostics();
    assertTrue(d.shortOfKShare() > 0);
    assertTrue(d.reachedShare() < 1);
    assertEquals(d.shortOfKShare(), d.toMap().get("shortOfKShare"));
  }

  @Test
  void relationsMostFrequentFirstAndAutomaticM() {
    CsrGraph.Builder b = new CsrGraph.Builder();
    b.addEdge("h", "likes", "a").addEdge("h", "likes", "b").addEdge("h", "owns", "c").addEdge("d", "hates", "h");
    CsrGraph g = b.build();
    int[] rel = RelationContext.compute(g, 3, RelationContext.Selection.FREQUENT, 1);
    int h = g.node("h");
    int likes = g.relationCount() * 0 + indexOf(g, "likes");
    assertEquals(likes, rel[h * 3], "the most frequent relation first");
    assertEquals(3, RelationContext.automaticM(g, 100), "h has likes, owns and hates^-1");
    assertEquals(1, RelationContext.automaticM(g, 50), "the median node has one relation token");
    int[] frequent = RelationContext.compute(g, 2, RelationContext.Selection.FREQUENT, 0);
    java.util.Set<Integer> hTokens = new java.util.HashSet<>();
    for (int j = 0; j < 3; j++) {
      hTokens.add(rel[h * 3 + j]);
    }
    java.util.Set<java.util.Set<Integer>> seen = new java.util.HashSet<>();
    boolean differsFromFrequent = false;
    for (int seed = 0; seed < 40; seed++) {
      int[] sampled = RelationContext.compute(g, 2, RelationContext.Selection.SAMPLED, seed);
      assertArrayEquals(sampled, RelationContext.compute(g, 2, RelationContext.Selection.SAMPLED, seed), "seeded");
      java.util.Set<Integer> pick = java.util.Set.of(sampled[h * 2], sampled[h * 2 + 1]);
      assertEquals(2, pick.size(), "two distinct tokens");
      assertTrue(hTokens.containsAll(pick), "a subset of h's own relation tokens: " + pick);
      seen.add(pick);
      differsFromFrequent |= !pick.equals(java.util.Set.of(frequent[h * 2], frequent[h * 2 + 1]));
    }
    assertTrue(differsFromFrequent, "sampling must sometimes pick other tokens than the most frequent ones");
    assertTrue(seen.size() >= 2, "different seeds give different samples: " + seen);
  }

  private static int indexOf(CsrGraph g, String rel) {
    return g.relationNames().indexOf(rel);
  }

  @Test
  void anchorStrategies() {
    CsrGraph g = randomGraph(500, 2000, 3, 4);
    int[] deg = AnchorStrategy.DEGREE.select(g, 10, 1);
    for (int i = 1; i < deg.length; i++) {
      assertTrue(g.degree(deg[i - 1]) >= g.degree(deg[i]));
    }
    int[] mixed = AnchorStrategy.MIXED.select(g, 50, 1);
    assertEquals(50, mixed.length);
    assertEquals(50, Arrays.stream(mixed).distinct().count(), "no duplicates");
    assertArrayEquals(Arrays.copyOf(deg, 10), Arrays.copyOf(mixed, 10), "the degree share comes first");
    assertEquals(32, AnchorStrategy.defaultCount(500));
    assertEquals(1000, AnchorStrategy.defaultCount(1_000_000));
    var e = assertThrows(InvalidInputException.class, () -> AnchorStrategy.RANDOM.select(g, 501, 1));
    assertTrue(e.getMessage().contains("node count 500"), e.getMessage());
    var k0 = assertThrows(IllegalArgumentException.class,
        () -> NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withK(0), ProgressListener.NONE));
    assertTrue(k0.getMessage().contains("k must be >= 1"), k0.getMessage());
  }

  @Test
  void jsonlOutputAndInductiveTokenization() throws IOException {
    CsrGraph g = randomGraph(400, 1500, 5, 6);
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(20).withK(4).withM(2),
        ProgressListener.NONE);
    Path out = dir.resolve("tokens.jsonl");
    new io.distok.graph.sink.JsonlTokenSink(out).write(t, ProgressListener.NONE);
    List<String> lines = Files.readAllLines(out);
    assertEquals(400, lines.size());
    Map<String, Object> first = JSON.std.mapFrom(lines.get(0));
    assertEquals("n0", first.get("node"));
    assertEquals(6, ((List<?>) first.get("tokens")).size());
    // an unseen node linked to n1 and n2 gets their anchors one hop further
    InductiveTokenizer ind = InductiveTokenizer.of(t);
    List<InductiveTokenizer.Edge> edges = List.of(new InductiveTokenizer.Edge("r1", "n1", true),
        new InductiveTokenizer.Edge("r2", "n2", false));
    List<String> tokens = ind.tokenize(edges);
    assertEquals(6, tokens.size());
    int[] l1 = ind.labelsOf("n1");
    assertEquals("<anchor_" + nearest(ind, "n1", "n2") + ">", tokens.get(0));
    assertTrue(l1.length > 0);
    ind.save(dir.resolve("vocab"));
    InductiveTokenizer back = InductiveTokenizer.load(dir.resolve("vocab"));
    assertEquals(tokens, back.tokenize(edges));
    var e = assertThrows(InvalidInputException.class,
        () -> back.tokenize(List.of(new InductiveTokenizer.Edge("r1", "ghost", true))));
    assertTrue(e.getMessage().contains("unknown node id 'ghost'"), e.getMessage());
  }

  /** The anchor rank the unseen node should list first: smallest (distance, rank) among its neighbours. */
  private static int nearest(InductiveTokenizer t, String... neighbours) {
    long best = Long.MAX_VALUE;
    for (String n : neighbours) {
      int[] p = t.labelsOf(n);
      for (int j = 0; j < p.length; j += 2) {
        best = Math.min(best, ((long) p[j + 1] << 32) | p[j]);
      }
    }
    return (int) best;
  }

  @Test
  void configBuilderAndWithersAgree() {
    NodePieceConfig a = NodePieceConfig.builder().k(4).m(2).anchors(9).seed(3).directed(true).build();
    assertEquals(NodePieceConfig.DEFAULT.withK(4).withM(2).withAnchors(9).withSeed(3).withDirected(true), a);
    assertThrows(IllegalArgumentException.class, () -> NodePieceConfig.builder().k(0).build());
  }
}
