package io.distok.cli;

import io.distok.bench.BenchData;

import io.distok.util.InvalidInputException;
import io.distok.util.ProgressListener;
import io.distok.recsys.ItemEmbeddings;
import io.distok.recsys.SemanticIdConfig;
import io.distok.recsys.SemanticIdModel;
import io.distok.recsys.SemanticIdReport;
import io.distok.recsys.SemanticIdTrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench semantic-ids}: the default recipe with and without balancing (and with and without
 * normalisation) on an item embedding file, side by side with faiss RQ (3 x 8 bits, beam 1) in the same run.
 */
@Command(name = "semantic-ids", mixinStandardHelpOptions = true,
    description = "Benchmark semantic-ID generation (collisions, utilisation, MSE, neighbourhood preservation, "
        + "time) on an item embedding file, optionally against faiss RQ.")
public final class BenchSemanticIdsCommand implements Callable<Integer> {
  @Option(names = "--data", description = "Item embeddings (.npy, .fvecs, CSV).")
  Path data;

  @Option(names = "--generated", paramLabel = "N", description = "Instead of --data: a generated catalogue of N "
      + "items, 64-d, around 2000 Gaussian centres (seed 3), written to a temporary .npy for faiss.")
  Integer generated;

  @Option(names = "--recipes", defaultValue = "all", description = "all (plain and balanced, raw and L2-normalised) "
      + "or default (L2-normalised only: plain RQ-KMeans and the default recipe, for large catalogues) (default: "
      + "${DEFAULT-VALUE}).")
  String recipes;

  @picocli.CommandLine.Mixin
  FaissOptions faiss;

