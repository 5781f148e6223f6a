package io.distok.graph.anchor;

import io.distok.graph.csr.CsrGraph;
import java.util.Map;
import org.jgrapht.Graph;
import org.jgrapht.alg.scoring.PageRank;
import org.jgrapht.graph.DefaultEdge;
import org.jgrapht.graph.Pseudograph;

/** distok's PageRank next to JGraphT's {@link PageRank} on the same undirected multigraph, as the oracle. */
public final class PageRankOracle {
  private PageRankOracle() {}

  /** {@code [distok scores, JGraphT scores]} by node id, damping 0.85, {@code iterations} iterations each. */
  public static double[][] distokAndJGraphT(CsrGraph g, int iterations) {
    Graph<Integer, DefaultEdge> jg = new Pseudograph<>(DefaultEdge.class);
    for (int v = 0; v < g.nodeCount(); v++) {
      jg.addVertex(v);
    }
    for (int v = 0; v < g.nodeCount(); v++) {
      for (int e = g.outStart(v); e < g.outEnd(v); e++) {
        jg.addEdge(v, g.outTarget(e));
      }
    }
    Map<Integer, Double> oracle = new PageRank<>(jg, 0.85, iterations, Double.MIN_VALUE).getScores();
    double[] theirs = new double[g.nodeCount()];
    for (int v = 0; v < theirs.length; v++) {
      theirs[v] = oracle.get(v);
    }
    return new double[][] {PageRankAnchors.pageRank(g, 0.85, iterations), theirs};
  }
}
