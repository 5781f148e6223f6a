package io.distok.spark.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.anchor.AnchorStrategy;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.AnchorTieBreak;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.nodepiece.RelationContext;
import io.distok.graph.source.TripleFiles;
import io.distok.spark.DistokSpark;
import io.distok.spark.LocalSpark;
import io.distok.testdata.SyntheticGraphs;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The Spark tokenizer gives the single-machine tokens, anchors and distances, whatever the partitioning. */
class SparkGraphTokenizerTest {

  static Path dir() throws IOException {
    return Files.createDirectories(Path.of("target", "spark-graph-tests"));
  }

  /** A generated graph's triples, shuffled so that node and relation first appearances are not in id order. */
  static Path triples(long seed, int nodes, long edges, int relations) throws IOException {
    List<String> lines = new ArrayList<>();
    SyntheticGraphs.generate(nodes, edges, relations, seed, (h, r, t) -> lines.add("n" + h + "\tr" + r + "\tn" + t));
    java.util.Collections.shuffle(lines, new java.util.Random(seed));
    lines.add(lines.size() / 2, "# a comment line");
    lines.add(lines.size() / 3, "");
    Path f = dir().resolve("kg-" + seed + ".tsv");
    Files.write(f, lines);
    return f;
  }

  @Property(tries = 6)
  void sameTokensAsOneMachine(@ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    int nodes = 60 + rng.nextInt(400);
    Path f = triples(seed, nodes, nodes * (1 + rng.nextInt(4)), 1 + rng.nextInt(6));
    CsrGraph g = TripleFiles.readTriples(f);
    NodePieceConfig config = NodePieceConfig.builder()
        .anchors(1 + rng.nextInt(Math.min(40, g.nodeCount())))
        .strategy(AnchorStrategy.values()[rng.nextInt(AnchorStrategy.values().length)])
        .k(1 + rng.nextInt(8))
        .m(rng.nextInt(6) - 1)
        .selection(RelationContext.Selection.values()[rng.nextInt(2)])
        .maxHops(1 + rng.nextInt(rng.nextBoolean() ? 3 : 40))
        .directed(rng.nextInt(4) == 0)
        .tieBreak(AnchorTieBreak.values()[rng.nextInt(2)])
        .seed(rng.nextLong())
        .build();
    int partitions = 1 + rng.nextInt(7);
    System.out.printf("seed %d: %d nodes, %d edges, %s, %d partitions%n", seed, g.nodeCount(), g.edgeCount(), config,
        partitions);
    NodeTokenization expected = NodePieceTokenizer.tokenize(g, config);
    SparkGraph sg = SparkGraph.read(LocalSpark.session(), f.toString(), true, partitions);
    assertEquals(g.nodeCount(), sg.nodeCount());
    assertEquals(g.relationNames(), sg.relationNames());
    SparkNodeTokenization actual = SparkGraphTokenizer.tokenize(sg, config);
    assertEquals(expected.fingerprint(), actual.fingerprint());
    assertEquals(expected.m(), actual.m());
    assertEquals(List.of(java.util.Arrays.stream(expected.anchorNodes()).boxed().toArray()),
        List.of(java.util.Arrays.stream(actual.anchorNodes()).boxed().toArray()));
    Map<String, NodeTokens> byName = new HashMap<>();
    for (NodeTokens n : actual.nodes().collect()) {
      byName.put(n.name(), n);
    }
    assertEquals(g.nodeCount(), byName.size());
    for (int v = 0; v < g.nodeCount(); v++) {
      NodeTokens n = byName.get(g.nodeName(v));
      assertNotNull(n, g.nodeName(v));
      assertEquals(v, n.id(), g.nodeName(v));
      assertEquals(expected.tokens(v), n.tokens(actual.vocabulary(), actual.k(), actual.m()), g.nodeName(v));
      List<NodeTokenization.AnchorDistance> near = expected.nearestAnchors(v);
      assertEquals(near.size(), n.distances().length, g.nodeName(v));
      for (int j = 0; j < near.size(); j++) {
        assertEquals(near.get(j).distance(), n.distances()[j], g.nodeName(v));
        assertEquals(near.get(j).anchor(), actual.vocabulary().anchorNames().get(n.anchorRanks()[j]));
      }
    }
  }

  @Test
  void writesTheTableVocabularyAndManifestAllOrNothing() throws IOException {
    Path f = triples(7, 150, 600, 4);
    SparkGraph sg = SparkGraph.read(LocalSpark.session(), f.toString(), true, 3);
    SparkNodeTokenization t = SparkGraphTokenizer.tokenize(sg, NodePieceConfig.builder().k(4).anchors(12).build());
    Path out = dir().resolve("out-tokens");
    Files.createDirectories(out);
    Files.writeString(out.resolve("stale.txt"), "replaced");
    t.write(LocalSpark.session(), out.toString());
    assertTrue(Files.notExists(out.resolve("stale.txt")));
    List<Row> rows = LocalSpark.session().read().parquet(out.resolve("tokens").toString()).collectAsList();
    assertEquals(sg.nodeCount(), rows.size());
    for (Row r : rows) {
      assertEquals(t.k() + t.m(), r.getList(r.fieldIndex("tokens")).size());
    }
    assertEquals(t.vocabulary().tokens(), Files.readAllLines(out.resolve("vocabulary.txt")));
    assertTrue(Files.readString(out.resolve("manifest.json")).contains(t.fingerprint()));
    try (var siblings = Files.list(out.getParent())) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".out-tokens.")));
    }
  }

  @Test
  void badLineIsNamedByFileAndLine() throws IOException {
    Path f = dir().resolve("bad.tsv");
    Files.write(f, List.of("a\tr\tb", "# comment", "b\tr"));
    Exception e = assertThrows(Exception.class, () -> SparkGraph.read(LocalSpark.session(), f.toString(), true, 2));
    InvalidInputException cause = DistokSpark.inputError(e);
    assertNotNull(cause, e.toString());
    assertTrue(cause.getMessage().contains("bad.tsv, line 3: expected 3 fields"), cause.getMessage());
  }
}
