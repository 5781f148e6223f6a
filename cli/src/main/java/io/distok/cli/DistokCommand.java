package io.distok.cli;

import io.distok.quant.InvalidInputException;
import io.distok.quant.io.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code distok} command. */
@Command(name = "distok", mixinStandardHelpOptions = true, versionProvider = DistokCommand.VersionProvider.class,
    description = "Discrete tokenization of vectors, graphs and recommendation items.",
    subcommands = {DemoCommand.class, QuantizeCommand.class, SemanticIdsCommand.class, GraphCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class DistokCommand implements Runnable {
  /** Exit code for bad input (a clear message, no stack trace). */
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(out, err, args);
    // autoflush covers println/printf only; text written with print() must not be lost at exit
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new DistokCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
      Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
      String msg = userMessage(t);
      if (msg != null) {
        cmd.getErr().println("distok: error: " + msg);
        return EXIT_BAD_INPUT;
      }
      throw ex;
    });
    return cl.execute(args);
  }

  /** The message to show for an expected failure, or null for a bug (which keeps its stack trace). */
  static String userMessage(Throwable t) {
    if (t instanceof InvalidInputException) {
      return t.getMessage();
    }
    if (t instanceof NoSuchFileException e) {
      return e.getFile() + ": no such file";
    }
    if (t instanceof AccessDeniedException e) {
      return e.getFile() + ": permission denied";
    }
    if (t instanceof IOException) {
      return t.toString();
    }
    if (t instanceof IllegalArgumentException) {
      return t.getMessage();
    }
    return null;
  }

  /** Prints the library version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"distok " + Version.get()};
    }
  }
}
