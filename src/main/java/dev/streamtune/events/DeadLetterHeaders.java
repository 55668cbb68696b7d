package dev.streamtune.events;

/**
 * The headers Streamtune adds to every record on the dead-letter topic, whichever stage refused it:
 * ingest's {@code decode} and {@code validate}, and the trainer's {@code train} (an example that
 * passed ingest but failed a full decode and was quarantined).
 */
public final class DeadLetterHeaders {
  /** Where the record was refused: {@code decode}, {@code validate} or {@code train}. */
  public static final String STAGE = "streamtune.stage";

  /** The broken rule ({@link BadData#reason()}). */
  public static final String REASON = "streamtune.reason";

  /** When the record was refused, ISO-8601. */
  public static final String TIME = "streamtune.time";

  /**
   * The stage of the trainer's dead letters: their records are references to objects, not events.
   */
  public static final String TRAIN_STAGE = "train";

  private DeadLetterHeaders() {}
}
