package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream thread that ingest's handler replaced ends with one log line and no stack trace; any
 * other thread that dies says so with its trace, in the logs rather than on bare standard error.
 */
class ThreadDeathsTest {

  @Test
  void aReplacedStreamThreadEndsInOneLineAndOtherThreadsWithTheirTrace() throws Exception {
    List<ILoggingEvent> seen =
        LogCapture.of(
            () -> {
              Thread.UncaughtExceptionHandler handler = install();
              die("app-1b2c-StreamThread-3", handler);
              die("trainer-run", handler);
            },
            ThreadDeaths.class.getName());
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).getLevel()).isEqualTo(Level.INFO);
    assertThat(seen.get(0).getThrowableProxy()).isNull();
    assertThat(seen.get(0).getFormattedMessage()).contains("StreamThread-3", "S3 did not answer");
    assertThat(seen.get(1).getLevel()).isEqualTo(Level.ERROR);
    assertThat(seen.get(1).getThrowableProxy()).isNotNull();
  }

  private static Thread.UncaughtExceptionHandler install() {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    ThreadDeaths.install();
    Thread.UncaughtExceptionHandler installed = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(before);
    return installed;
  }

  private static void die(String name, Thread.UncaughtExceptionHandler handler)
      throws InterruptedException {
    Thread t =
        new Thread(
            () -> {
              throw new IllegalStateException("S3 did not answer");
            },
            name);
    t.setUncaughtExceptionHandler(handler);
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(10));
  }
}
