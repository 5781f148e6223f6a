package io.distok.recsys;

import io.distok.quant.CodeTuple;
import io.distok.quant.CodebookUsage;
import io.distok.quant.Codes;
import io.distok.util.FloatMatrix;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import io.distok.util.TopK;
import io.distok.util.io.JsonFields;
import io.distok.quant.TupleGroups;
import io.distok.quant.UsageMetrics;
import io.distok.quant.kernel.DistanceKernel;
import io.distok.quant.kernel.DistanceKernels;
import io.distok.quant.kernel.PackedRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.IntBinaryOperator;

/**
 * Quality of a semantic-ID index as typed figures: collisions before and after the policy, group sizes,
 * uniqueness per prefix depth, per-level utilisation, dead codes, perplexity and Gini of code usage ({@link
 * CodeFigures}, from the codes alone), and reconstruction error, cosine and neighbourhood preservation (for a
 * sample of items, the share of their exact 10 nearest neighbours that share their level-1 and level-1+2
 * prefixes, against the share expected by chance; {@link EmbeddingFigures}, which need the embeddings). Computing
 * it costs O(n m) plus O(s n d) for a sample of s items. {@link #toMap} and {@link #fromMap} give the JSON form of
 * {@code report.json}.
 *
 * @param codes the figures that need only the codes
 * @param embedding the figures that need the embeddings, or null when they were never measured
 * @param extra further named figures (e.g. timings), in insertion order
 */
public record SemanticIdReport(CodeFigures codes, EmbeddingFigures embedding, Map<String, Object> extra) {
  /** Neighbours per sampled item. */
  public static final int NEIGHBOURS = 10;
  /** Rows per chunk of the neighbour scan (the unit of parallelism). */
  private static final int SCAN_CHUNK = 65_536;
  /** Rows packed at a time for the blocked kernel. */
  private static final int ROW_BLOCK = 2048;
  /** Queries scored together against a packed block. */
  private static final int QUERY_TILE = 64;

  public SemanticIdReport {
    Objects.requireNonNull(codes, "codes");
    extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /**
   * The figures that need only the codes.
   *
   * @param items items measured
   * @param levels code levels
   * @param codebookSizes K of each level
   * @param collisionPolicy the policy's name
   * @param balanced whether balanced assignment was used
   * @param normalized whether embeddings were L2-normalised
   * @param rawCollisionRate share of items whose raw code tuple another item also has
   * @param finalCollisionRate the same after the collision policy
   * @param groupSizeHistogram number of code tuples by the number of items sharing them
   * @param uniqueShareByDepth share of items with a prefix of depth 1, 2, ... no other item has
   * @param perLevel usage of each level
   */
  public record CodeFigures(int items, int levels, List<Integer> codebookSizes, String collisionPolicy,
      boolean balanced, boolean normalized, double rawCollisionRate, double finalCollisionRate,
      SortedMap<Integer, Integer> groupSizeHistogram, List<Double> uniqueShareByDepth, List<LevelUsage> perLevel) {
    public CodeFigures {
      codebookSizes = List.copyOf(codebookSizes);
      groupSizeHistogram = Collections.unmodifiableSortedMap(new TreeMap<>(groupSizeHistogram));
      uniqueShareByDepth = List.copyOf(uniqueShareByDepth);
      perLevel = List.copyOf(perLevel);
    }
  }

  /**
   * Code usage at one level.
   *
   * @param level 1-based level
   * @param k codes of the level
   * @param utilization share of codes used
   * @param deadCodes codes never used
   * @param perplexity exp of the entropy of code use
   * @param gini Gini coefficient of code use (0 = even)
   */
  public record LevelUsage(int level, long k, double utilization, long deadCodes, double perplexity, double gini) {}

  /**
   * The figures that need the embeddings.
   *
   * @param items items they were measured on
   * @param mse mean squared reconstruction error of the raw codes
   * @param relativeMse {@code mse} over the data's variance
   * @param meanCosine mean cosine of items and their reconstructions
   * @param neighbourSample items sampled for neighbourhood preservation
   * @param neighbourPreservationLevel1 share of a sampled item's 10-NN with its level-1 code
   * @param neighbourPreservationLevel12 the same for the level-1+2 prefix
   * @param chanceLevel1 the share expected by chance for level 1
   * @param chanceLevel12 the same for levels 1+2
   */
  public record EmbeddingFigures(int items, double mse, double relativeMse, double meanCosine, int neighbourSample,
      double neighbourPreservationLevel1, double neighbourPreservationLevel12, double chanceLevel1,
      double chanceLevel12) {}

  /**
   * Measures {@code model} on the embeddings of its items.
   *
   * @param items embeddings (ids must be items of the model; they are normalised here if the model does)
   * @param sample items sampled for neighbourhood preservation
   */
  public static SemanticIdReport of(SemanticIdModel model, ItemEmbeddings items, int sample, long seed) {
    ItemEmbeddings in = model.config().normalize() ? items.normalized() : items;
    int n = in.size();
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = model.row(in.ids().get(i));
    }
    Codes raw = rawCodes(model, rows);
    UsageMetrics um = UsageMetrics.of(model.embeddingQuantizer(), in.vectors(), raw);
    double[] nb = neighbourhood(in.vectors(), raw, Math.min(sample, n), seed);
    EmbeddingFigures e = new EmbeddingFigures(n, um.mse(), um.relativeMse(),
        meanCosine(in.vectors(), model.embeddingQuantizer(), raw), (int) nb[0], nb[1], nb[2], nb[3], nb[4]);
    return new SemanticIdReport(codeFigures(model, n, raw::get, (i, j) -> model.codeAt(rows[i], j)), e, Map.of());
  }

