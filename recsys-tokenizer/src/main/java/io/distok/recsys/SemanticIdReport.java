package io.distok.recsys;

import io.distok.quant.CodeTuple;
import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.Parallel;
import io.distok.quant.UsageMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Quality of a semantic-ID index: collisions before and after the policy, group sizes, uniqueness per prefix
 * depth, per-level utilisation, dead codes, perplexity and Gini of code usage, reconstruction error and cosine,
 * and neighbourhood preservation (for a sample of items, the share of their exact 10 nearest neighbours that
 * share their level-1 and level-1+2 prefixes, against the share expected by chance). Computing it costs
 * O(n m) plus O(s n d) for a sample of s items.
 */
public final class SemanticIdReport {
  /** Neighbours per sampled item. */
  public static final int NEIGHBOURS = 10;

  private final Map<String, Object> doc;

  private SemanticIdReport(Map<String, Object> doc) {
    this.doc = doc;
  }

  /** Wraps a report read back from JSON. */
  public static SemanticIdReport fromMap(Map<String, Object> doc) {
    return new SemanticIdReport(new LinkedHashMap<>(doc));
  }

  /**
   * Measures {@code model} on the embeddings of its items.
   *
   * @param items embeddings (ids must be items of the model; they are normalised here if the model does)
   * @param sample items sampled for neighbourhood preservation
   */
  public static SemanticIdReport of(SemanticIdModel model, ItemEmbeddings items, int sample, long seed) {
    ItemEmbeddings in = model.config().normalize() ? items.normalized() : items;
    int n = in.size();
    int levels = model.config().levels();
    Codes raw = new Codes(n, levels);
    for (int i = 0; i < n; i++) {
      int[] r = model.rawCodes(in.ids().get(i));
      for (int l = 0; l < levels; l++) {
        raw.set(i, l, r[l]);
      }
    }
    Map<String, Object> doc = codeFigures(model, in.ids());
    UsageMetrics um = UsageMetrics.of(model.quantizer(), in.vectors(), raw);
    doc.put("mse", um.mse());
    doc.put("relativeMse", um.relativeMse());
    doc.put("meanCosine", meanCosine(in.vectors(), model.quantizer().decode(raw)));
    doc.putAll(neighbourhood(in.vectors(), raw, Math.min(sample, n), seed));
    doc.put("embeddingFiguresItems", n);
    return new SemanticIdReport(doc);
  }

  /**
   * The report of {@code model} as it is now, when only the report of an earlier state is at hand (after
   * {@link SemanticIdModel#assign} added items): every figure that comes from the codes (item count,
   * collisions, group sizes, uniqueness, per-level usage) is recomputed over all items of the model; the figures
   * that need the embeddings (MSE, cosine, neighbourhood preservation) are kept from {@code previous} and
   * {@code embeddingFiguresItems} says how many items they were measured on. Cost O(n m).
   */
  public static SemanticIdReport refreshed(SemanticIdReport previous, SemanticIdModel model) {
    Map<String, Object> doc = codeFigures(model, model.items());
    if (previous != null) {
      for (Map.Entry<String, Object> e : previous.doc.entrySet()) {
        doc.putIfAbsent(e.getKey(), e.getValue());
      }
      doc.putIfAbsent("embeddingFiguresItems", previous.doc.get("items"));
    }
    return new SemanticIdReport(doc);
  }

  /** The figures that need only the codes of {@code ids}. */
  private static Map<String, Object> codeFigures(SemanticIdModel model, List<String> ids) {
    int n = ids.size();
    int levels = model.config().levels();
    Codes raw = new Codes(n, levels);
    List<int[]> rawRows = new ArrayList<>(n);
    List<int[]> fin = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int[] r = model.rawCodes(ids.get(i));
      for (int l = 0; l < levels; l++) {
        raw.set(i, l, r[l]);
      }
      rawRows.add(r);
      fin.add(model.codes(ids.get(i)));
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("items", n);
    doc.put("levels", levels);
    doc.put("codebookSizes", Arrays.stream(model.config().codebookSizes()).boxed().toList());
    doc.put("collisionPolicy", model.config().collision().name().toLowerCase(Locale.ROOT));
    doc.put("balanced", model.config().balanced());
    doc.put("normalized", model.config().normalize());
    doc.put("rawCollisionRate", sharedRate(rawRows));
    doc.put("finalCollisionRate", sharedRate(fin));
    doc.put("groupSizeHistogram", groupSizes(rawRows));
    List<Double> unique = new ArrayList<>();
    for (int depth = 1; depth <= levels; depth++) {
      int dd = depth;
      unique.add(1 - sharedRate(rawRows.stream().map(r -> Arrays.copyOf(r, dd)).toList()));
    }
    doc.put("uniqueShareByDepth", unique);
    List<Map<String, Object>> perLevel = new ArrayList<>();
    for (int l = 0; l < levels; l++) {
      CodebookUsage u = CodebookUsage.of(raw, l, model.config().codebookSizes()[l]);
      Map<String, Object> lv = new LinkedHashMap<>();
      lv.put("level", l + 1);
      lv.put("K", u.size());
      lv.put("utilization", u.utilization());
      lv.put("deadCodes", u.deadCodes());
      lv.put("perplexity", u.perplexity());
      lv.put("gini", gini(raw, l, model.config().codebookSizes()[l]));
      perLevel.add(lv);
    }
    doc.put("perLevel", perLevel);
    return doc;
  }

