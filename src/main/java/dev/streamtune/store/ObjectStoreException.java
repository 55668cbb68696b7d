package dev.streamtune.store;

/** Object storage refused a request (access denied, no such bucket, ...): not an outage. */
public final class ObjectStoreException extends RuntimeException {
  /**
   * @param message what was refused
   * @param cause the client's error
   */
  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
