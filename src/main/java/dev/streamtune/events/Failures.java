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
 *
 * <p>A request made on behalf of one record (reading the object an event refers to, writing one
 * example) is judged by {@link #forRecord}: every 4xx a server answers it with is bad data, since
 * retrying cannot change the answer and stopping would replay the same record forever; only server
 * and network faults are retried, and refused credentials still stop the work.
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

  private static final java.util.Set<String> CREDENTIAL_CODES =
      java.util.Set.of(
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "InvalidToken",
          "TokenRefreshRequired");

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
      if (t instanceof IOException
          || t instanceof UncheckedIOException
          || t instanceof TimeoutException
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
   * Classifies an error of a request made on behalf of one record: a server's 4xx refusal ({@link
   * ServerRefusal}) is DEAD_LETTER, except 408 and 429 (retried) and refused credentials (401, or
   * S3's {@code InvalidAccessKeyId}, {@code SignatureDoesNotMatch}, {@code ExpiredToken}, {@code
   * InvalidToken}: FATAL, since every record would be refused alike); no answer or a 5xx is RETRY;
   * anything else as {@link #classify}.
   */
  public static Disposition forRecord(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ServerRefusal r && (r.status() == 0 || r.status() >= 500)) {
        return Disposition.RETRY;
      }
      if (t instanceof ServerRefusal r && r.status() >= 400 && r.status() < 500) {
        if (r.status() == 408 || r.status() == 429) {
          return Disposition.RETRY;
        }
        return r.status() == 401 || CREDENTIAL_CODES.contains(r.code())
            ? Disposition.FATAL
            : Disposition.DEAD_LETTER;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return classify(error);
  }

  /**
   * Classifies an error of a write to Streamtune's own bucket on behalf of one record: as {@link
   * #forRecord}, except that a bucket that does not exist ({@code NoSuchBucket}) is FATAL, since
   * every record's write would be refused alike and dead-lettering them all would only empty the
   * stream into the dead-letter topic.
   */
  public static Disposition forWrite(Throwable error) {
    for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ServerRefusal r && "NoSuchBucket".equals(r.code())) {
        return Disposition.FATAL;
      }
    }
    return forRecord(error);
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
