package io.distok.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.distok.graph.anchor.PageRankOracle;
import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.NodeText;
import io.distok.graph.prompt.PersonalizedPageRank;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.prompt.PromptTemplate;
import io.distok.graph.prompt.RelationLabels;
import io.distok.graph.prompt.TiktokenCounter;
import io.distok.graph.prompt.TokenCounter;
import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.util.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Randomized properties of graphs, prompts and saved vocabularies; jqwik prints each run's seed. */
class GraphPropertiesTest {

  /** A random multigraph with self-loops, parallel edges and isolated nodes. */
  static CsrGraph randomGraph(SplittableRandom rng, int n, int edges, int relations, boolean selfLoops) {
    CsrGraph.Builder b = new CsrGraph.Builder();
    for (int v = 0; v < n; v++) {
      b.addNode("n" + v);
    }
    for (int e = 0; e < edges; e++) {
      int h = rng.nextInt(n);
      int t = rng.nextInt(n);
      if (h == t && !selfLoops) {
        continue;
      }
      b.addEdge("n" + h, "r" + rng.nextInt(relations), "n" + t);
    }
    return b.build();
  }

  /** Out-degrees sum to E, in-degrees too, and the in-lists are exactly the transposed out-lists. */
  @Property(tries = 50)
  void csrDegreeSumsAndTransposition(@ForAll @IntRange(min = 1, max = 60) int n,
      @ForAll @IntRange(min = 0, max = 300) int edges, @ForAll long seed) {
    CsrGraph g = randomGraph(new SplittableRandom(seed), n, edges, 3, true);
    long outSum = 0;
    long inSum = 0;
    List<String> out = new ArrayList<>();
    List<String> in = new ArrayList<>();
    for (int v = 0; v < g.nodeCount(); v++) {
      outSum += g.outEnd(v) - g.outStart(v);
      inSum += g.inEnd(v) - g.inStart(v);
      assertEquals(g.outEnd(v) - g.outStart(v) + g.inEnd(v) - g.inStart(v), g.degree(v), "degree of " + v);
      for (int e = g.outStart(v); e < g.outEnd(v); e++) {
        out.add(v + ">" + g.outRelation(e) + ">" + g.outTarget(e));
      }
      for (int e = g.inStart(v); e < g.inEnd(v); e++) {
        in.add(g.inSource(e) + ">" + g.inRelation(e) + ">" + v);
      }
    }
    assertEquals(g.edgeCount(), outSum);
    assertEquals(g.edgeCount(), inSum);
    Collections.sort(out);
    Collections.sort(in);
    assertEquals(out, in);
  }

  /** distok's PageRank (undirected, damping 0.85) agrees with JGraphT's own PageRank on random multigraphs. */
  @Property(tries = 30)
  void pageRankMatchesJGraphT(@ForAll @IntRange(min = 2, max = 80) int n,
      @ForAll @IntRange(min = 1, max = 400) int edges, @ForAll long seed) {
    CsrGraph g = randomGraph(new SplittableRandom(seed), n, edges, 2, false);
    double[][] both = PageRankOracle.distokAndJGraphT(g, 100);
    for (int v = 0; v < n; v++) {
      assertEquals(both[1][v], both[0][v], 1e-9, "node " + g.nodeName(v));
    }
  }

  /** A prompt never exceeds its budget, and a budget too small for the header is a clear error. */
  @Property(tries = 60)
  void promptsStayWithinTheirBudget(@ForAll @IntRange(min = 2, max = 40) int n,
      @ForAll @IntRange(min = 1, max = 150) int edges, @ForAll @IntRange(min = 1, max = 1500) int budget,
      @ForAll @IntRange(min = 0, max = 2) int encoding, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    CsrGraph g = randomGraph(rng, n, edges, 4, true);
    PromptEncoding e = PromptEncoding.values()[encoding];
    NodeTokenization t = e == PromptEncoding.TOKENS ? NodePieceTokenizer.tokenize(g,
        NodePieceConfig.DEFAULT.withAnchors(Math.min(n, 3)).withK(2).withM(1), ProgressListener.NONE) : null;
    GraphPrompter p = new GraphPrompter(g, t);
    String focal = g.nodeName(rng.nextInt(n));
    GraphPrompter.Options o = new GraphPrompter.Options(1 + rng.nextInt(3), 50, budget);
    String full = p.prompt(focal, e, new GraphPrompter.Options(o.radius(), 50, 0));
    try {
      String text = p.prompt(focal, e, o);
      assertTrue(text.length() <= budget, text.length() + " > " + budget + ":\n" + text);
      if (full.length() <= budget) {
        assertEquals(full, text, "nothing is cut when everything fits");
      } else {
        assertTrue(text.contains("omitted for length"), text);
      }
    } catch (InvalidInputException ex) {
      assertTrue(ex.getMessage().contains("too small"), ex.getMessage());
      String header = full.substring(0, full.indexOf('\n') + 1);
      // the header, the focal node's line (tokens) and the note of what was left out must fit together
      assertTrue(header.length() + 120 > budget, "refused although the header fits: " + budget);
    }
  }