  static double sharedRate(List<int[]> rows) {
    return CodeTuple.sharedRate(CodeTuple.counts(rows), rows.size());
  }

  private static Map<String, Object> groupSizes(List<int[]> rows) {
    Map<CodeTuple, Integer> count = CodeTuple.counts(rows);
    TreeMap<Integer, Integer> hist = new TreeMap<>();
    for (int c : count.values()) {
      hist.merge(c, 1, Integer::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    hist.forEach((size, groups) -> out.put(Integer.toString(size), groups));
    return out;
  }

  /** Gini coefficient of code usage: 0 = every code used equally, towards 1 = one code takes everything. */
  static double gini(Codes codes, int level, int k) {
    long[] counts = new long[k];
    for (int i = 0; i < codes.rows(); i++) {
      counts[codes.get(i, level)]++;
    }
    Arrays.sort(counts);
    double weighted = 0;
    double total = 0;
    for (int i = 0; i < k; i++) {
      weighted += (i + 1) * (double) counts[i];
      total += counts[i];
    }
    return total == 0 ? 0 : 2 * weighted / (k * total) - (k + 1.0) / k;
  }

  private static double meanCosine(FloatMatrix x, FloatMatrix y) {
    double sum = 0;
    for (int i = 0; i < x.rows(); i++) {
      double dot = 0;
      double nx = 0;
      double ny = 0;
      for (int t = 0; t < x.cols(); t++) {
        double a = x.get(i, t);
        double b = y.get(i, t);
        dot += a * b;
        nx += a * a;
        ny += b * b;
      }
      sum += nx == 0 || ny == 0 ? 0 : dot / Math.sqrt(nx * ny);
    }
    return sum / x.rows();
  }

  /** Exact 10-NN of sampled items (brute force, squared L2) and how many share the item's prefixes. */
  private static Map<String, Object> neighbourhood(FloatMatrix x, Codes raw, int sample, long seed) {
    int n = x.rows();
    int[] picks = new SplittableRandom(seed).ints(0, n).distinct().limit(sample).toArray();
    Arrays.sort(picks);
    int levels = raw.codesPerRow();
    double[][] share = new double[picks.length][2];
    Parallel.forEachChunk(picks.length, 16, (c, from, to) -> {
      for (int s = from; s < to; s++) {
        int q = picks[s];
        int[] nn = nearest(x, q, Math.min(NEIGHBOURS, n - 1));
        int p1 = 0;
        int p12 = 0;
        for (int j : nn) {
          if (raw.get(j, 0) == raw.get(q, 0)) {
            p1++;
            if (levels < 2 || raw.get(j, 1) == raw.get(q, 1)) {
              p12++;
            }
          }
        }
        share[s][0] = nn.length == 0 ? 0 : p1 / (double) nn.length;
        share[s][1] = nn.length == 0 ? 0 : p12 / (double) nn.length;
      }
    });
    double a = 0;
    double b = 0;
    for (double[] sh : share) {
      a += sh[0];
      b += sh[1];
    }
    // chance level: probability that a random other item shares the prefix
    Map<CodeTuple, Integer> g1 = new HashMap<>();
    Map<CodeTuple, Integer> g12 = new HashMap<>();
    for (int i = 0; i < n; i++) {
      g1.merge(new CodeTuple(new int[] {raw.get(i, 0)}), 1, Integer::sum);
      g12.merge(new CodeTuple(levels < 2 ? new int[] {raw.get(i, 0)} : new int[] {raw.get(i, 0), raw.get(i, 1)}), 1,
          Integer::sum);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("neighbourSample", picks.length);
    out.put("neighbourPreservationLevel1", picks.length == 0 ? 0 : a / picks.length);
    out.put("neighbourPreservationLevel12", picks.length == 0 ? 0 : b / picks.length);
    out.put("chanceLevel1", chance(g1, n));
    out.put("chanceLevel12", chance(g12, n));
    return out;
  }

  private static double chance(Map<CodeTuple, Integer> groups, int n) {
    double s = 0;
    for (int c : groups.values()) {
      s += (double) c * (c - 1);
    }
    return n < 2 ? 0 : s / ((double) n * (n - 1));
  }

  private static int[] nearest(FloatMatrix x, int q, int k) {
    int n = x.rows();
    int d = x.cols();
    float[] a = x.data();
    int[] best = new int[k];
    double[] bestD = new double[k];
    int size = 0;
    for (int i = 0; i < n; i++) {
      if (i == q) {
        continue;
      }
      double s = 0;
      for (int t = 0; t < d; t++) {
        double diff = a[q * d + t] - a[i * d + t];
        s += diff * diff;
      }
      if (size == k && s >= bestD[k - 1]) {
        continue;
      }
      int p = size < k ? size++ : k - 1;
      while (p > 0 && bestD[p - 1] > s) {
        best[p] = best[p - 1];
        bestD[p] = bestD[p - 1];
        p--;
      }
      best[p] = i;
      bestD[p] = s;
    }
    return Arrays.copyOf(best, size);
  }

  /** Adds a figure (e.g. timings) to the report. */
  public SemanticIdReport with(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(doc);
    d.put(key, value);
    return new SemanticIdReport(d);
  }

  /** The report as nested maps and lists (JSON-ready); includes the number {@code rawCollisionRate}. */
  public Map<String, Object> toMap() {
    return java.util.Collections.unmodifiableMap(doc);
  }

  public double rawCollisionRate() {
    return ((Number) doc.get("rawCollisionRate")).doubleValue();
  }

  public double finalCollisionRate() {
    return ((Number) doc.get("finalCollisionRate")).doubleValue();
  }

  /** A human-readable table. */
  @SuppressWarnings("unchecked")
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "items %s, levels %s (codebook sizes %s), policy %s, balanced %s, "
        + "normalized %s%n", doc.get("items"), doc.get("levels"), joined((List<?>) doc.get("codebookSizes")),
        doc.get("collisionPolicy"), doc.get("balanced") != null && (Boolean) doc.get("balanced") ? "yes" : "no",
        doc.get("normalized") != null && (Boolean) doc.get("normalized") ? "yes" : "no"));
    sb.append(String.format(Locale.ROOT, "collision rate: raw %.3f%%, after policy %.3f%%%n",
        100 * num("rawCollisionRate"), 100 * num("finalCollisionRate")));
    sb.append("code tuples by number of items sharing them:");
    ((Map<String, Object>) doc.get("groupSizeHistogram")).forEach((size, groups) -> sb.append(' ').append(groups)
        .append(" of ").append(size));
    sb.append('\n');
    List<Number> unique = (List<Number>) doc.get("uniqueShareByDepth");
    sb.append("unique at prefix depth:");
    for (int i = 0; i < unique.size(); i++) {
      sb.append(String.format(Locale.ROOT, " %d: %.2f%%", i + 1, 100 * unique.get(i).doubleValue()));
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-6s %6s %9s %6s %11s %6s%n", "level", "K", "util", "dead", "perplexity",
        "gini"));
    for (Map<String, Object> lv : (List<Map<String, Object>>) doc.get("perLevel")) {
      sb.append(String.format(Locale.ROOT, "%-6s %6s %8.1f%% %6s %11.1f %6.3f%n", lv.get("level"), lv.get("K"),
          100 * ((Number) lv.get("utilization")).doubleValue(), lv.get("deadCodes"),
          ((Number) lv.get("perplexity")).doubleValue(), ((Number) lv.get("gini")).doubleValue()));
    }
    Object embItems = doc.get("embeddingFiguresItems");
    if (embItems != null && !embItems.equals(doc.get("items"))) {
      sb.append("measured at fit time on ").append(embItems).append(" items (rerun report with --input to update):\n");
    }
    sb.append(String.format(Locale.ROOT, "reconstruction: MSE %.4f (relative %.4f), mean cosine %.4f%n", num("mse"),
        num("relativeMse"), num("meanCosine")));
    sb.append(String.format(Locale.ROOT, "neighbourhood preservation (%s items, %d-NN): level-1 prefix %.1f%% "
        + "(chance %.1f%%), level-1+2 prefix %.1f%% (chance %.2f%%)%n", doc.get("neighbourSample"), NEIGHBOURS,
        100 * num("neighbourPreservationLevel1"), 100 * num("chanceLevel1"), 100 * num("neighbourPreservationLevel12"),
        100 * num("chanceLevel12")));
    return sb.toString();
  }

  private static String joined(List<?> values) {
    return values == null ? "" : String.join(",", values.stream().map(String::valueOf).toList());
  }

  private double num(String key) {
    Object v = doc.get(key);
    return v instanceof Number nn ? nn.doubleValue() : Double.NaN;
  }
}
