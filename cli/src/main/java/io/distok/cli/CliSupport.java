package io.distok.cli;

import io.distok.util.io.OutputPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Small helpers every command uses: usage errors, option checks, readable parameter lists. */
final class CliSupport {
  private CliSupport() {}

  /** A usage error (exit code 64) for the command of {@code spec}. */
  static CommandLine.ParameterException usage(CommandSpec spec, String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * Builds a library configuration from option values; the library's {@link IllegalArgumentException} for an
   * out-of-range value becomes a usage error naming the problem.
   */
  static <T> T options(CommandSpec spec, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw usage(spec, e.getMessage());
    }
  }

  /** Refuses an output that is, or holds, one of the inputs (a usage error). */
  static void requireDistinct(CommandSpec spec, String option, Path output, Path... inputs) throws IOException {
    try {
      OutputPaths.requireDistinct(option, output, inputs);
    } catch (io.distok.util.InvalidInputException e) {
      throw usage(spec, e.getMessage());
    }
  }

  /** {@code K=256, niter=20, beam=1}: a parameter map as a user reads it (lists comma-separated). */
  static String describe(Map<String, ?> parameters) {
    StringJoiner j = new StringJoiner(", ");
    for (Map.Entry<String, ?> e : parameters.entrySet()) {
      Object v = e.getValue();
      String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
          : String.valueOf(v);
      j.add(e.getKey() + "=" + text);
    }
    return j.toString();
  }
}
