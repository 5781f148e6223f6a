package io.distok.lucene.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.lucene.index.ItemIndexWriter;
import io.distok.lucene.index.NodeIndexWriter;
import io.distok.testdata.SyntheticGraphs;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Node search by token overlap on a real on-disk index of a generated knowledge graph; seeds are printed. */
class NodeSearchTest {

  static Path freshDir(String name) throws IOException {
    Path dir = Path.of("target", "indexes", name + "-" + System.nanoTime());
    Files.createDirectories(dir.getParent());
    return dir;
  }

  /** The edges of node v, as an unseen node with the same neighbourhood would have them. */
  static List<InductiveTokenizer.Edge> edgesOf(CsrGraph g, int v) {
    List<InductiveTokenizer.Edge> edges = new ArrayList<>();
    for (int e = g.outStart(v); e < g.outEnd(v); e++) {
      edges.add(new InductiveTokenizer.Edge(g.relationName(g.outRelation(e)), g.nodeName(g.outTarget(e)), true));
    }
    for (int e = g.inStart(v); e < g.inEnd(v); e++) {
      edges.add(new InductiveTokenizer.Edge(g.relationName(g.inRelation(e)), g.nodeName(g.inSource(e)), false));
    }
    return edges;
  }

  @Test
  void similarNodesShareWeightedAnchorsAndUnseenNodesFindTheirTwins() throws IOException {
    long seed = new SplittableRandom().nextLong();
    System.out.println("node search seed " + seed);
    CsrGraph g = SyntheticGraphs.csr(800, 4000, 6, 17);
    NodeTokenization tokens = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(40).withK(8)
        .withM(4), ProgressListener.NONE);
    Path dir = freshDir("nodes");
    assertEquals(800, new NodeIndexWriter(dir, 8).write(tokens, ProgressListener.NONE));
    InductiveTokenizer inductive = InductiveTokenizer.of(tokens);
    SplittableRandom rng = new SplittableRandom(seed);
    try (NodeSearcher s = NodeSearcher.open(dir)) {
      assertEquals(800, s.size());
      int twinsFound = 0;
      int trials = 30;
      for (int trial = 0; trial < trials; trial++) {
        int v = rng.nextInt(g.nodeCount());
        String node = g.nodeName(v);
        List<NodeSearcher.Hit> hits = s.similar(node, 10);
        assertFalse(hits.isEmpty(), node);
        double last = Double.MAX_VALUE;
        java.util.Set<String> mine = new java.util.HashSet<>();
        tokens.nearestAnchors(v).forEach(a -> mine.add(a.anchor()));
        for (NodeSearcher.Hit h : hits) {
          assertFalse(h.node().equals(node), "the node itself is left out");
          assertTrue(h.score() <= last, "best first");
          last = h.score();
        }
        assertTrue(hits.get(0).anchors().stream().anyMatch(a -> mine.contains(a.anchor()))
            || !hits.get(0).relations().isEmpty(), "the best hit shares a token (seed " + seed + ")");
        // an unseen node with v's edges has v's anchors (one hop beyond its neighbours') and relations
        List<InductiveTokenizer.Edge> edges = edgesOf(g, v);
        if (!edges.isEmpty() && !java.util.Arrays.stream(tokens.anchorNodes()).anyMatch(a -> a == v)) {
          List<NodeSearcher.Hit> twin = s.similarToUnseen(inductive, edges, 10);
          if (twin.stream().anyMatch(h -> h.node().equals(node))) {
            twinsFound++;
          }
        }
      }
      // the twin's anchors are its neighbours' plus one hop, ties by anchor rank, while an indexed node breaks ties
      // among equidistant anchors node by node, so the two token sets can differ in a few anchors; by chance the
      // node would be among the top 10 of 800 about 1% of the time
      System.out.println(twinsFound + " of " + trials + " twins in the top 10");
      assertTrue(twinsFound >= trials / 2, twinsFound + " of " + trials + " twins in the top 10 (seed " + seed
          + ")");
      var e = assertThrows(InvalidInputException.class, () -> s.similar("no-such-node", 5));
      assertTrue(e.getMessage().contains("'no-such-node' is not in the index"), e.getMessage());
      NodeTokenization other = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(20).withK(8)
          .withM(4), ProgressListener.NONE);
      e = assertThrows(InvalidInputException.class, () -> s.similarToUnseen(InductiveTokenizer.of(other),
          edgesOf(g, 0), 3));
      assertTrue(e.getMessage().contains("another tokenization"), e.getMessage());
    }
  }

  @Test
  void itemAndNodeIndexesAreNotMixedUp() throws IOException {
    Path dir = ItemSearchTest.indexAll("not-nodes", false);
    CsrGraph g = SyntheticGraphs.csr(50, 200, 2, 3);
    NodeTokenization tokens = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(5).withK(3)
        .withM(2), ProgressListener.NONE);
    var e = assertThrows(InvalidInputException.class, () -> new NodeIndexWriter(dir, 8).write(tokens,
        ProgressListener.NONE));
    assertTrue(e.getMessage().contains("an index of items"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> NodeSearcher.open(dir));
    assertTrue(e.getMessage().contains("an index of items, not of nodes"), e.getMessage());
    Path nodes = freshDir("nodes-not-items");
    new NodeIndexWriter(nodes, 8).write(tokens, ProgressListener.NONE);
    e = assertThrows(InvalidInputException.class, () -> ItemSearcher.open(nodes, ItemSearchTest.model, "m"));
    assertTrue(e.getMessage().contains("an index of nodes, not of items"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> ItemIndexWriter.open(nodes, ItemSearchTest.model, false,
        "m"));
    assertTrue(e.getMessage().contains("an index of nodes"), e.getMessage());
  }
}