  /**
   * With a real tokenizer (cl100k_base) the budget holds for every encoding and ranking, also with names,
   * descriptions and a template; the reported count is the tokenizer's count of the returned text; a larger
   * budget never keeps fewer edges.
   */
  @Property(tries = 80)
  void promptsStayWithinARealTokenizerBudget(@ForAll @IntRange(min = 2, max = 40) int n,
      @ForAll @IntRange(min = 1, max = 200) int edges, @ForAll @IntRange(min = 20, max = 600) int budget,
      @ForAll @IntRange(min = 0, max = 3) int encoding, @ForAll boolean ppr, @ForAll boolean template,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    CsrGraph g = randomGraph(rng, n, edges, 5, true);
    PromptEncoding e = PromptEncoding.values()[encoding];
    NodeTokenization t = e == PromptEncoding.TOKENS ? NodePieceTokenizer.tokenize(g,
        NodePieceConfig.DEFAULT.withAnchors(Math.min(n, 3)).withK(2).withM(1), ProgressListener.NONE) : null;
    NodeText.Builder names = new NodeText.Builder();
    String[] words = {"Paris", "Ünïcødé name", "東京", "a, b (c)", "x".repeat(30), "Alice"};
    for (int v = 0; v < n; v++) {
      if (rng.nextInt(3) > 0) {
        names.name(v, words[rng.nextInt(words.length)] + (rng.nextBoolean() ? "" : " " + v));
      }
      if (rng.nextInt(4) == 0) {
        names.description(v, "described as " + words[rng.nextInt(words.length)]);
      }
      if (rng.nextInt(4) == 0) {
        names.attribute(v, "year", Integer.toString(1900 + rng.nextInt(120)));
      }
    }
    GraphPrompter p = new GraphPrompter(g, t, names.build(), RelationLabels.readable(g));
    TokenCounter cl100k = TiktokenCounter.forName("cl100k_base").orElseThrow();
    GraphPrompter.Options o = new GraphPrompter.Options(1 + rng.nextInt(2), 5 + rng.nextInt(40), budget, cl100k,
        ppr ? GraphPrompter.Ranking.PPR : GraphPrompter.Ranking.HOPS);
    PromptTemplate tpl = template ? new PromptTemplate("Question about {node}: {question}\n{graph}Answer:",
        "which class?") : PromptTemplate.GRAPH_ONLY;
    String focal = g.nodeName(rng.nextInt(n));
    try {
      GraphPrompter.Prompt r = tpl.apply(p, focal, e, o);
      assertTrue(r.count() <= budget, r.count() + " > " + budget + ":\n" + r.text());
      assertEquals(TiktokenCounter.forName("cl100k_base").orElseThrow().count(r.text()), r.count());
      GraphPrompter.Prompt more = tpl.apply(p, focal, e, o.withBudget(budget + 100, cl100k));
      assertTrue(more.unitsKept() >= r.unitsKept(), more.unitsKept() + " < " + r.unitsKept());
    } catch (InvalidInputException ex) {
      assertTrue(ex.getMessage().contains("too small"), ex.getMessage());
      assertTrue(budget < 200, "refused a budget of " + budget + ": " + ex.getMessage());
    }
  }

