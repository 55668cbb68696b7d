package dev.streamtune.demo;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on a terminal; plain lines, at each tenth of the way, when output is not a
 * terminal (a log file, a pipe, CI), so that logs carry no carriage returns or escape codes.
 *
 * <pre>{@code
 * try (Progress p = new Progress("produce pets", files.size(), out)) {
 *   files.forEach(f -> { send(f); p.step(); });
 * }
 * }</pre>
 */
public final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter plain;
  private final String task;
  private final long total;
  private long done;

  /** A bar when this process has a console, else plain lines on {@code out}. */
  public Progress(String task, long total, PrintWriter out) {
    this(task, total, out, System.console() != null);
  }

  /**
   * @param terminal whether {@code out} is a terminal: a bar (on standard error) if so, plain lines
   *     on {@code out} if not
   */
  public Progress(String task, long total, PrintWriter out, boolean terminal) {
    this.task = task;
    this.total = total;
    if (terminal) {
      this.bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setStyle(ProgressBarStyle.ASCII)
              .build();
      this.plain = null;
    } else {
      this.bar = null;
      this.plain = out;
    }
  }

  /** One more done. */
  public void step() {
    stepTo(done + 1);
  }

  /** {@code n} done in all; going back is ignored. */
  public void stepTo(long n) {
    if (n <= done) {
      return;
    }
    long before = done;
    done = n;
    if (bar != null) {
      bar.stepTo(done);
    } else if (total > 0 && (done * 10 / total != before * 10 / total || done == total)) {
      plain.printf("%s: %d/%d (%d%%)%n", task, done, total, done * 100 / total);
      plain.flush();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
