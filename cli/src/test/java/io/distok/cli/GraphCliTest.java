package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.testdata.SyntheticGraphs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCliTest {
  @TempDir
  Path dir;

  private Path kg() throws IOException {
    StringBuilder sb = new StringBuilder();
    SyntheticGraphs.generate(800, 3000, 7, 5, (h, r, t) -> sb.append('e').append(h).append("\tr").append(r)
        .append("\te").append(t).append("\r\n"));
    Path f = dir.resolve("kg.txt");
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void tokenizeWritesOneJsonObjectPerNode() throws IOException {
    Path kg = kg();
    Path out = dir.resolve("tokens.jsonl");
    CliTest.Run r = CliTest.run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "40", "--k", "6",
        "--m", "3", "--out", out.toString(), "--vocab-out", dir.resolve("vocab").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("unique token sets"), r.out());
    List<String> lines = Files.readAllLines(out);
    Map<String, Object> first = JSON.std.mapFrom(lines.get(0));
    assertEquals(9, ((List<?>) first.get("tokens")).size());
    assertTrue(Files.exists(dir.resolve("vocab/vocabulary.json")));
    Path tsv = dir.resolve("tokens.tsv");
    assertEquals(0, CliTest.run("graph", "tokenize", "--triples", kg.toString(), "--k", "4", "--m", "2", "--out",
        tsv.toString()).code());
    List<String> tsvLines = Files.readAllLines(tsv);
    assertEquals(lines.size(), tsvLines.size());
    assertEquals(3, tsvLines.get(0).split("\t").length, "node, tokens, anchor:distance pairs");
  }

  @Test
  void promptAndStats() throws IOException {
    Path kg = kg();
    CliTest.Run p = CliTest.run("graph", "prompt", "--triples", kg.toString(), "--node", "e5", "--encoding", "all",
        "--budget-tokens", "200", "--k", "4", "--m", "2", "--anchors", "20");
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("--- triples"), p.out());
    io.distok.graph.csr.CsrGraph.Builder b = new io.distok.graph.csr.CsrGraph.Builder();
    io.distok.graph.source.TripleFiles.readInto(kg, true, b);
    var t = io.distok.graph.nodepiece.NodePieceTokenizer.tokenize(b.build(),
        io.distok.graph.nodepiece.NodePieceConfig.DEFAULT.withAnchors(20).withK(4).withM(2),
        io.distok.util.ProgressListener.NONE);
    assertTrue(p.out().contains("\ne5: " + String.join(" ", t.tokens("e5")) + "\n"),
        "the prompt carries e5's own tokens " + t.tokens("e5") + ": " + p.out());
    CliTest.Run s = CliTest.run("graph", "stats", "--triples", kg.toString());
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().contains("3,000 edges, 7 relations"), s.out());
    assertFalse(s.out().contains("CsrGraph["), s.out());
    CliTest.Run unknown = CliTest.run("graph", "prompt", "--triples", kg.toString(), "--node", "nobody");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, unknown.code());
    assertTrue(unknown.err().contains("unknown node id 'nobody'"), unknown.err());
  }

  /** Batch mode with names, labels, a template and a real tokenizer; its option conflicts are usage errors. */
  @Test
  void promptBatchWithNamesLabelsTemplateAndTokenizer() throws IOException {
    Path kg = kg();
    Path names = dir.resolve("names.tsv");
    Files.writeString(names, "e1\tFirst entity\tthe first one\ne2\tSecond entity\n");
    Path labels = dir.resolve("labels.tsv");
    Files.writeString(labels, "e1\tgood\ne2\tbad\n");
    Path nodes = dir.resolve("nodes.txt");
    Files.writeString(nodes, "e1\ne2\ne3\n");
    Path template = dir.resolve("template.txt");
    Files.writeString(template, "Classify {node}.\n{graph}{question}\n");
    Path out = dir.resolve("prompts.jsonl");
    CliTest.Run r = CliTest.run("graph", "prompt", "--triples", kg.toString(), "--nodes", nodes.toString(), "--out",
        out.toString(), "--node-names", names.toString(), "--labels", labels.toString(), "--template",
        template.toString(), "--question", "Good or bad?", "--budget-tokens", "150", "--tokenizer", "cl100k_base");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote 3 prompts to " + out) && r.out().contains("cl100k_base tokens: max"),
        r.out());
    List<String> lines = Files.readAllLines(out);
    assertEquals(3, lines.size());
    Map<String, Object> first = JSON.std.mapFrom(lines.get(0));
    assertEquals("e1", first.get("node"));
    assertEquals("good", first.get("label"));
    String prompt = (String) first.get("prompt");
    assertTrue(prompt.startsWith("Classify First entity [e1].\nGraph around First entity [e1]"), prompt);
    assertTrue(prompt.contains("\nFirst entity [e1]: the first one\n"), prompt);
    assertTrue(prompt.endsWith("Good or bad?\n"), prompt);
    int count = ((Number) first.get("count")).intValue();
    assertTrue(count <= 150, "count " + count);
    assertEquals(io.distok.graph.prompt.TiktokenCounter.forName("cl100k_base").orElseThrow().count(prompt), count);
    assertEquals(null, JSON.std.mapFrom(lines.get(2)).get("label"));

    Path all = dir.resolve("all.jsonl");
    Path vocab = dir.resolve("graph-vocab");
    r = CliTest.run("graph", "prompt", "--triples", kg.toString(), "--all", "--out", all.toString(), "--encoding",
        "tokens", "--anchors", "20", "--k", "4", "--m", "2", "--vocab-out", vocab.toString(), "--threads", "2");
    assertEquals(0, r.code(), r.err());
    io.distok.graph.csr.CsrGraph.Builder b = new io.distok.graph.csr.CsrGraph.Builder();
    io.distok.graph.source.TripleFiles.readInto(kg, true, b);
    assertEquals(b.build().nodeCount(), Files.readAllLines(all).size(), "one record per node");
    List<?> added = JSON.std.listFrom(Files.readString(vocab.resolve("added_tokens.json")));
    assertTrue(added.contains("<anchor_0>") && added.contains("[UNREACHABLE]"), added.toString());
    assertEquals(added.size(), Files.readAllLines(vocab.resolve("vocabulary.txt")).size());

    String[][] conflicts = {
        {"--node", "e1", "--all", "--out", all.toString()},
        {"--all"},
        {"--node", "e1", "--out", all.toString()},
        {"--all", "--out", all.toString(), "--encoding", "all"},
        {"--node", "e1", "--budget-tokens", "50", "--tokenizer", "no_such_encoding"},
        {"--node", "e1", "--vocab-out", vocab.toString()},
        {"--node", "e1", "--name-property", "name"}};
    for (String[] c : conflicts) {
      List<String> args = new java.util.ArrayList<>(List.of("graph", "prompt", "--triples", kg.toString()));
      args.addAll(List.of(c));
      CliTest.Run bad = CliTest.run(args.toArray(String[]::new));
      assertEquals(DistokCommand.EXIT_USAGE, bad.code(), String.join(" ", c) + ": " + bad.err());
    }
    Files.writeString(nodes, "e1\nnobody\n");
    Path none = dir.resolve("none.jsonl");
    CliTest.Run badNode = CliTest.run("graph", "prompt", "--triples", kg.toString(), "--nodes", nodes.toString(),
        "--out", none.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, badNode.code());
    assertTrue(badNode.err().contains(nodes + ", line 2: node 'nobody' is not in the graph"), badNode.err());
    assertFalse(Files.exists(none));
  }

  @Test
  void badInputFailsWithoutOutput() throws IOException {
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "a\tr\tb\nc\td\n");
    Path out = dir.resolve("out.jsonl");
    CliTest.Run r = CliTest.run("graph", "tokenize", "--triples", bad.toString(), "--out", out.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code());
    assertTrue(r.err().contains("bad.txt, line 2"), r.err());
    assertFalse(Files.exists(out));
    Path kg = kg();
    r = CliTest.run("graph", "tokenize", "--triples", kg.toString(), "--k", "0", "--out", out.toString());
    assertEquals(DistokCommand.EXIT_USAGE, r.code());
    assertTrue(r.err().contains("k must be >= 1"), r.err());
    r = CliTest.run("graph", "tokenize", "--triples", kg.toString(), "--anchors", "5000", "--out", out.toString());
    assertTrue(r.err().contains("is larger than the node count"), r.err());
    assertFalse(Files.exists(out));
    r = CliTest.run("graph", "tokenize", "--neo4j-uri", "bolt://127.0.0.1:1", "--neo4j-password", "x",
        "--diagnostics-only");
    assertEquals(DistokCommand.EXIT_UNAVAILABLE, r.code());
    assertTrue(r.err().contains("unreachable"), r.err());
  }

  @Test
  void helpOnEveryGraphCommand() {
    for (String sub : new String[] {"tokenize", "prompt", "stats"}) {
      CliTest.Run r = CliTest.run("graph", sub, "--help");
      assertEquals(0, r.code(), sub);
      assertTrue(r.out().contains("Usage:"), sub);
    }
  }
}
