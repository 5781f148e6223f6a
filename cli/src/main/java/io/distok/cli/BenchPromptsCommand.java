package io.distok.cli;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.prompt.GraphPrompter;
import io.distok.graph.prompt.PromptEncoding;
import io.distok.graph.prompt.TokenCounter;
import io.distok.graph.source.TripleFiles;
import io.distok.util.InvalidInputException;
import io.distok.util.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code distok bench prompts}: graph-to-LLM prompts on a real graph. Part one renders random prompts (random
 * node, budget, encoding, ranking and radius) and recounts each with a second, independently loaded tokenizer,
 * reporting any prompt above its budget; part two renders a prompt for every node at a fixed budget with each
 * ranking and reports prompts per second and the share of the focal nodes' edges kept.
 */
@Command(name = "prompts", mixinStandardHelpOptions = true,
    description = "Benchmark graph prompts: random prompts recounted by a real tokenizer (never above budget), and "
        + "every node's prompt at a fixed budget with PPR and hop ranking (prompts/s, focal edges kept).")
public final class BenchPromptsCommand implements Callable<Integer> {
  @Option(names = "--triples", required = true, description = "Triple file of the graph (e.g. "
      + "../shared/data/kg/FB15k-237/train.txt.gz).")
  Path triples;

  @Option(names = "--edges", description = "Read --triples as an edge list u<TAB>v (e.g. Cora's edges.tsv).")
  boolean edgeList;

  @Option(names = "--tokenizer", defaultValue = "cl100k_base", description = "An OpenAI encoding or a HuggingFace "
      + "tokenizer.json (default: ${DEFAULT-VALUE}).")
  String tokenizer;

  @Option(names = "--prompts", defaultValue = "10000", description = "Random prompts (default: ${DEFAULT-VALUE}).")
  int prompts;

  @Option(names = "--budget", defaultValue = "512", description = "Budget of the every-node part (default: "
      + "${DEFAULT-VALUE}).")
  int budget;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the random prompts (default: "
      + "${DEFAULT-VALUE}).")
  long seed;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    if (!Files.exists(triples)) {
      throw new InvalidInputException(triples + ": no such file; the benchmark graphs live in ../shared/data beside "
          + "a development checkout (see bench/DATA.md for where to get them)");
    }
    if (prompts < 1 || budget < 1) {
      throw CliSupport.usage(spec, "--prompts and --budget must be >= 1");
    }
    CsrGraph g = edgeList ? TripleFiles.readEdgeList(triples) : TripleFiles.readTriples(triples);
    TokenCounter counter = counter();
    TokenCounter recount = counter();
    GraphPrompter p = new GraphPrompter(g, null);
    w.printf(Locale.ROOT, "%s: %s; counted in %s%n", triples.getFileName(), g.describe(), counter.unit());

    PromptEncoding[] encodings = {PromptEncoding.TRIPLES, PromptEncoding.INCIDENT, PromptEncoding.JSON};
    AtomicLong over = new AtomicLong();
    AtomicLong mismatched = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    AtomicLong filled = new AtomicLong();
    AtomicLong budgets = new AtomicLong();
    long t0 = System.nanoTime();
    Parallel.forEachChunk(prompts, 64, (c, from, to) -> {
      for (int i = from; i < to; i++) {
        SplittableRandom rng = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * i);
        String node = g.nodeName(rng.nextInt(g.nodeCount()));
        int b = 32 + rng.nextInt(993);
        GraphPrompter.Options o = new GraphPrompter.Options(1 + rng.nextInt(2), 10 + rng.nextInt(91), b, counter,
            rng.nextBoolean() ? GraphPrompter.Ranking.PPR : GraphPrompter.Ranking.HOPS);
        try {
          GraphPrompter.Prompt r = p.render(node, encodings[rng.nextInt(encodings.length)], o);
          int n = recount.count(r.text());
          over.addAndGet(n > b ? 1 : 0);
          mismatched.addAndGet(n != r.count() ? 1 : 0);
          filled.addAndGet(n);
          budgets.addAndGet(b);
        } catch (InvalidInputException e) {
          refused.incrementAndGet();
        }
      }
    });
    double sec = (System.nanoTime() - t0) / 1e9;
    w.printf(Locale.ROOT, "random prompts: %d (budgets 32-1024 tokens, 1-2 hops, 10-100 nodes, triples/incident/json,"
        + " ppr/hops) in %.2f s; above budget by the recount: %d; recount differs from the reported count: %d; "
        + "refused as too small: %d; tokens used / budget: %.1f%%%n", prompts, sec, over.get(), mismatched.get(),
        refused.get(), 100.0 * filled.get() / Math.max(1, budgets.get()));

    w.printf(Locale.ROOT, "%nevery node, triples, budget %d %s:%n%-8s %6s %10s %10s %14s %12s%n", budget,
        counter.unit(), "ranking", "radius", "prompts", "prompts/s", "focal edges %", "mean tokens");
    for (int radius = 1; radius <= 2; radius++) {
      for (GraphPrompter.Ranking ranking : GraphPrompter.Ranking.values()) {
        GraphPrompter.Options o = new GraphPrompter.Options(radius, 50, budget, counter, ranking);
        AtomicLong kept = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        long s0 = System.nanoTime();
        Parallel.forEachChunk(g.nodeCount(), 64, (c, from, to) -> {
          for (int v = from; v < to; v++) {
            GraphPrompter.Prompt r = p.render(g.nodeName(v), PromptEncoding.TRIPLES, o);
            kept.addAndGet(r.focalEdgesKept());
            total.addAndGet(r.focalEdgesTotal());
            tokens.addAndGet(r.count());
          }
        });
        double s = (System.nanoTime() - s0) / 1e9;
        w.printf(Locale.ROOT, "%-8s %6d %10d %10.0f %14.1f %12.1f%n", ranking.name().toLowerCase(Locale.ROOT),
            radius, g.nodeCount(), g.nodeCount() / s, 100.0 * kept.get() / Math.max(1, total.get()),
            (double) tokens.get() / g.nodeCount());
      }
    }
    w.printf(Locale.ROOT, "focal edges %% = edges touching the focal node kept in its prompt / its degree, over all "
        + "nodes; peak RSS %d MB%n", peakRssMb());
    return 0;
  }

  private TokenCounter counter() {
    return TokenCounter.named(tokenizer).orElseThrow(() -> CliSupport.usage(spec, "--tokenizer " + tokenizer
        + ": not " + TokenCounter.NAMES));
  }

  /** The process's peak resident set (VmHWM) from /proc, or -1 where there is none. */
  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
