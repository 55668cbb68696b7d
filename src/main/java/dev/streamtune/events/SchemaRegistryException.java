package dev.streamtune.events;

/**
 * A schema registry refused a request or could not be reached.
 *
 * <p>{@link #status()} is the HTTP status, or 0 when no answer came (connection refused, timeout);
 * {@link #errorCode()} is Confluent's finer code, such as 40401 (subject not found), 40403 (schema
 * not found), 409 (incompatible) or 42201 (invalid schema), or 0. Whether to retry is decided by
 * {@link Failures}.
 */
public final class SchemaRegistryException extends RuntimeException {
  /** Confluent's code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent's code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent's code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent's code: no subject-level compatibility configured. */
  public static final int SUBJECT_CONFIG_NOT_FOUND = 40408;

  /** Confluent's code: incompatible schema. */
  public static final int INCOMPATIBLE = 409;

  /** Confluent's code: invalid schema. */
  public static final int INVALID_SCHEMA = 42201;

  /** Confluent's code: invalid version. */
  public static final int INVALID_VERSION = 42202;

  /** Confluent's code: invalid compatibility level. */
  public static final int INVALID_COMPATIBILITY = 42203;

  private final int status;
  private final int errorCode;

  /**
   * @param status HTTP status, 0 if none
   * @param errorCode Confluent error code, 0 if none
   * @param message what went wrong, for people
   * @param cause the underlying error, or null
   */
  public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /**
   * @param status HTTP status
   * @param errorCode Confluent error code
   * @param message what went wrong
   */
  public SchemaRegistryException(int status, int errorCode, String message) {
    this(status, errorCode, message, null);
  }

  /** The HTTP status, or 0 when the registry did not answer. */
  public int status() {
    return status;
  }

  /** Confluent's error code, or 0. */
  public int errorCode() {
    return errorCode;
  }
}