  /**
   * The local-push PPR undershoots the exact personalized PageRank (power iteration on the undirected view,
   * restart at the source) by less than epsilon times each node's degree, and its scores sum to at most 1.
   */
  @Property(tries = 40)
  void personalizedPageRankIsWithinItsBound(@ForAll @IntRange(min = 1, max = 50) int n,
      @ForAll @IntRange(min = 0, max = 200) int edges, @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    CsrGraph g = randomGraph(rng, n, edges, 2, true);
    int source = rng.nextInt(n);
    double alpha = 0.15;
    double epsilon = 1e-3;
    PersonalizedPageRank ppr = new PersonalizedPageRank(g, alpha, epsilon);
    PersonalizedPageRank.Workspace w = ppr.workspace();
    ppr.compute(source, w);
    double[] exact = new double[n];
    double[] next = new double[n];
    exact[source] = 1;
    for (int it = 0; it < 2000; it++) {
      java.util.Arrays.fill(next, 0);
      next[source] += alpha;
      for (int v = 0; v < n; v++) {
        int deg = g.degree(v);
        if (deg == 0) {
          next[source] += (1 - alpha) * exact[v]; // a dead end restarts
          continue;
        }
        double share = (1 - alpha) * exact[v] / deg;
        for (int e = g.outStart(v); e < g.outEnd(v); e++) {
          next[g.outTarget(e)] += share;
        }
        for (int e = g.inStart(v); e < g.inEnd(v); e++) {
          next[g.inSource(e)] += share;
        }
      }
      double[] swap = exact;
      exact = next;
      next = swap;
    }
    double sum = 0;
    for (int v = 0; v < n; v++) {
      sum += w.score(v);
      if (g.degree(source) == 0) {
        continue; // the push keeps all mass at an isolated source; nothing else to compare
      }
      assertTrue(w.score(v) <= exact[v] + 1e-9, "node " + v + ": " + w.score(v) + " > exact " + exact[v]);
      assertTrue(exact[v] - w.score(v) <= epsilon * Math.max(1, g.degree(v)) * 1.0001 + 1e-9 || g.degree(v) == 0,
          "node " + v + ": exact " + exact[v] + ", push " + w.score(v));
    }
    assertTrue(sum <= 1 + 1e-9, "scores sum to " + sum);
    ppr.compute(source, w);
    double again = 0;
    for (int v = 0; v < n; v++) {
      again += w.score(v);
    }
    assertEquals(sum, again, 0.0, "a reused workspace gives the same scores");
  }

  /** Node names with tabs, quotes and line breaks survive a save and a load of the vocabulary. */
  @Property(tries = 10)
  void inductiveVocabularyRoundTripsAnyNodeName(@ForAll long seed) throws IOException {
    SplittableRandom rng = new SplittableRandom(seed);
    CsrGraph.Builder b = new CsrGraph.Builder();
    String[] odd = {"tab\there", "quote\"d", "line\nbreak", "comma,name", " spaced ", "plain"};
    for (int e = 0; e < 40; e++) {
      b.addEdge(odd[rng.nextInt(odd.length)] + rng.nextInt(5), "r" + rng.nextInt(3), "n" + rng.nextInt(8));
    }
    CsrGraph g = b.build();
    NodeTokenization t = NodePieceTokenizer.tokenize(g, NodePieceConfig.DEFAULT.withAnchors(3).withK(2).withM(1),
        ProgressListener.NONE);
    Path dir = Files.createTempDirectory("vocab");
    try {
      InductiveTokenizer saved = InductiveTokenizer.of(t);
      saved.save(dir.resolve("v"));
      InductiveTokenizer back = InductiveTokenizer.load(dir.resolve("v"));
      for (int v = 0; v < g.nodeCount(); v++) {
        List<InductiveTokenizer.Edge> edges = List.of(new InductiveTokenizer.Edge("r0", g.nodeName(v), true));
        assertEquals(saved.tokenize(edges), back.tokenize(edges), "a new node next to " + g.nodeName(v));
      }
      String meta = Files.readString(dir.resolve("v/vocabulary.json"));
      Files.writeString(dir.resolve("v/vocabulary.json"), meta.replace("\"formatVersion\" : 2",
          "\"formatVersion\" : 1"));
      var ex = assertThrows(InvalidInputException.class, () -> InductiveTokenizer.load(dir.resolve("v")));
      assertTrue(ex.getMessage().contains("format version 1"), ex.getMessage());
    } finally {
      AtomicFiles.deleteRecursively(dir);
    }
  }
}
