package dev.streamtune.events;

/**
 * Implemented by exceptions that mean the record itself is bad, never an outage: {@link Failures}
 * dead-letters them, and {@link #reason()} goes into the dead-letter headers.
 */
public interface BadData {

  /** The broken rule, such as {@code WRONG_MAGIC_BYTE} or {@code BAD_LABEL}. */
  String reason();
}
