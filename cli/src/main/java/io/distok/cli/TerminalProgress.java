package io.distok.cli;

import io.distok.quant.ProgressListener;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * A one-line progress bar on standard error, drawn only when the process runs on an interactive terminal (so
 * logs and CI output stay quiet). Redraws at most ten times a second.
 */
final class TerminalProgress implements ProgressListener, AutoCloseable {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean enabled;
  private long lastDraw;
  private boolean drawn;

  private TerminalProgress(PrintStream out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  /** A bar on stderr when attached to a terminal, otherwise a listener that draws nothing. */
  static TerminalProgress create() {
    return new TerminalProgress(System.err, isTerminal());
  }

  /** True on an interactive terminal (Console.isTerminal on JDK 22+, a non-null console before). */
  static boolean isTerminal() {
    Console c = System.console();
    if (c == null) {
      return false;
    }
    try {
      Method m = Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public synchronized void progress(String stage, long done, long total) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    double f = total <= 0 ? 1 : Math.min(1, done / (double) total);
    int filled = (int) Math.round(f * WIDTH);
    out.print(String.format(Locale.ROOT, "\r%-28s [%s%s] %5.1f%% (%d/%d)", truncate(stage), "#".repeat(filled),
        " ".repeat(WIDTH - filled), 100 * f, done, total));
    out.flush();
    drawn = true;
  }

  private static String truncate(String s) {
    return s.length() <= 28 ? s : s.substring(0, 27) + "~";
  }

  @Override
  public synchronized void close() {
    if (enabled && drawn) {
      out.print("\r" + " ".repeat(80) + "\r");
      out.flush();
      drawn = false;
    }
  }
}