  @Option(names = "--repeat", defaultValue = "3", description = "Timed runs; the median is reported (default: "
      + "${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--json", description = "Write all figures as JSON to this file.")
  Path json;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if ((data == null) == (generated == null)) {
      throw CliSupport.usage(spec, "give exactly one of --data FILE and --generated N");
    }
    if (!recipes.equals("all") && !recipes.equals("default")) {
      throw CliSupport.usage(spec, "--recipes must be all or default, got '" + recipes + "'");
    }
    Path tmp = null;
    ItemEmbeddings items;
    if (generated != null) {
      if (generated < 2) {
        throw CliSupport.usage(spec, "--generated must be >= 2, got " + generated);
      }
      items = ItemEmbeddings.numbered(io.distok.testdata.SyntheticData.gaussianClusters(generated, 64, 2000, 0.3, 3));
      tmp = Files.createTempFile("distok-bench-", ".npy");
      io.distok.quant.io.Npy.write(tmp, items.vectors());
      data = tmp;
    } else {
      BenchData.require(data);
      items = ItemEmbeddings.read(data, null);
    }
    try {
      return run(w, items);
    } finally {
      if (tmp != null) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private Integer run(PrintWriter w, ItemEmbeddings items) throws Exception {
    w.printf(Locale.ROOT, "data %s: %d items x %d; %d cores; median of %d runs after JIT warm-up%n", data,
        items.size(), items.dimension(), Runtime.getRuntime().availableProcessors(), repeat);
    // JIT warm-up on at most 65,536 items: enough to compile every kernel, and not a second fit of a 10M catalogue
    int warm = Math.min(items.size(), 65_536);
    SemanticIdTrainer.fit(new ItemEmbeddings(items.ids().subList(0, warm), items.vectors().selectRows(
        java.util.stream.IntStream.range(0, warm).toArray())), SemanticIdConfig.DEFAULT.withNiter(3), ProgressListener.NONE);
    List<Map<String, Object>> rows = new ArrayList<>();
    w.printf(Locale.ROOT, "%-34s %8s %8s %9s %9s %8s %8s %8s %8s %8s %7s %8s %7s%n", "recipe (RQ 3x256 unless stated)", "fit s",
        "assign s", "raw coll", "MSE", "min util", "min ppl", "NP@L1", "NP@L12", "cosine", "CPU", "uniq@2", "sfx");
    boolean all = recipes.equals("all");
    // normalised once for every recipe that asks (the fits then find unit rows and copy nothing more); in place
    // when the raw rows are not needed afterwards, which at 10M items saves a 2.56 GB copy
    ItemEmbeddings unit = all ? items.normalized() : items.normalizedInPlace();
    for (boolean normalize : all ? new boolean[] {false, true} : new boolean[] {true}) {
      ItemEmbeddings in = normalize ? unit : items;
      int chosen = SemanticIdTrainer.recommendedLevels(items.size(), 256);
      // plain, balanced, and (when the catalogue's size asks for more than 3) balanced with the chosen levels
      for (int variant = 0; variant < (chosen > 3 ? 3 : 2); variant++) {
        boolean balanced = variant > 0;
        int[] sizes = new int[variant == 2 ? chosen : 3];
        java.util.Arrays.fill(sizes, 256);
        SemanticIdConfig c = SemanticIdConfig.DEFAULT.withNormalize(normalize).withBalanced(balanced)
            .withCodebookSizes(sizes).withCollision(io.distok.recsys.CollisionPolicy.Kind.NONE);
        String label = (balanced ? "balanced" : "plain") + (normalize ? ", L2-normalised" : ", raw vectors")
            + (variant == 2 ? ", " + chosen + " levels" : "");
        rows.add(measure(w, label, in, c));
      }
    }
    // the RQ-VAE recipe (TIGER's): encoder, k-means-initialised residual VQ and decoder trained together
    rows.add(measure(w, "rq-vae (MLP d-128-d), L2-normalised", unit, SemanticIdConfig.DEFAULT.withCodebookSizes(256, 256,
        256).withCollision(io.distok.recsys.CollisionPolicy.Kind.NONE).withRqVae(io.distok.recsys.RqVaeSettings
        .DEFAULT)));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("data", data.toString());
    doc.put("recipes", rows);
    if (faiss.script != null) {
      if (!Files.exists(faiss.script)) {
        w.println("faiss comparison skipped: " + faiss.script + " not found");
      } else {
        // the variants distok ran: both with all recipes, only the L2-normalised one with the default recipe
        for (boolean normalize : all ? new boolean[] {false, true} : new boolean[] {true}) {
          // the same seed as distok's recipe (the issue found 42 against faiss's 1234 before)
          List<String> args = new ArrayList<>(List.of("rq", "--M", "3", "--nbits", "8", "--beam", "1", "--repeat",
              "" + repeat, "--seed", "" + SemanticIdConfig.DEFAULT.seed()));
          // trained on the sample size distok's level-wise k-means uses (256 rows per code, faiss's own cap),
          // then every row encoded in blocks: the same amount of training data on both sides, and a 10M
          // catalogue fits in memory beside the JVM
          args.addAll(List.of("--train-rows", "" + Math.min(items.size(), FAISS_TRAIN_ROWS)));
          if (normalize) {
            args.add("--normalize");
          }
          Map<String, Object> f = BenchData.runFaiss(faiss.python, faiss.script, data, args, Runtime.getRuntime()
              .availableProcessors());
          if (f == null) {
            w.println("faiss run failed (is python3-faiss installed?)");
            continue;
          }
          if (!normalize || !all) {
            w.println("baseline: " + FaissOptions.describe(f));
          }
          String label = "faiss RQ 3x8 beam 1" + (normalize ? ", L2-n" : ", raw") + ", " + (long) num(f, "train_rows")
              + " tr";
          w.printf(Locale.ROOT, "%-34s %8.2f %8.3f %8.3f%% %9.4f%n", label, num(f, "train_s"), num(f, "encode_s"),
              100 * num(f, "shared_tuple_rate"), num(f, "mse"));
          doc.put(normalize ? "faissNormalized" : "faissRaw", f);
        }
      }
    }
    w.println("(raw coll = share of items sharing their 3-code tuple before any collision policy; NP@L1 / NP@L12 ="
        + " share of exact 10-NN sharing the level-1 / level-1+2 prefix; assign = frozen-codebook encoding of all"
        + " items; CPU = this process's CPU time over wall time times cores during fit; uniq@2 = items unique at"
        + " prefix depth 2; sfx = suffix range the policy needs, the largest number of items sharing a tuple)");
    if (json != null) {
      io.distok.util.io.JsonFiles.write(json, doc);
    }
    return 0;
  }

  /** Rows faiss trains on: 256 per code of a 256-code level, the sample distok's k-means draws. */
  static final int FAISS_TRAIN_ROWS = 256 * 256;

  private static double num(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** Fits {@code c} {@link #repeat} times on {@code in}, prints its row and returns its figures. */
  private Map<String, Object> measure(PrintWriter w, String label, ItemEmbeddings in, SemanticIdConfig c) {
    double[] fit = new double[repeat];
    double[] assign = new double[repeat];
    double[] cpuShare = new double[repeat];
    SemanticIdModel m = null;
    int cores = Runtime.getRuntime().availableProcessors();
    for (int r = 0; r < repeat; r++) {
      io.distok.bench.CpuLoad before = io.distok.bench.CpuLoad.sample();
      long t0 = System.nanoTime();
      m = SemanticIdTrainer.fit(in, c, ProgressListener.NONE);
      long t1 = System.nanoTime();
      io.distok.bench.CpuLoad after = io.distok.bench.CpuLoad.sample();
      cpuShare[r] = (after.ownCpuNanos() - before.ownCpuNanos()) / ((double) (t1 - t0) * cores);
      // the frozen-codebook path new items take: normalise + encode level by level
      m.quantizer().withBeam(1).encode(m.latent(in.vectors()));
      long t2 = System.nanoTime();
      fit[r] = (t1 - t0) / 1e9;
      assign[r] = (t2 - t1) / 1e9;
    }
    SemanticIdReport rep = SemanticIdReport.of(m, in, 1000, 1);
    double minUtil = rep.codes().perLevel().stream().mapToDouble(SemanticIdReport.LevelUsage::utilization).min()
        .orElse(0);
    double minPpl = rep.codes().perLevel().stream().mapToDouble(SemanticIdReport.LevelUsage::perplexity).min()
        .orElse(0);
    SemanticIdReport.EmbeddingFigures e = rep.embedding();
    int suffixNeeded = rep.codes().groupSizeHistogram().isEmpty() ? 0 : rep.codes().groupSizeHistogram().lastKey();
    w.printf(Locale.ROOT, "%-34s %8.2f %8.3f %8.3f%% %9.4f %7.1f%% %8.1f %7.1f%% %7.1f%% %8.4f %6.0f%% %7.2f%% %7d%n",
        label, MethodRun.median(fit), MethodRun.median(assign), 100 * rep.rawCollisionRate(), e.mse(),
        100 * minUtil, minPpl, 100 * e.neighbourPreservationLevel1(), 100 * e.neighbourPreservationLevel12(),
        e.meanCosine(), 100 * MethodRun.median(cpuShare), 100 * rep.codes().uniqueShareByDepth().get(Math.min(1, rep.codes().levels() - 1)),
        suffixNeeded);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("recipe", label);
    row.put("fit_s", MethodRun.median(fit));
    row.put("assign_s", MethodRun.median(assign));
    row.put("fit_cpu_share", MethodRun.median(cpuShare));
    row.put("suffix_range_needed", suffixNeeded);
    row.put("report", rep.toMap());
    return row;
  }
}
