package io.distok.cli;

import io.distok.util.ProgressListener;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on standard error, drawn only when the process runs on an interactive terminal (so
 * logs and CI output stay quiet): stage, bar, percentage, count, rate and time left; for an unknown total
 * (a negative one) the count and rate only. Redraws at most ten times a second, and erases itself when a stage
 * completes, so whatever is printed next starts on a clean line.
 */
final class TerminalProgress implements ProgressListener, AutoCloseable {
  static final int WIDTH = 16;
  private static final int LINE = 79;
  private final PrintStream out;
  private final boolean enabled;
  private final LongSupplier clock;
  private String stage;
  private long stageStart;
  private long lastDraw;
  private boolean drawn;

  TerminalProgress(PrintStream out, boolean enabled, LongSupplier nanoClock) {
    this.out = out;
    this.enabled = enabled;
    this.clock = nanoClock;
  }

  /** A bar on stderr when attached to a terminal, otherwise a listener that draws nothing. */
  static TerminalProgress create() {
    return new TerminalProgress(System.err, isTerminal(), System::nanoTime);
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
  public synchronized void progress(String stageName, long done, long total) {
    if (!enabled) {
      return;
    }
    long now = clock.getAsLong();
    if (!stageName.equals(stage)) {
      stage = stageName;
      stageStart = now;
      lastDraw = now - 1_000_000_000L;
    }
    boolean complete = total >= 0 && done >= total;
    if (complete) {
      erase();
      stage = null;
      return;
    }
    if (now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    out.print("\r" + render(stageName, done, total, now - stageStart));
    out.flush();
    drawn = true;
  }

  /**
   * The bar line, at most {@value #LINE} characters: {@code "stage [#####     ] 42.0% 420/1,000 35/s 17 s left"},
   * or {@code "stage 420 done 35/s"} when the total is unknown.
   */
  static String render(String stage, long done, long total, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String name = stage.length() <= 22 ? stage : stage.substring(0, 21) + "~";
    String line;
    if (total < 0) {
      line = String.format(Locale.ROOT, "%-22s %,d done %s", name, done, rate(rate));
    } else {
      double f = total == 0 ? 1 : Math.min(1, done / (double) total);
      int filled = (int) Math.floor(f * WIDTH);
      String eta = rate > 0 && done < total ? " " + duration((total - done) / rate) + " left" : "";
      line = String.format(Locale.ROOT, "%-22s [%s%s] %5.1f%% %,d/%,d %s%s", name, "#".repeat(filled),
          " ".repeat(WIDTH - filled), 100 * f, done, total, rate(rate), eta);
    }
    return line.length() <= LINE ? String.format("%-" + LINE + "s", line) : line.substring(0, LINE);
  }

  private static String rate(double perSecond) {
    return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.1fM/s", perSecond / 1e6)
        : perSecond >= 1e3 ? String.format(Locale.ROOT, "%.1fk/s", perSecond / 1e3)
            : String.format(Locale.ROOT, "%.0f/s", perSecond);
  }

  private static String duration(double s) {
    long t = Math.round(s);
    return t < 60 ? t + " s" : t < 3600 ? (t / 60) + " min " + (t % 60) + " s" : (t / 3600) + " h " + (t % 3600 / 60)
        + " min";
  }

  private void erase() {
    if (drawn) {
      out.print("\r" + " ".repeat(LINE) + "\r");
      out.flush();
      drawn = false;
    }
  }

  @Override
  public synchronized void close() {
    if (enabled) {
      erase();
    }
  }
}