  /**
   * The report of {@code model} as it is now, when only the report of an earlier state is at hand (after
   * {@link SemanticIdModel#assign} added items): the code figures are recomputed over all items of the model,
   * read in place from its item table; the embedding figures (MSE, cosine, neighbourhood preservation) and extra
   * figures are kept from {@code previous}, and their {@code items} says how many items they were measured on.
   * Cost O(n m + n log n) time and 8 bytes per item (twice that while sorting) beside the model.
   */
  public static SemanticIdReport refreshed(SemanticIdReport previous, SemanticIdModel model) {
    CodeFigures c = codeFigures(model, model.size(), model::rawCodeAt, model::codeAt);
    return previous == null ? new SemanticIdReport(c, null, Map.of())
        : new SemanticIdReport(c, previous.embedding, previous.extra);
  }

  private static Codes rawCodes(SemanticIdModel model, int[] rows) {
    int levels = model.config().levels();
    Codes raw = new Codes(rows.length, levels);
    for (int i = 0; i < rows.length; i++) {
      for (int l = 0; l < levels; l++) {
        raw.set(i, l, model.rawCodeAt(rows[i], l));
      }
    }
    return raw;
  }

  /**
   * The figures that need only the codes of n items, read through {@code raw} and {@code fin} as (item, position)
   * -> code. When each tuple packs into one long (4 levels of 256 and a suffix: 40 bits), one sorted key array
   * gives the shared rate at every depth and the group sizes: 8 bytes per item instead of a copy of the codes.
   */
  private static CodeFigures codeFigures(SemanticIdModel model, int n, IntBinaryOperator raw, IntBinaryOperator fin) {
    int levels = model.config().levels();
    int[] ks = model.config().codebookSizes();
    List<LevelUsage> perLevel = new ArrayList<>();
    for (int l = 0; l < levels; l++) {
      long[] counts = new long[ks[l]];
      for (int i = 0; i < n; i++) {
        counts[raw.applyAsInt(i, l)]++;
      }
      CodebookUsage u = CodebookUsage.ofCounts(l, ks[l], counts);
      perLevel.add(new LevelUsage(l + 1, u.size(), u.utilization(), u.deadCodes(), u.perplexity(), gini(counts)));
    }
    long[] rawShared;
    long finShared;
    SortedMap<Integer, Integer> groups = new TreeMap<>();
    int[] rawBits = TupleGroups.packingBits(Arrays.stream(ks).asLongStream().toArray());
    int[] finBits = TupleGroups.packingBits(Arrays.stream(model.positionSizes()).asLongStream().toArray());
    if (rawBits != null && finBits != null) {
      long[] keys = TupleGroups.sortedPackedRows(n, rawBits, raw);
      rawShared = TupleGroups.sharedRowsByDepth(keys, rawBits);
      for (int i = 0; i < n; ) {
        int run = i + 1;
        while (run < n && keys[run] == keys[i]) {
          run++;
        }
        groups.merge(run - i, 1, Integer::sum);
        i = run;
      }
      keys = null; // let the raw keys go before the final ones are made
      finShared = TupleGroups.sharedRowsByDepth(TupleGroups.sortedPackedRows(n, finBits, fin), finBits)[finBits.length - 1];
    } else {
      // tuples wider than 64 bits: group a copy of the codes
      Codes r = copy(n, levels, raw);
      Codes f = copy(n, model.idLength(), fin);
      rawShared = new long[levels];
      for (int depth = 1; depth <= levels; depth++) {
        rawShared[depth - 1] = TupleGroups.sharedRows(r, depth);
      }
      for (int size : TupleGroups.sizes(r, levels)) {
        groups.merge(size, 1, Integer::sum);
      }
      finShared = TupleGroups.sharedRows(f, f.codesPerRow());
    }
    List<Double> unique = new ArrayList<>();
    for (long shared : rawShared) {
      unique.add(1 - share(shared, n));
    }
    return new CodeFigures(n, levels, Arrays.stream(ks).boxed().toList(),
        model.config().collision().name().toLowerCase(Locale.ROOT), model.config().balanced(),
        model.config().normalize(), share(rawShared[levels - 1], n), share(finShared, n), groups, unique, perLevel);
  }

