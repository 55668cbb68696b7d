package dev.streamtune.ingest;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of a storage outage as an operator wants it: one WARN when the first call fails, a
 * summary every {@code every} while calls keep failing (how many retries, for how long, the last
 * error), and one INFO when storage answers again. Shared by every writer thread of the process, so
 * an outage seen by many concurrent writes is still a handful of lines. Thread-safe.
 */
final class OutageLog {
  private static final Logger LOG = LoggerFactory.getLogger(StorageRetry.class);
  private final long everyNanos;
  private long since;
  private long lastSummary;
  private volatile long retries;

  OutageLog(Duration every) {
    this.everyNanos = every.toNanos();
  }

  /** A call failed with an outage and will be retried. */
  synchronized void retrying(String what, RuntimeException e) {
    long now = System.nanoTime();
    if (retries++ == 0) {
      since = now;
      lastSummary = now;
      LOG.warn(
          "Storage is unavailable ({}); retrying {} and every other call with backoff, summarised every {} s",
          e.getMessage(),
          what,
          everyNanos / 1_000_000_000L);
    } else if (now - lastSummary >= everyNanos) {
      lastSummary = now;
      LOG.warn(
          "Storage still unavailable after {} s: {} retries so far; last: {}",
          (now - since) / 1_000_000_000L,
          retries,
          e.getMessage());
    }
  }

  /** A call succeeded: ends the outage, if there was one. */
  void answered() {
    if (retries == 0) {
      return;
    }
    synchronized (this) {
      if (retries > 0) {
        LOG.info(
            "Storage answers again after {} s and {} retries",
            (System.nanoTime() - since) / 1_000_000_000L,
            retries);
        retries = 0;
      }
    }
  }

  /** Retries in the current outage, 0 when there is none. */
  synchronized long retries() {
    return retries;
  }
}
