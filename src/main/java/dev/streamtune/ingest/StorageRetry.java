package dev.streamtune.ingest;

import dev.streamtune.events.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries storage calls made for one record that fail with an outage ({@link Failures#forRecord}
 * says RETRY), with exponential backoff, for a bounded time; then the error propagates and fails
 * the stream task, which restarts from its last commit. Other errors propagate at once. An outage
 * is logged once when it starts, summarised while it lasts and once when storage answers again,
 * however many writes retry meanwhile ({@link OutageLog}).
 */
final class StorageRetry {
  private static final Duration FIRST = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(5);
  private static final OutageLog OUTAGE = new OutageLog(Duration.ofSeconds(30));
  private final Duration budget;

  StorageRetry(Duration budget) {
    this.budget = budget;
  }

  /** The time each call, or each batch of writes behind one commit, may be retried. */
  Duration budget() {
    return budget;
  }

  /**
   * Calls, retrying outages until {@code deadline} ({@link System#nanoTime}); past it, fails at
   * once without calling, as an outage (the transaction is replayed).
   */
  <T> T callBy(long deadline, String what, Supplier<T> call) {
    if (System.nanoTime() > deadline) {
      throw new UncheckedIOException(
          new IOException(
              "The commit's storage budget of "
                  + budget.toSeconds()
                  + " s is spent; not trying "
                  + what));
    }
    Duration backoff = FIRST;
    while (true) {
      try {
        T result = call.get();
        OUTAGE.answered();
        return result;
      } catch (RuntimeException e) {
        if (Failures.forRecord(e) != Failures.Disposition.RETRY
            || System.nanoTime() + backoff.toNanos() > deadline) {
          throw e;
        }
        OUTAGE.retrying(what, e);
      }
      try {
        Thread.sleep(backoff.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while retrying " + what, ie);
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX) > 0 ? MAX : backoff.multipliedBy(2);
    }
  }

  void runBy(long deadline, String what, Runnable call) {
    callBy(
        deadline,
        what,
        () -> {
          call.run();
          return null;
        });
  }
}