  private static double share(long rows, int n) {
    return n == 0 ? 0 : rows / (double) n;
  }

  private static Codes copy(int n, int width, IntBinaryOperator code) {
    Codes out = new Codes(n, width);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < width; j++) {
        out.set(i, j, code.applyAsInt(i, j));
      }
    }
    return out;
  }

  /**
   * Gini coefficient of code usage from each code's count: 0 = every code used equally, towards 1 = one code
   * takes everything. Sorts {@code counts}.
   */
  static double gini(long[] counts) {
    int k = counts.length;
    Arrays.sort(counts);
    double weighted = 0;
    double total = 0;
    for (int i = 0; i < k; i++) {
      weighted += (i + 1) * (double) counts[i];
      total += counts[i];
    }
    return total == 0 ? 0 : 2 * weighted / (k * total) - (k + 1.0) / k;
  }

  /** Mean cosine between each row and its decoding, decoded a block at a time (O(block d) memory). */
  private static double meanCosine(FloatMatrix x, io.distok.quant.Quantizer quantizer, Codes codes) {
    double sum = 0;
    int block = 4096;
    for (int from = 0; from < x.rows(); from += block) {
      int to = Math.min(x.rows(), from + block);
      FloatMatrix y = quantizer.decode(codes.rows(from, to));
      for (int i = from; i < to; i++) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int t = 0; t < x.cols(); t++) {
          double a = x.get(i, t);
          double b = y.get(i - from, t);
          dot += a * b;
          nx += a * a;
          ny += b * b;
        }
        sum += nx == 0 || ny == 0 ? 0 : dot / Math.sqrt(nx * ny);
      }
    }
    return sum / x.rows();
  }


  /** Exact 10-NN of sampled items (brute force, squared L2) and how many share the item's prefixes. */
  private static double[] neighbourhood(FloatMatrix x, Codes raw, int sample, long seed) {
    int n = x.rows();
    int[] picks = new SplittableRandom(seed).ints(0, n).distinct().limit(sample).toArray();
    Arrays.sort(picks);
    int levels = raw.codesPerRow();
    double[][] share = new double[picks.length][2];
    int k = Math.min(NEIGHBOURS, n - 1);
    int[][] found = nearest(x, picks, k);
    for (int s = 0; s < picks.length; s++) {
      int q = picks[s];
      int[] nn = found[s];
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
    double a = 0;
    double b = 0;
    for (double[] sh : share) {
      a += sh[0];
      b += sh[1];
    }
    // chance level: probability that a random other item shares the prefix
    return new double[] {picks.length, picks.length == 0 ? 0 : a / picks.length,
        picks.length == 0 ? 0 : b / picks.length, chance(raw, 1, n), chance(raw, Math.min(2, levels), n)};
  }

  /** The probability that two distinct random items share their first {@code depth} codes. */
  private static double chance(Codes raw, int depth, int n) {
    double s = 0;
    for (int c : TupleGroups.sizes(raw, depth)) {
      s += (double) c * (c - 1);
    }
    return n < 2 ? 0 : s / ((double) n * (n - 1));
  }

  /**
   * For each pick, the {@code k} nearest rows (itself excluded) by squared L2, {@code |q|^2 + |x|^2 - 2 q.x} in
   * float through the blocked vector kernel, ties by the smaller row. The rows are scanned in fixed chunks, in
   * parallel; each chunk packs {@link #ROW_BLOCK} rows at a time and scores every pick against them in tiles of
   * {@link #QUERY_TILE}; the per-chunk lists are merged in chunk order, so the result does not depend on the
   * thread count. O(n d picks) flops, O(picks k) memory per chunk plus one packed block per thread.
   */
  static int[][] nearest(FloatMatrix x, int[] picks, int k) {
    int n = x.rows();
    int d = x.cols();
    int p = picks.length;
    float[] queries = new float[p * d];
    float[] queryNorms = new float[p];
    for (int s = 0; s < p; s++) {
      System.arraycopy(x.data(), x.offset(picks[s]), queries, s * d, d);
      queryNorms[s] = PackedRows.squaredNorm(queries, s * d, d);
    }
    DistanceKernel kernel = DistanceKernels.get();
    int chunks = Parallel.chunkCount(n, SCAN_CHUNK);
    float[][] chunkDist = new float[chunks][];
    int[][] chunkRow = new int[chunks][];
    int[][] chunkSize = new int[chunks][];
    Parallel.forEachChunk(n, SCAN_CHUNK, (c, from, to) -> {
      float[] bestDist = new float[p * k];
      int[] bestRow = new int[p * k];
      int[] size = new int[p];
      float[] dots = new float[QUERY_TILE * ROW_BLOCK];
      for (int b = from; b < to; b += ROW_BLOCK) {
        int e = Math.min(to, b + ROW_BLOCK);
        int rows = e - b;
        PackedRows block = new PackedRows(FloatMatrix.wrap(Arrays.copyOfRange(x.data(), x.offset(b), x.offset(b)
            + rows * d), rows, d));
        for (int t = 0; t < p; t += QUERY_TILE) {
          int te = Math.min(p, t + QUERY_TILE);
          kernel.dots(queries, t, te, block, 0, rows, dots, 0, rows);
          for (int s = t; s < te; s++) {
            int base = s * k;
            int pick = picks[s];
            int dotBase = (s - t) * rows;
            for (int r = 0; r < rows; r++) {
              if (b + r == pick || k == 0) {
                continue;
              }
              float dist = Math.max(0f, queryNorms[s] + block.norm(r) - 2f * dots[dotBase + r]);
              int m = size[s];
              if (m == k && !(dist < bestDist[base + k - 1])) {
                continue;
              }
              // rows arrive in ascending order: an equal distance stays behind, so ties keep the smaller row
              int at = m < k ? m++ : k - 1;
              size[s] = m;
              while (at > 0 && bestDist[base + at - 1] > dist) {
                bestDist[base + at] = bestDist[base + at - 1];
                bestRow[base + at] = bestRow[base + at - 1];
                at--;
              }
              bestDist[base + at] = dist;
              bestRow[base + at] = b + r;
            }
          }
        }
      }
      chunkDist[c] = bestDist;
      chunkRow[c] = bestRow;
      chunkSize[c] = size;
    });
    int[][] out = new int[p][];
    for (int s = 0; s < p; s++) {
      // merge the chunks' lists, concatenated in chunk order: rows of a later chunk are larger and a chunk's list
      // holds equal distances in row order, so TopK's ties by position are ties by row
      int total = 0;
      for (int c = 0; c < chunks; c++) {
        total += chunkSize[c][s];
      }
      int[] rowOf = new int[total];
      float[] dist = new float[total];
      int m = 0;
      for (int c = 0; c < chunks; c++) {
        for (int j = 0; j < chunkSize[c][s]; j++) {
          dist[m] = chunkDist[c][s * k + j];
          rowOf[m] = chunkRow[c][s * k + j];
          m++;
        }
      }
      int[] best = TopK.smallest(dist, total, k);
      out[s] = new int[best.length];
      for (int j = 0; j < best.length; j++) {
        out[s][j] = rowOf[best[j]];
      }
    }
    return out;
  }

  /** The report with one more named figure (e.g. a timing). */
  public SemanticIdReport with(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(extra);
    d.put(key, value);
    return new SemanticIdReport(codes, embedding, d);
  }

  public double rawCollisionRate() {
    return codes.rawCollisionRate();
  }

  public double finalCollisionRate() {
    return codes.finalCollisionRate();
  }

  /** The JSON form of {@code report.json}: one flat object (per-level usage as a list of objects). */
  public Map<String, Object> toMap() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("items", codes.items());
    doc.put("levels", codes.levels());
    doc.put("codebookSizes", codes.codebookSizes());
    doc.put("collisionPolicy", codes.collisionPolicy());
    doc.put("balanced", codes.balanced());
    doc.put("normalized", codes.normalized());
    doc.put("rawCollisionRate", codes.rawCollisionRate());
    doc.put("finalCollisionRate", codes.finalCollisionRate());
    Map<String, Object> hist = new LinkedHashMap<>();
    codes.groupSizeHistogram().forEach((size, groups) -> hist.put(Integer.toString(size), groups));
    doc.put("groupSizeHistogram", hist);
    doc.put("uniqueShareByDepth", codes.uniqueShareByDepth());
    List<Map<String, Object>> levels = new ArrayList<>();
    for (LevelUsage u : codes.perLevel()) {
      Map<String, Object> lv = new LinkedHashMap<>();
      lv.put("level", u.level());
      lv.put("K", u.k());
      lv.put("utilization", u.utilization());
      lv.put("deadCodes", u.deadCodes());
      lv.put("perplexity", u.perplexity());
      lv.put("gini", u.gini());
      levels.add(lv);
    }
    doc.put("perLevel", levels);
    if (embedding != null) {
      doc.put("mse", embedding.mse());
      doc.put("relativeMse", embedding.relativeMse());
      doc.put("meanCosine", embedding.meanCosine());
      doc.put("neighbourSample", embedding.neighbourSample());
      doc.put("neighbourPreservationLevel1", embedding.neighbourPreservationLevel1());
      doc.put("neighbourPreservationLevel12", embedding.neighbourPreservationLevel12());
      doc.put("chanceLevel1", embedding.chanceLevel1());
      doc.put("chanceLevel12", embedding.chanceLevel12());
      doc.put("embeddingFiguresItems", embedding.items());
    }
    extra.forEach(doc::putIfAbsent);
    return doc;
  }

  private static final List<String> KNOWN = List.of("items", "levels", "codebookSizes", "collisionPolicy", "balanced",
      "normalized", "rawCollisionRate", "finalCollisionRate", "groupSizeHistogram", "uniqueShareByDepth", "perLevel",
      "mse", "relativeMse", "meanCosine", "neighbourSample", "neighbourPreservationLevel1",
      "neighbourPreservationLevel12", "chanceLevel1", "chanceLevel12", "embeddingFiguresItems");

  /**
   * Reads the JSON form back.
   *
   * @param source named in messages
   * @throws InvalidInputException naming the figure that is missing or of the wrong type
   */
  public static SemanticIdReport fromMap(Map<String, Object> doc, String source) {
    JsonFields j = new JsonFields(doc, source, "figure");
    List<LevelUsage> perLevel = new ArrayList<>();
    for (Object o : j.list("perLevel")) {
      if (!(o instanceof Map<?, ?> m)) {
        throw new InvalidInputException(source + ": an entry of perLevel is not an object");
      }
      @SuppressWarnings("unchecked")
      JsonFields lv = new JsonFields((Map<String, Object>) m, source + " perLevel", "figure");
      perLevel.add(new LevelUsage(lv.integer("level"), lv.number("K").longValue(), lv.real("utilization"),
          lv.number("deadCodes").longValue(), lv.real("perplexity"), lv.real("gini")));
    }
    SortedMap<Integer, Integer> hist = new TreeMap<>();
    for (Map.Entry<?, ?> e : j.object("groupSizeHistogram").entrySet()) {
      try {
        hist.put(Integer.parseInt(String.valueOf(e.getKey())), ((Number) e.getValue()).intValue());
      } catch (NumberFormatException | ClassCastException ex) {
        throw new InvalidInputException(source + ": groupSizeHistogram entry '" + e.getKey() + "' is not a count");
      }
    }
    CodeFigures c = new CodeFigures(j.integer("items"), j.integer("levels"),
        Arrays.stream(j.integers("codebookSizes")).boxed().toList(),
        String.valueOf(j.get("collisionPolicy")), Boolean.TRUE.equals(j.get("balanced")),
        Boolean.TRUE.equals(j.get("normalized")), j.real("rawCollisionRate"), j.real("finalCollisionRate"), hist,
        j.list("uniqueShareByDepth").stream().map(v -> ((Number) v).doubleValue()).toList(), perLevel);
    EmbeddingFigures e = null;
    if (doc.containsKey("mse")) {
      e = new EmbeddingFigures(doc.containsKey("embeddingFiguresItems") ? j.integer("embeddingFiguresItems")
          : c.items(), j.real("mse"), j.real("relativeMse"), j.real("meanCosine"), j.integer("neighbourSample"),
          j.real("neighbourPreservationLevel1"), j.real("neighbourPreservationLevel12"), j.real("chanceLevel1"),
          j.real("chanceLevel12"));
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    doc.forEach((k, v) -> {
      if (!KNOWN.contains(k)) {
        extra.put(k, v);
      }
    });
    return new SemanticIdReport(c, e, extra);
  }

  /** A human-readable table. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "items %d, levels %d (codebook sizes %s), policy %s, balanced %s, "
        + "normalized %s%n", codes.items(), codes.levels(),
        String.join(",", codes.codebookSizes().stream().map(String::valueOf).toList()), codes.collisionPolicy(),
        codes.balanced() ? "yes" : "no", codes.normalized() ? "yes" : "no"));
    sb.append(String.format(Locale.ROOT, "collision rate: raw %.3f%%, after policy %.3f%%%n",
        100 * codes.rawCollisionRate(), 100 * codes.finalCollisionRate()));
    sb.append("code tuples by number of items sharing them:");
    codes.groupSizeHistogram().forEach((size, groups) -> sb.append(' ').append(groups).append(" of ").append(size));
    sb.append('\n');
    sb.append("unique at prefix depth:");
    for (int i = 0; i < codes.uniqueShareByDepth().size(); i++) {
      sb.append(String.format(Locale.ROOT, " %d: %.2f%%", i + 1, 100 * codes.uniqueShareByDepth().get(i)));
    }
    sb.append('\n');
    sb.append(String.format(Locale.ROOT, "%-6s %6s %9s %6s %11s %6s%n", "level", "K", "util", "dead", "perplexity",
        "gini"));
    for (LevelUsage u : codes.perLevel()) {
      sb.append(String.format(Locale.ROOT, "%-6d %6d %8.1f%% %6d %11.1f %6.3f%n", u.level(), u.k(),
          100 * u.utilization(), u.deadCodes(), u.perplexity(), u.gini()));
    }
    if (embedding == null) {
      sb.append("no embedding figures (run report with --input)\n");
      return sb.toString();
    }
    if (embedding.items() != codes.items()) {
      sb.append("measured at fit time on ").append(embedding.items())
          .append(" items (rerun report with --input to update):\n");
    }
    sb.append(String.format(Locale.ROOT, "reconstruction: MSE %.4f (relative %.4f), mean cosine %.4f%n",
        embedding.mse(), embedding.relativeMse(), embedding.meanCosine()));
    sb.append(String.format(Locale.ROOT, "neighbourhood preservation (%d items, %d-NN): level-1 prefix %.1f%% "
        + "(chance %.1f%%), level-1+2 prefix %.1f%% (chance %.2f%%)%n", embedding.neighbourSample(), NEIGHBOURS,
        100 * embedding.neighbourPreservationLevel1(), 100 * embedding.chanceLevel1(),
        100 * embedding.neighbourPreservationLevel12(), 100 * embedding.chanceLevel12()));
    return sb.toString();
  }
}
