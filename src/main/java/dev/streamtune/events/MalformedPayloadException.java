package dev.streamtune.events;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes are not a valid Confluent-wire-format Avro payload for the expected type.
 *
 * <p>This is bad data, never an outage: {@link Failures} dead-letters it. The {@link #reason()}
 * says which rule was broken and is what ingest writes into the dead-letter headers.
 */
public final class MalformedPayloadException extends SerializationException implements BadData {

  /** The broken rule. */
  public enum Reason {
    /** Zero bytes. */
    EMPTY,
    /** Fewer than the 5 header bytes (magic byte plus schema id). */
    TRUNCATED_HEADER,
    /** The first byte is not 0. */
    WRONG_MAGIC_BYTE,
    /** The registry has no schema with the id in the header. */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body ends before the writer schema says it should. */
    TRUNCATED_BODY,
    /**
     * The Avro body does not decode with the writer schema (bad union index, absurd length,
     * trailing bytes).
     */
    CORRUPT_BODY,
    /** The writer schema cannot be resolved into the reader type. */
    INCOMPATIBLE_SCHEMA
  }

  private final Reason reason;
  private final int schemaId;

  /**
   * @param reason the broken rule
   * @param schemaId the id in the header, or -1 when none was read
   * @param message details for people
   * @param cause the decoder's error, or null
   */
  public MalformedPayloadException(Reason reason, int schemaId, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    this.reason = reason;
    this.schemaId = schemaId;
  }

  /** The broken rule. */
  public Reason kind() {
    return reason;
  }

  @Override
  public String reason() {
    return reason.name();
  }

  /** The schema id from the header, or -1. */
  public int schemaId() {
    return schemaId;
  }
}
