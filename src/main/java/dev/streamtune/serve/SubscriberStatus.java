package dev.streamtune.serve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a {@link ModelSubscriber} stands: following {@code models.versions}, stuck since an instant
 * (it cannot read or load what comes next, and retries with backoff), or stopped for good (an error
 * that retrying cannot fix, such as refused credentials). The backoff doubles from {@value
 * #FIRST_MILLIS} ms after each failure in a row, up to {@value #MAX_MILLIS} ms, and starts over
 * once the subscriber progresses. Times come from the injected {@link Clock}. Thread-safe.
 */
public final class SubscriberStatus {
  static final long FIRST_MILLIS = 500;
  static final long MAX_MILLIS = 30_000;
  private final Clock clock;
  private Instant stuckSince;
  private String reason;
  private String stopped;
  private int failures;

  SubscriberStatus(Clock clock) {
    this.clock = clock;
  }

  /** It read or loaded what it tried to: not stuck any more. */
  synchronized void progressed() {
    stuckSince = null;
    reason = null;
    failures = 0;
  }

  /**
   * It failed, and will try again.
   *
   * @return how long to wait before the next try
   */
  synchronized Duration failed(String why) {
    if (stuckSince == null) {
      stuckSince = clock.instant();
    }
    reason = why;
    long wait = Math.min(MAX_MILLIS, FIRST_MILLIS << Math.min(failures, 16));
    failures++;
    return Duration.ofMillis(wait);
  }

  /** It stopped for good. */
  synchronized void stopped(String why) {
    stopped = why;
  }

  /** Whether it still follows the topic or retries: false once it stopped for good. */
  public synchronized boolean alive() {
    return stopped == null;
  }

  /** When the current run of failures began, while it has not progressed since. */
  public synchronized Optional<Instant> stuckSince() {
    return Optional.ofNullable(stuckSince);
  }

  /** Whether it has been stuck for {@code limit} or longer (at once for zero), or stopped. */
  public synchronized boolean stuckFor(Duration limit) {
    return stopped != null
        || stuckSince != null
            && !Duration.between(stuckSince, clock.instant()).minus(limit).isNegative();
  }

  /** What is wrong, in words, for the health endpoints; empty when it follows the topic. */
  public synchronized Optional<String> problem() {
    if (stopped != null) {
      return Optional.of("model subscriber stopped for good: " + stopped);
    }
    if (stuckSince != null) {
      return Optional.of(
          "model subscriber stuck since "
              + stuckSince
              + " ("
              + failures
              + " failed tries): "
              + reason);
    }
    return Optional.empty();
  }
}
