package dev.streamtune.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's last word on a thread that ends with an exception, through the logs instead of the
 * JVM's bare stack trace on standard error. A Kafka Streams stream thread ends so whenever ingest's
 * stream-thread handler replaces it (an outage) or shuts the client down, and that handler has
 * already logged why: its end is one line. Any other thread's end is an ERROR with its stack trace,
 * since nothing else has reported it.
 */
final class ThreadDeaths implements Thread.UncaughtExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadDeaths.class);

  private ThreadDeaths() {}

  /** Installs the handler for every thread of the process that has none of its own. */
  static void install() {
    Thread.setDefaultUncaughtExceptionHandler(new ThreadDeaths());
  }

  @Override
  public void uncaughtException(Thread t, Throwable e) {
    if (t.getName().contains("-StreamThread-")) {
      LOG.info(
          "Stream thread {} ended after its handler decided what to do: {}",
          t.getName(),
          e.toString());
    } else {
      LOG.error("Thread {} ended on an exception nothing handled", t.getName(), e);
    }
  }
}
