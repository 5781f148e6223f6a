package io.distok.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code distok bench}: benchmarks that print tables (never timed unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks on real data files; figures are ratios against baselines measured in the same run.",
    subcommands = {BenchQuantizeCommand.class, BenchSemanticIdsCommand.class, BenchCollapseCommand.class, BenchGraphCommand.class, BenchSearchCommand.class, BenchNodeSearchCommand.class, BenchPromptsCommand.class, BenchSparkCommand.class,
        BenchGenerateCommand.class})
public final class BenchCommand implements Runnable {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
