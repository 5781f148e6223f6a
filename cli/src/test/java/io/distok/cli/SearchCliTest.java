package io.distok.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdStore;
import io.distok.testdata.SyntheticData;
import io.distok.util.FloatMatrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** distok index / distok search on real files and a real on-disk index. */
class SearchCliTest {
  @TempDir
  Path dir;

  private Path items(String name, int n, int from, long seed) throws IOException {
    return SemanticIdsCliTest.items(dir, name, n, from, seed);
  }

  @Test
  void indexThenSearchEveryWay() throws IOException {
    Path in = items("items.csv", 400, 0, 1);
    Path model = dir.resolve("sid");
    assertEquals(0, CliTest.run("semantic-ids", "fit", "--input", in.toString(), "--out", model.toString(),
        "--codebook-sizes", "8,8,8", "--niter", "5").code());
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      jsonl.append("{\"id\": \"i").append(i).append("\", \"title\": \"").append(i % 2 == 0 ? "red" : "blue")
          .append(" lipstick\", \"price\": ").append(i % 40).append("}\n");
    }
    Path fields = dir.resolve("fields.jsonl");
    Files.writeString(fields, jsonl);
    Path index = dir.resolve("index");
    CliTest.Run ix = CliTest.run("index", "items", "--model", model.toString(), "--input", in.toString(),
        "--fields", fields.toString(), "--index", index.toString(), "--vectors");
    assertEquals(0, ix.code(), ix.err());
    assertTrue(ix.out().contains("indexed 400 items (0 new to the model)"), ix.out());
    SemanticIdModel m = SemanticIdStore.load(model);
    String id0 = m.tokens("i0");
    String prefix = id0.substring(0, id0.indexOf('>') + 1);

    CliTest.Run p = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--prefix", prefix, "--k", "500", "--filter", "price<10", "--query", "red");
    assertEquals(0, p.code(), p.err());
    long expected = m.items().stream().filter(i -> m.tokens(i).startsWith(prefix)).filter(i -> {
      int n = Integer.parseInt(i.substring(1));
      return n % 40 < 10 && n % 2 == 0;
    }).count();
    assertEquals(expected, p.out().lines().filter(l -> l.matches("\\d+ .*")).count(), p.out());

