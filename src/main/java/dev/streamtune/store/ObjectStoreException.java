package dev.streamtune.store;

import dev.streamtune.events.ServerRefusal;

/**
 * Object storage refused a request (access denied, no such bucket, ...): not an outage. Carries the
 * server's status and error code, so that {@link dev.streamtune.events.Failures} can tell a refused
 * record from a misconfiguration.
 */
public final class ObjectStoreException extends RuntimeException implements ServerRefusal {
  private final int status;
  private final String code;

  /**
   * A refusal whose status is not known.
   *
   * @param message what was refused
   * @param cause the client's error
   */
  public ObjectStoreException(String message, Throwable cause) {
    this(message, -1, "", cause);
  }

  /**
   * @param message what was refused
   * @param status the HTTP status of the answer
   * @param code the S3 error code, such as {@code AccessDenied}
   * @param cause the client's error
   */
  public ObjectStoreException(String message, int status, String code, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code == null ? "" : code;
  }

  @Override
  public int status() {
    return status;
  }

  @Override
  public String code() {
    return code;
  }
}
