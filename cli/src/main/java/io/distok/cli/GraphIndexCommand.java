package io.distok.cli;

import io.distok.graph.csr.CsrGraph;
import io.distok.graph.nodepiece.InductiveTokenizer;
import io.distok.graph.nodepiece.NodePieceConfig;
import io.distok.graph.nodepiece.NodePieceTokenizer;
import io.distok.graph.nodepiece.NodeTokenization;
import io.distok.lucene.index.NodeIndexWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code distok index nodes}: tokenize a graph and index its nodes' tokens in Lucene. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
    description = "Tokenize a graph (anchor-relation tokens) and index every node's tokens for similarity search; "
        + "replaces a node index in --index as a whole.")
final class GraphIndexCommand implements Callable<Integer> {
  @Mixin
  GraphCommand.Source source;

  @Mixin
  GraphCommand.TokenizerOptions options;

  @Option(names = "--index", required = true, description = "Index directory (created when absent).")
  Path index;

  @Option(names = "--vocab-out", description = "Also save the vocabulary and anchor labels here, for searching by "
      + "an unseen node's edges (distok search nodes --unseen).")
  Path vocabOut;

  @Option(names = "--max-distance", defaultValue = "8", description = "Hop distance at and beyond which a shared "
      + "anchor weighs 1; nearer anchors weigh up to max-distance + 1 (default: ${DEFAULT-VALUE}).")
  int maxDistance;

  @Mixin
  QuantizeCommand.ThreadsMixin threads;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter w = spec.commandLine().getOut();
    NodePieceConfig config = options.config();
    if (maxDistance < 0) {
      throw CliSupport.usage(spec, "--max-distance must be >= 0, got " + maxDistance);
    }
    CliSupport.requireDistinct(spec, "--index", index, source.inputs());
    CliSupport.requireDistinct(spec, "--vocab-out", vocabOut, source.inputs());
    try (TerminalProgress progress = TerminalProgress.create()) {
      long t0 = System.nanoTime();
      CsrGraph g = source.load(progress);
      NodeTokenization t = threads.run(() -> NodePieceTokenizer.tokenize(g, config, progress));
      long n = new NodeIndexWriter(index, maxDistance).write(t, progress);
      if (vocabOut != null) {
        InductiveTokenizer.of(t).save(vocabOut);
      }
      w.printf(Locale.ROOT, "indexed the tokens of %d nodes of %s into %s in %.2f s%s%n", n, g.describe(), index,
          (System.nanoTime() - t0) / 1e9, vocabOut == null ? "" : "; vocabulary saved to " + vocabOut);
    } finally {
      source.close();
    }
    return 0;
  }
}
