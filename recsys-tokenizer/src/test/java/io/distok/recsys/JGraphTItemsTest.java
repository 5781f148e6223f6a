package io.distok.recsys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.source.jgrapht.JGraphTVectors;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.testdata.SyntheticData;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;
import org.junit.jupiter.api.Test;

/** Items read from the vertices of an in-memory JGraphT graph. */
class JGraphTItemsTest {
  /** A vertex: users carry no embedding, items do. */
  record Node(String id, boolean item, float[] embedding) {}

  @Test
  void itemVerticesBecomeSemanticIds() {
    DefaultDirectedGraph<Node, DefaultEdge> g = new DefaultDirectedGraph<>(DefaultEdge.class);
    FloatMatrix x = SyntheticData.gaussianClusters(300, 6, 8, 0.3, 2);
    Node user = new Node("u1", false, null);
    g.addVertex(user);
    for (int i = 0; i < 300; i++) {
      Node item = new Node("item" + i, true, x.rowCopy(i));
      g.addVertex(item);
      if (i % 10 == 0) {
        g.addEdge(user, item);
      }
    }
    var nodes = JGraphTVectors.read(g, Node::item, Node::id, Node::embedding);
    assertEquals(300, nodes.ids().size());
    SemanticIdModel m = SemanticIdTrainer.fit(ItemEmbeddings.of(nodes), SemanticIdConfig.DEFAULT
        .withCodebookSizes(8, 8, 8).withNiter(5), ProgressListener.NONE);
    assertTrue(m.tokens("item7").startsWith("<a_"));
    g.addVertex(new Node("broken", true, null));
    var e = assertThrows(InvalidInputException.class,
        () -> JGraphTVectors.read(g, Node::item, Node::id, Node::embedding));
    assertTrue(e.getMessage().contains("vertex 'broken' has no vector"), e.getMessage());
  }
}
