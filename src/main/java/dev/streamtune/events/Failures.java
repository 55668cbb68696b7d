package dev.streamtune.events;

import dev.streamtune.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that decides what an error means: try again, dead-letter the record, or stop.
 *
 * <p>Outages are not bad data: an unreachable or failing registry is retried and never sends a
 * record to the dead-letter topic. A malformed payload is dead-lettered. Anything else, including
 * refused credentials and bad configuration, stops the work with a clear message.
 */
public final class Failures {

  /** What to do about an error. */
  public enum Disposition {
    /** A transient outage: back off and try again; the record is kept. */
    RETRY,
    /** The record itself is bad: send it to the dead-letter topic with the reason, and go on. */
    DEAD_LETTER,
    /** A bug or a misconfiguration: stop, saying why. */
    FATAL
  }

  private Failures() {}

  /** Classifies an error, looking through its causes. */
  public static Disposition classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BadData) {
        return Disposition.DEAD_LETTER;
      }
      if (t instanceof SchemaRegistryException e) {
        return classifyStatus(e.status());
      }
      if (t instanceof ConfigException) {
        return Disposition.FATAL;
      }
      if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException
          || t instanceof org.apache.kafka.common.errors.RetriableException) {
        return Disposition.RETRY;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Disposition.FATAL;
  }

  /**
   * Classifies an HTTP answer: no answer (0), 408, 429 and 5xx are retried; other statuses,
   * including 401 and 403, are fatal.
   */
  public static Disposition classifyStatus(int status) {
    if (status == 0 || status == 408 || status == 429 || status >= 500) {
      return Disposition.RETRY;
    }
    return Disposition.FATAL;
  }
}
