package io.distok.graph.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.csr.CsrGraph;
import io.distok.util.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.jgrapht.graph.DirectedPseudograph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphSourcesTest {
  @TempDir
  Path dir;

  @Test
  void gzipCrlfTriples() throws IOException {
    Path f = dir.resolve("train.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("a\tlikes\tb\r\nb\tlikes\tc\r\n\r\n# comment\r\nc\towns\ta\r\na\tlikes\tb\r\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    CsrGraph g = TripleFiles.readTriples(f);
    assertEquals(3, g.nodeCount());
    assertEquals(4, g.edgeCount(), "parallel edges are kept");
    assertEquals(2, g.relationCount());
    int a = g.node("a");
    assertEquals(2, g.outDegree(a));
    assertEquals(1, g.inDegree(a));
    assertEquals("owns", g.relationName(g.inRelation(g.inStart(a))));
  }

  @Test
  void malformedLinesNameFileAndLine() throws IOException {
    Path f = dir.resolve("bad.txt");
    Files.writeString(f, "a\tr\tb\na\tb\n");
    var e = assertThrows(InvalidInputException.class, () -> TripleFiles.readTriples(f));
    assertTrue(e.getMessage().contains("bad.txt, line 2: expected 3 fields"), e.getMessage());
    Files.writeString(f, "a\t\tb\n");
    e = assertThrows(InvalidInputException.class, () -> TripleFiles.readTriples(f));
    assertTrue(e.getMessage().contains("line 1: field 2 is empty"), e.getMessage());
    Files.writeString(f, "\n# nothing\n");
    e = assertThrows(InvalidInputException.class, () -> TripleFiles.readTriples(f));
    assertTrue(e.getMessage().contains("empty graph"), e.getMessage());
  }

  @Test
  void edgeLists() throws IOException {
    Path f = dir.resolve("edges.tsv");
    Files.writeString(f, "1\t2\n2\t3\n3 4\n");
    CsrGraph g = TripleFiles.readEdgeList(f);
    assertEquals(4, g.nodeCount());
    assertEquals("edge", g.relationName(0));
  }

  /** JGraphT users look results up by their own vertex objects, here records that are not strings. */
  @Test
  void jgraphtResultsAreFoundByVertex() {
    record Place(int id, String kind) {}
    DirectedPseudograph<Place, String> g = new DirectedPseudograph<>(String.class);
    java.util.List<Place> places = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      places.add(new Place(i, i % 2 == 0 ? "city" : "town"));
      g.addVertex(places.get(i));
    }
    for (int i = 0; i < 30; i++) {
      g.addEdge(places.get(i), places.get((i * 7 + 3) % 30), "e" + i);
    }
    JGraphTSource.VertexGraph<Place> vg = JGraphTSource.read(g, e -> "road");
    io.distok.graph.nodepiece.NodeTokenization t = io.distok.graph.nodepiece.NodePieceTokenizer.tokenize(vg.graph(),
        io.distok.graph.nodepiece.NodePieceConfig.DEFAULT.withAnchors(5).withK(2).withM(1));
    for (Place p : places) {
      int v = vg.node(p);
      assertEquals(p, vg.vertices().get(v));
      assertEquals(String.valueOf(p), vg.graph().nodeName(v));
      assertEquals(t.tokens(String.valueOf(p)), t.tokens(v));
    }
    assertThrows(IllegalArgumentException.class, () -> vg.node(new Place(99, "city")));
  }

  @Test
  void jgraphtMultigraphWithSelfLoops() {
    DirectedPseudograph<String, String> g = new DirectedPseudograph<>(String.class);
    g.addVertex("x");
    g.addVertex("y");
    g.addVertex("lonely");
    g.addEdge("x", "y", "x-knows-y-1");
    g.addEdge("x", "y", "x-knows-y-2");
    g.addEdge("y", "y", "y-self-y");
    CsrGraph c = JGraphTSource.toCsr(g, v -> v, e -> e.split("-")[1]);
    assertEquals(3, c.nodeCount());
    assertEquals(3, c.edgeCount());
    assertEquals(2, c.outDegree(c.node("x")));
    assertEquals(4, c.degree(c.node("y")), "two in-edges from x plus a self-loop counted both ways");
    assertEquals(0, c.degree(c.node("lonely")));
    var e = assertThrows(InvalidInputException.class, () -> c.node("nobody"));
    assertTrue(e.getMessage().contains("unknown node id 'nobody'"), e.getMessage());
  }

  record Person(int id, String fullName, String job) {}

  /** Prompt names and descriptions come from the JGraphT vertices through any function of them. */
  @Test
  void promptTextFromJGraphTVertices() {
    DirectedPseudograph<Person, String> g = new DirectedPseudograph<>(String.class);
    Person ada = new Person(1, "Ada Lovelace", "mathematician");
    Person charles = new Person(2, "Charles Babbage", null);
    g.addVertex(ada);
    g.addVertex(charles);
    g.addEdge(ada, charles, "worked_with");
    JGraphTSource.VertexGraph<Person> vg = JGraphTSource.read(g, p -> "p" + p.id(), e -> e);
    io.distok.graph.prompt.NodeText text = io.distok.graph.prompt.NodeText.ofVertices(vg, Person::fullName,
        Person::job);
    assertEquals("Ada Lovelace", text.name(vg.node(ada)));
    assertEquals("mathematician", text.description(vg.node(ada)));
    assertEquals(null, text.description(vg.node(charles)));
    String prompt = new io.distok.graph.prompt.GraphPrompter(vg.graph(), null, text,
        io.distok.graph.prompt.RelationLabels.readable(vg.graph())).prompt("p1",
        io.distok.graph.prompt.PromptEncoding.TRIPLES, new io.distok.graph.prompt.GraphPrompter.Options(1, 10, 0));
    assertTrue(prompt.contains("\nAda Lovelace [p1]: mathematician\nCharles Babbage [p2]\n"), prompt);
    assertTrue(prompt.contains("\n(Ada Lovelace, worked_with, Charles Babbage)\n"), prompt);
  }
}
