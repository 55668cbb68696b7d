package dev.streamtune.serve;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether serve tries a new version on live traffic before everyone gets it.
 *
 * @param mode {@link Mode#OFF} (the default) serves each new PUBLISHED version at once; {@link
 *     Mode#SHADOW} and {@link Mode#SPLIT} keep answering with the champion ({@code
 *     models.champions}) and run the newest PUBLISHED version as a challenger
 * @param share in split mode, the share of requests the challenger answers; in shadow mode, the
 *     share of requests it also classifies, behind the champion's answer
 */
public record ChallengerConfig(Mode mode, double share) {
  /** How a challenger meets live traffic. */
  public enum Mode {
    /** No challenger: a new PUBLISHED version replaces the served one at once. */
    OFF,
    /** The challenger classifies a share of requests too; the champion's answer is returned. */
    SHADOW,
    /** The challenger answers a share of requests; the champion answers the rest. */
    SPLIT
  }

  /** Mode. */
  public static final Setting<Mode> MODE =
      Setting.oneOf(
          "serve.challenger.mode",
          Mode.class,
          Mode.OFF,
          "off: serve each new PUBLISHED version at once; shadow: keep answering with the "
              + "champion (models.champions) and let the newest PUBLISHED version classify "
              + "serve.challenger.share of the requests too, published as SHADOW predictions; "
              + "split: let the challenger answer that share itself");

  /** Share. */
  public static final Setting<Double> SHARE =
      Setting.decimal(
          "serve.challenger.share",
          0.1,
          0.01,
          1,
          "share of requests the challenger answers (split) or classifies behind the champion "
              + "(shadow), drawn at random per request");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(MODE, SHARE);

  /** Checks the values. */
  public ChallengerConfig {
    Objects.requireNonNull(mode, "mode");
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be above 0 and at most 1: " + share);
    }
  }

  /** Reads the settings. */
  public static ChallengerConfig from(ConfigSource s) {
    return new ChallengerConfig(s.get(MODE), s.get(SHARE));
  }

  /** The defaults: no challenger. */
  public static ChallengerConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** Whether a challenger is run at all. */
  public boolean enabled() {
    return mode != Mode.OFF;
  }

  /** Whether the challenger takes part in this request, drawn at {@link #share}. */
  boolean draw() {
    return enabled() && (share >= 1 || ThreadLocalRandom.current().nextDouble() < share);
  }
}
