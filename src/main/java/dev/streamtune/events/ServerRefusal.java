package dev.streamtune.events;

/**
 * Implemented by exceptions that carry a server's answer to one request: its HTTP status (0 when no
 * answer came, -1 when unknown) and the server's error code (such as S3's {@code AccessDenied}).
 * {@link Failures#forRecord} reads them to tell a refused record from an outage.
 */
public interface ServerRefusal {

  /** The HTTP status: 0 when no answer came, -1 when unknown. */
  int status();

  /**
   * The server's error code, such as {@code AccessDenied} or {@code NoSuchBucket}; empty when none.
   */
  String code();
}
