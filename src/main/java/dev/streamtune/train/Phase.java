package dev.streamtune.train;

import java.util.Locale;

/**
 * The phases of a training run, in order, as {@code training.status} and the run's timings name
 * them ({@link #wire}): listing the examples, computing features (head) or activations (top),
 * training, scoring the candidate, training remedies when it failed the guard-rails (step = the
 * remedy, of = how many there are; {@link Remedies}), exporting the kept candidate, checking the
 * export, uploading the artifacts; then how the run ended: published, rejected, skipped (the
 * request was stale), or retrying (it failed and is run again).
 */
public enum Phase {
  LISTING,
  FEATURES,
  ACTIVATIONS,
  TRAINING,
  SCORING,
  REMEDY,
  EXPORT,
  CHECK,
  UPLOAD,
  PUBLISHED,
  REJECTED,
  SKIPPED,
  RETRYING;

  /** The name on the wire: {@code listing}, {@code features}, …. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
