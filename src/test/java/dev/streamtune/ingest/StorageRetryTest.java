package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Storage retries are summarised: an outage that makes a call fail three times logs one WARN when
 * it starts and one INFO when storage answers, not a WARN per retry; a refusal is not retried.
 */
class StorageRetryTest {

  @Test
  void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
    AtomicInteger calls = new AtomicInteger();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<ILoggingEvent> log =
        logged(
            () ->
                new StorageRetry(Duration.ofSeconds(30))
                    .callBy(
                        deadline,
                        "put k",
                        () -> {
                          if (calls.incrementAndGet() <= 3) {
                            throw new UncheckedIOException(
                                new IOException("S3 did not answer put k"));
                          }
                          return "ok";
                        }));
    assertThat(calls).hasValue(4);
    assertThat(log).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
    assertThat(log.get(0).getFormattedMessage())
        .contains("Storage is unavailable", "S3 did not answer put k");
    assertThat(log.get(1).getFormattedMessage()).contains("after", "3 retries");
  }

  @Test
  void aLongOutageIsSummarisedNotLoggedPerRetry() {
    OutageLog outage = new OutageLog(Duration.ZERO);
    List<ILoggingEvent> log =
        logged(
            () -> {
              for (int i = 0; i < 5; i++) {
                outage.retrying("put k", new IllegalStateException("down"));
              }
              outage.answered();
              outage.answered();
            });
    assertThat(log)
        .extracting(ILoggingEvent::getFormattedMessage)
        .hasSize(6)
        .anySatisfy(m -> assertThat(m).contains("5 retries so far"))
        .last()
        .satisfies(m -> assertThat(m).contains("5 retries"));
    assertThat(outage.retries()).isZero();
  }

  private static List<ILoggingEvent> logged(Runnable action) {
    Logger logger = (Logger) LoggerFactory.getLogger(StorageRetry.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      action.run();
    } finally {
      logger.detachAppender(seen);
    }
    return seen.list;
  }
}
