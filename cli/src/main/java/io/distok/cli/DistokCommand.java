package io.distok.cli;

import io.distok.util.InvalidInputException;
import io.distok.util.UnavailableServiceException;
import io.distok.util.io.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code distok} command. */
@Command(name = "distok", mixinStandardHelpOptions = true, versionProvider = DistokCommand.VersionProvider.class,
    description = "Discrete tokenization of vectors, graphs and recommendation items.",
    subcommands = {DemoCommand.class, QuantizeCommand.class, SemanticIdsCommand.class, GraphCommand.class,
        IndexCommand.class, SearchCommand.class, BenchCommand.class, SparkCommand.class,
        CommandLine.HelpCommand.class})
public final class DistokCommand implements Runnable {
  /** Exit code for a command line that is wrong (unknown option, bad option value): sysexits EX_USAGE. */
  public static final int EXIT_USAGE = 64;
  /** Exit code for bad input data (a clear message, no stack trace): sysexits EX_DATAERR. */
  public static final int EXIT_BAD_INPUT = 65;
  /** Exit code for a service that cannot be reached or refuses the login: sysexits EX_UNAVAILABLE. */
  public static final int EXIT_UNAVAILABLE = 69;
  /** Exit code for a bug (the stack trace is printed): sysexits EX_SOFTWARE. */
  public static final int EXIT_SOFTWARE = 70;
  /** Exit code for an I/O failure (unreadable or unwritable path, full disk): sysexits EX_IOERR. */
  public static final int EXIT_IO = 74;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Lucene logs its vector-API setup at INFO through java.util.logging on every start; a command line keeps quiet
   * unless something is wrong. Held here so that the configured logger is not collected.
   */
  private static final java.util.logging.Logger LUCENE_LOG = java.util.logging.Logger.getLogger("org.apache.lucene");

  public static void main(String[] args) {
    LUCENE_LOG.setLevel(java.util.logging.Level.WARNING);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code;
    try {
      code = execute(out, err, args);
    } catch (OutOfMemoryError e) {
      // temporary files are removed by their writers' finally blocks and shutdown hooks on the way out
      long limitMb = Runtime.getRuntime().maxMemory() >> 20;
      // the JVM's own words say which memory ran out: "Java heap space", "Map failed", "Direct buffer memory", ...
      err.printf("distok: error: out of memory (%s; Java heap limit %d MB); give the JVM more with "
          + "DISTOK_JAVA_OPTS=-Xmx<size>, e.g. -Xmx%dg%n", e.getMessage() == null ? "no detail" : e.getMessage(),
          limitMb, Math.max(2, 2 * ((limitMb + 1023) >> 10)));
      code = EXIT_SOFTWARE;
    }
    // autoflush covers println/printf only; text written with print() must not be lost at exit
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line with the given output streams; returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new DistokCommand());
    QuantizeCommand.registerFamilyOptions(cl.getSubcommands().get("quantize"));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, parseArgs) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("distok: error: " + ex.getMessage());
      cmd.getErr().println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((ex, cmd, parse) -> {
      Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
      int code = exitCode(t);
      if (code == EXIT_SOFTWARE) {
        throw ex;
      }
      cmd.getErr().println("distok: error: " + userMessage(t));
      return code;
    });
    cl.setExitCodeExceptionMapper(t -> EXIT_SOFTWARE);
    return cl.execute(args);
  }

  /** The exit code for a failure: bad data, I/O, unreachable service, or {@link #EXIT_SOFTWARE} for a bug. */
  static int exitCode(Throwable t) {
    if (t instanceof InvalidInputException) {
      return EXIT_BAD_INPUT;
    }
    if (t instanceof UnavailableServiceException) {
      return EXIT_UNAVAILABLE;
    }
    if (t instanceof IOException) {
      return EXIT_IO;
    }
    return EXIT_SOFTWARE;
  }

  /** The one-line message for an expected failure, naming the path and the problem in words. */
  static String userMessage(Throwable t) {
    if (t instanceof NoSuchFileException e) {
      return e.getFile() + ": no such file or folder";
    }
    if (t instanceof AccessDeniedException e) {
      return e.getFile() + ": permission denied";
    }
    if (t instanceof FileSystemException e) {
      return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "file system error");
    }
    String m = t.getMessage();
    return m != null ? m : t.getClass().getSimpleName();
  }

  /** Prints the library version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"distok " + Version.get()};
    }
  }
}