    Path json = dir.resolve("hits.json");
    CliTest.Run v = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--vector-file", in.toString(), "--row", "3", "--k", "5", "--json", json.toString());
    assertEquals(0, v.code(), v.err());
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(json));
    List<?> hits = (List<?>) doc.get("hits");
    assertEquals("i3", ((Map<?, ?>) hits.get(0)).get("item"), "an indexed item is its own nearest neighbour");

    CliTest.Run r = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--resolve", "<sid>" + id0 + "</sid>");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("exact"), r.out());
    assertTrue(r.out().contains("i0 "), r.out());

    CliTest.Run rel = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--related", "i0", "--k", "3");
    assertEquals(0, rel.code(), rel.err());
    assertFalse(rel.out().contains("i0 "), rel.out());

    // new items: stable IDs, model updated in place; deleted items disappear
    Path more = items("more.csv", 20, 1000, 2);
    Path gone = dir.resolve("gone.txt");
    Files.writeString(gone, "i0\ni1\n");
    CliTest.Run up = CliTest.run("index", "items", "--model", model.toString(), "--input", more.toString(),
        "--delete", gone.toString(), "--index", index.toString());
    assertEquals(0, up.code(), up.err());
    assertTrue(up.out().contains("20 new to the model, model updated"), up.out());
    SemanticIdModel grown = SemanticIdStore.load(model);
    assertEquals(420, grown.size());
    CliTest.Run after = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--resolve", grown.tokens("i1005"));
    assertTrue(after.out().contains("i1005 "), after.out());
    CliTest.Run deleted = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--related", "i0");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, deleted.code());
    assertTrue(deleted.err().contains("'i0' is not in the index"), deleted.err());
  }

  /** Items the model knows are indexed from its exported token file, without vectors; a foreign ID is refused. */
  @Test
  void indexFromATokenFile() throws IOException {
    Path in = items("items.csv", 300, 0, 3);
    Path model = dir.resolve("sid");
    assertEquals(0, CliTest.run("semantic-ids", "fit", "--input", in.toString(), "--out", model.toString(),
        "--codebook-sizes", "8,8,8", "--niter", "5").code());
    Path export = dir.resolve("export");
    assertEquals(0, CliTest.run("semantic-ids", "export", "--model", model.toString(), "--out", export.toString())
        .code());
    Path index = dir.resolve("index");
    CliTest.Run ix = CliTest.run("index", "items", "--model", model.toString(), "--tokens",
        export.resolve("item2id.tsv").toString(), "--index", index.toString());
    assertEquals(0, ix.code(), ix.err());
    assertTrue(ix.out().contains("indexed 300 items"), ix.out());
    SemanticIdModel m = SemanticIdStore.load(model);
    CliTest.Run r = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--resolve", m.tokens("i17"));
    assertTrue(r.out().contains("i17 "), r.out());
    // vector search works from the codes when no vectors were indexed
    CliTest.Run v = CliTest.run("search", "items", "--model", model.toString(), "--index", index.toString(),
        "--vector-file", in.toString(), "--row", "17", "--k", "3");
    assertEquals(0, v.code(), v.err());
    String other = m.tokens("i18");
    Path bad = dir.resolve("bad.tsv");
    Files.writeString(bad, "item\ttokens\ni17\t" + other + "\n");
    CliTest.Run b = CliTest.run("index", "items", "--model", model.toString(), "--tokens", bad.toString(),
        "--index", index.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, b.code());
    assertTrue(b.err().contains("bad.tsv:2: item 'i17' has the ID"), b.err());
  }

  @Test
  void badInputGetsOneLineErrors() throws IOException {
    Path in = items("items.csv", 200, 0, 1);
    Path model = dir.resolve("sid");
    Path other = dir.resolve("other");
    assertEquals(0, CliTest.run("semantic-ids", "fit", "--input", in.toString(), "--out", model.toString(),
        "--codebook-sizes", "8,8", "--niter", "5").code());
    assertEquals(0, CliTest.run("semantic-ids", "fit", "--input", in.toString(), "--out", other.toString(),
        "--codebook-sizes", "8,8", "--niter", "5", "--seed", "7").code());
    Path index = dir.resolve("index");
    assertEquals(0, CliTest.run("index", "items", "--model", model.toString(), "--input", in.toString(), "--index",
        index.toString()).code());
    Path badFields = dir.resolve("bad.jsonl");
    Files.writeString(badFields, "{\"id\": \"i0\", \"price\": 3}\n{\"id\": \"i1\", \"price\": \"x\"}\n");
    String[][] cases = {
        {"wrong model", "built with model", "search", "items", "--model", other.toString(), "--index",
            index.toString(), "--prefix", "3"},
        {"wrong dimension", "query dimension 3 != 8", "search", "items", "--model", model.toString(), "--index",
            index.toString(), "--vector", "1,2,3"},
        {"malformed ID", "generated ID 'hello'", "search", "items", "--model", model.toString(), "--index",
            index.toString(), "--resolve", "hello"},
        {"missing index", "no such index directory", "search", "items", "--model", model.toString(), "--index",
            dir.resolve("nope").toString(), "--prefix", "1"},
        {"field type", "bad.jsonl:2: field 'price' holds text here but long before", "index", "items", "--model",
            model.toString(), "--input", in.toString(), "--index", index.toString(), "--fields", badFields.toString()},
        {"unknown filter field", "no field 'colour'", "search", "items", "--model", model.toString(), "--index",
            index.toString(), "--prefix", "1", "--filter", "colour=red"},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 2, c.length);
      CliTest.Run r = CliTest.run(args);
      assertEquals(DistokCommand.EXIT_BAD_INPUT, r.code(), c[0] + ": " + r.out() + r.err());
      assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), c[0] + ": one line, no stack trace: " + r.err());
    }
    for (String cmd : new String[] {"index", "search"}) {
      CliTest.Run h = CliTest.run(cmd, "items", "--help");
      assertEquals(0, h.code());
      assertTrue(h.out().contains("Usage:"), h.out());
    }
  }

  @Test
  void indexNodesThenSearchByNodeAndByUnseenEdges() throws IOException {
    StringBuilder sb = new StringBuilder();
    io.distok.testdata.SyntheticGraphs.generate(600, 2500, 5, 5, (h, r, t) -> sb.append('e').append(h)
        .append("\tr").append(r).append("\te").append(t).append('\n'));
    Path kg = dir.resolve("kg.txt");
    Files.writeString(kg, sb);
    Path index = dir.resolve("nodes");
    Path vocab = dir.resolve("vocab");
    CliTest.Run ix = CliTest.run("index", "nodes", "--triples", kg.toString(), "--anchors", "30", "--k", "6",
        "--index", index.toString(), "--vocab-out", vocab.toString());
    assertEquals(0, ix.code(), ix.err());
    assertTrue(ix.out().matches("(?s)indexed the tokens of 5\\d\\d nodes.*"), ix.out());
    CliTest.Run s = CliTest.run("search", "nodes", "--index", index.toString(), "--node", "e3", "--k", "5");
    assertEquals(0, s.code(), s.err());
    assertEquals(5, s.out().lines().filter(l -> l.matches("\\d+ .*")).count(), s.out());
    assertFalse(s.out().contains(" e3 "), s.out());
    // an unseen node with e3's edges finds e3 among its nearest
    StringBuilder edges = new StringBuilder();
    for (String line : Files.readAllLines(kg)) {
      String[] f = line.split("\t");
      if (f[0].equals("e3") && !f[2].equals("e3")) {
        edges.append("?\t").append(f[1]).append('\t').append(f[2]).append('\n');
      } else if (f[2].equals("e3") && !f[0].equals("e3")) {
        edges.append(f[0]).append('\t').append(f[1]).append("\t?\n");
      }
    }
    Path unseen = dir.resolve("unseen.tsv");
    Files.writeString(unseen, edges);
    CliTest.Run u = CliTest.run("search", "nodes", "--index", index.toString(), "--unseen", unseen.toString(),
        "--vocab", vocab.toString(), "--k", "5");
    assertEquals(0, u.code(), u.err());
    assertTrue(u.out().contains(" e3 "), u.out());
    Files.writeString(unseen, "e1\tr0\te2\n");
    CliTest.Run bad = CliTest.run("search", "nodes", "--index", index.toString(), "--unseen", unseen.toString(),
        "--vocab", vocab.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, bad.code());
    assertTrue(bad.err().contains("unseen.tsv:1: expected head<TAB>relation<TAB>tail"), bad.err());
    CliTest.Run h = CliTest.run("search", "nodes", "--help");
    assertEquals(0, h.code());
    assertEquals(0, CliTest.run("index", "nodes", "--help").code());
  }

  @Test
  void benchSearchComparesAgainstLuceneHnswInOneRun() throws IOException {
    Path json = dir.resolve("bench.json");
    CliTest.Run r = CliTest.run("bench", "search", "--generated", "3000", "--queries", "40", "--nearest-codes", "8",
        "--candidates", "300", "--oversample", "3", "--json", json.toString());
    assertEquals(0, r.code(), r.err());
    for (String method : new String[] {"Lucene HNSW float, 100 candidates", "Lucene HNSW 4-bit, 3x",
        "Lucene HNSW 1-bit, 3x", "distok code tokens t=8, 300 rescored from vectors",
        "distok code tokens t=8, 300 rescored from codes"}) {
      assertTrue(r.out().contains(method), method + " in\n" + r.out());
    }
    Map<String, Object> doc = JSON.std.mapFrom(Files.readString(json));
    List<?> rows = (List<?>) doc.get("rows");
    assertEquals(5, rows.size());
    Map<String, Double> recall = new java.util.HashMap<>();
    for (Object o : rows) {
      Map<?, ?> row = (Map<?, ?>) o;
      recall.put(row.get("method").toString(), ((Number) row.get("recall_at_10")).doubleValue());
      assertTrue(((Number) row.get("index_bytes")).longValue() >= ((Number) row.get("index_bytes_without_vectors"))
          .longValue());
    }
    assertTrue(recall.get("Lucene HNSW float, 100 candidates") > 0.9, recall.toString());
    // the same candidates rescored exactly find at least what the codes' approximate distances find
    assertTrue(recall.get("distok code tokens t=8, 300 rescored from vectors")
        >= recall.get("distok code tokens t=8, 300 rescored from codes"), recall.toString());
    CliTest.Run missing = CliTest.run("bench", "search", "--data", dir.resolve("absent.npy").toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, missing.code(), missing.err());
  }

  /** Two communities joined by a few edges, labelled by community: token-similar nodes mostly share the label. */
  @Test
  void benchNodeSearchReportsLabelAgreement() throws IOException {
    Path g = dir.resolve("graph");
    Files.createDirectories(g);
    StringBuilder edges = new StringBuilder();
    StringBuilder labels = new StringBuilder();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    int n = 400;
    for (int v = 0; v < n; v++) {
      labels.append(v).append('\t').append(v < n / 2 ? 0 : 1).append('\n');
      for (int e = 0; e < 3; e++) {
        int base = v < n / 2 ? 0 : n / 2;
        int u = rng.nextInt(50) == 0 ? rng.nextInt(n) : base + rng.nextInt(n / 2);
        if (u != v) {
          edges.append(Math.min(u, v)).append('\t').append(Math.max(u, v)).append('\n');
        }
      }
    }
    Files.writeString(g.resolve("edges.tsv"), edges);
    Files.writeString(g.resolve("labels.tsv"), labels);
    CliTest.Run r = CliTest.run("bench", "node-search", "--graph", g.toString(), "--anchors", "20", "--k", "8");
    assertEquals(0, r.code(), r.err());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("distok token search[^\\n]*?([0-9.]+)%").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertTrue(Double.parseDouble(m.group(1)) > 80, "communities are found: " + r.out());
    java.util.regex.Matcher rand = java.util.regex.Pattern.compile("random labelled nodes\\s+([0-9.]+)%").matcher(
        r.out());
    assertTrue(rand.find() && Double.parseDouble(rand.group(1)) < 65, r.out());
    CliTest.Run missing = CliTest.run("bench", "node-search", "--graph", dir.resolve("none").toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, missing.code());
  }

  /**
   * Plain quantizer codes, end to end: quantize fit / encode, index codes (ids from the codes file, stored vectors,
   * user fields), search codes by a vector row with a filter; a BSQ model's .npy codes (row-number ids, flat scan);
   * a malformed codes file is named by file and line and leaves the index as it was.
   */
  @Test
  void quantizerCodesIndexAndSearch() throws IOException {
    Path in = items("items.csv", 300, 0, 5);
    Path pq = dir.resolve("pq");
    assertEquals(0, CliTest.run("quantize", "fit", "--method", "pq", "--M", "4", "--K", "16", "--input",
        in.toString(), "--out", pq.toString()).code());
    Path codes = dir.resolve("codes.tsv");
    CliTest.Run enc = CliTest.run("quantize", "encode", "--model", pq.toString(), "--input", in.toString(), "--out",
        codes.toString());
    assertEquals(0, enc.code(), enc.err());
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      jsonl.append("{\"id\": \"i").append(i).append("\", \"price\": ").append(i % 30).append("}\n");
    }
    Path fields = dir.resolve("fields.jsonl");
    Files.writeString(fields, jsonl);
    Path index = dir.resolve("codes-index");
    CliTest.Run ix = CliTest.run("index", "codes", "--model", pq.toString(), "--codes", codes.toString(),
        "--vectors", in.toString(), "--fields", fields.toString(), "--index", index.toString());
    assertEquals(0, ix.code(), ix.err());
    assertTrue(ix.out().contains("indexed 300 items, deleted 0 ids") && ix.out().contains("vectors stored"),
        ix.out());
    Path json = dir.resolve("hits.json");
    CliTest.Run s = CliTest.run("search", "codes", "--model", pq.toString(), "--index", index.toString(),
        "--vector-file", in.toString(), "--row", "7", "--k", "5", "--json", json.toString());
    assertEquals(0, s.code(), s.err());
    List<?> hits = (List<?>) JSON.std.mapFrom(Files.readString(json)).get("hits");
    assertEquals("i7", ((Map<?, ?>) hits.get(0)).get("item"), "an indexed item is its own nearest neighbour");
    assertEquals(0.0, ((Number) ((Map<?, ?>) hits.get(0)).get("score")).doubleValue());
    CliTest.Run f = CliTest.run("search", "codes", "--model", pq.toString(), "--index", index.toString(),
        "--vector-file", in.toString(), "--row", "7", "--k", "20", "--filter", "price<5");
    assertEquals(0, f.code(), f.err());
    List<String> lines = f.out().lines().filter(l -> l.matches("\\d+ .*")).toList();
    assertFalse(lines.isEmpty(), f.out());
    for (String line : lines) {
      int item = Integer.parseInt(line.split("\\s+")[1].substring(1));
      assertTrue(item % 30 < 5, "filtered: " + line);
    }

    Path bsq = dir.resolve("bsq");
    assertEquals(0, CliTest.run("quantize", "fit", "--method", "bsq", "--bits", "8", "--input", in.toString(),
        "--out", bsq.toString()).code());
    Path npy = dir.resolve("codes.npy");
    assertEquals(0, CliTest.run("quantize", "encode", "--model", bsq.toString(), "--input", in.toString(), "--out",
        npy.toString()).code());
    Path bsqIndex = dir.resolve("bsq-index");
    CliTest.Run bx = CliTest.run("index", "codes", "--model", bsq.toString(), "--codes", npy.toString(), "--index",
        bsqIndex.toString());
    assertEquals(0, bx.code(), bx.err());
    CliTest.Run bs = CliTest.run("search", "codes", "--model", bsq.toString(), "--index", bsqIndex.toString(),
        "--vector-file", in.toString(), "--row", "0", "--k", "3");
    assertEquals(0, bs.code(), bs.err());
    assertTrue(bs.out().lines().anyMatch(l -> l.matches("1\\s+\\d+\\s+.*")), "row-number ids: " + bs.out());

    // a code that is not a number, two lines below the header: named by file and line, nothing indexed
    List<String> rows = new java.util.ArrayList<>(Files.readAllLines(codes));
    rows.set(2, rows.get(2).replaceFirst("\t\\d+", "\tx"));
    Path bad = dir.resolve("bad.tsv");
    Files.write(bad, rows);
    CliTest.Run b = CliTest.run("index", "codes", "--model", pq.toString(), "--codes", bad.toString(), "--index",
        index.toString(), "--vectors", in.toString());
    assertEquals(DistokCommand.EXIT_BAD_INPUT, b.code(), b.out());
    assertTrue(b.err().contains(bad + ":3: code c0 'x' is not a non-negative integer"), b.err());
    CliTest.Run other = CliTest.run("search", "codes", "--model", bsq.toString(), "--index", index.toString(),
        "--vector", "1,2,3,4,5,6,7,8");
    assertEquals(DistokCommand.EXIT_BAD_INPUT, other.code());
    assertTrue(other.err().contains("built with model"), other.err());
  }
}
