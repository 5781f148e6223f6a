package io.distok.examples;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.NodeText;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.prompt.RelationLabels;
import io.distok.graph.prompt.TiktokenCounter;
import io.distok.graph.prompt.TokenCounter;
import io.distok.graph.source.JGraphTSource;
import io.distok.testdata.SyntheticGraphs;
import io.distok.util.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import org.jgrapht.Graph;

/**
 * Builds a knowledge graph in memory with JGraphT, tokenizes every node NodePiece-style (anchors + relations)
 * and prints the prompt of one node in every encoding, with names and descriptions taken from the vertices and a
 * budget counted by a real tokenizer.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp ... io.distok.examples.GraphPromptExample}.
 */
public final class GraphPromptExample {
  private GraphPromptExample() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    run(new PrintWriter(System.out, true), nodes, 42);
  }

  /** Runs the example on a generated graph of {@code nodes} nodes (5 edges per node, 12 relations). */
  public static NodeTokenization run(PrintWriter out, int nodes, long seed) {
    Graph<String, SyntheticGraphs.Edge> kg = SyntheticGraphs.jgrapht(nodes, 5L * nodes, 12, seed);
    JGraphTSource.VertexGraph<String> vg = JGraphTSource.read(kg, v -> v, SyntheticGraphs.Edge::relation);
    CsrGraph g = vg.graph();
    // names and descriptions from the vertices themselves: any vertex-to-text function works
    NodeText names = NodeText.ofVertices(vg, SyntheticGraphs::displayName, v -> "a " + SyntheticGraphs.kind(v));
    long t0 = System.nanoTime();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withK(8).withSeed(seed),
        ProgressListener.NONE);
    out.printf(Locale.ROOT, "tokenized a generated JGraphT knowledge graph in %.2f s%n", (System.nanoTime() - t0)
        / 1e9);
    out.print(t.diagnosticsTable());
    String focal = "e42";
    out.println(focal + " -> " + String.join(" ", t.tokens(focal)));
    GraphPrompter prompter = new GraphPrompter(g, t, names, RelationLabels.readable(g));
    TokenCounter cl100k = TiktokenCounter.forName("cl100k_base").orElseThrow();
    for (PromptEncoding e : PromptEncoding.values()) {
      out.println("--- prompt, " + e.name().toLowerCase(Locale.ROOT) + " encoding, 1 hop, budget 200 cl100k_base "
          + "tokens");
      out.print(prompter.prompt(focal, e, new GraphPrompter.Options(1, 12, 200, cl100k,
          GraphPrompter.Ranking.PPR)));
    }
    return t;
  }
}
