package dev.streamtune.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on a terminal; plain lines, every tenth of the way, when output is not a terminal. */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final PrintWriter plain;
  private final String task;
  private final long total;
  private long done;

  Progress(String task, long total, PrintWriter out) {
    this.task = task;
    this.total = total;
    if (System.console() != null) {
      this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).build();
      this.plain = null;
    } else {
      this.bar = null;
      this.plain = out;
    }
  }

  void step() {
    done++;
    if (bar != null) {
      bar.step();
    } else if (total > 0 && (done * 10 / total != (done - 1) * 10 / total || done == total)) {
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
