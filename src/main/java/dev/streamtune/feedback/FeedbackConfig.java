package dev.streamtune.feedback;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The feedback role's settings.
 *
 * @param applicationId the Kafka Streams application id
 * @param dailyRequests labelling requests per model per UTC day; uncertain predictions past it ask
 *     for nothing (0 asks for none)
 * @param forget how long an image once asked about is not asked about again
 * @param stateDir the Kafka Streams state directory, or null for a new temporary one at each start
 *     (the stores are small and restore from their changelogs)
 * @param driftWindow sampled predictions of a model per drift window (0: no drift monitor)
 * @param driftThreshold the population stability index past which a window has drifted
 */
public record FeedbackConfig(
    String applicationId,
    int dailyRequests,
    Duration forget,
    Path stateDir,
    int driftWindow,
    double driftThreshold) {

  /** Application id. */
  public static final Setting<String> APPLICATION_ID =
      Setting.string(
          "feedback.application.id",
          "streamtune-feedback",
          "Kafka Streams application id of the feedback role");

  /** Daily budget. */
  public static final Setting<Integer> DAILY_REQUESTS =
      Setting.integer(
          "feedback.labelling.daily",
          100,
          0,
          10_000_000,
          "labelling requests per model per UTC day: the first uncertain predictions of the day "
              + "ask for a label, later ones ask nothing (0 asks for none)");

  /** Dedupe horizon. */
  public static final Setting<Duration> FORGET =
      Setting.duration(
              "feedback.labelling.forget",
              Duration.ofDays(30),
              "how long an image once asked about (same model, same sha256) is not asked about "
                  + "again")
          .must(d -> d.toMinutes() >= 1, "must be at least 1m");

  /** State directory. */
  public static final Setting<String> STATE_DIR =
      Setting.emptyByDefault(
          "feedback.state.dir",
          "Kafka Streams state directory of the feedback role (empty: a new temporary one at "
              + "each start, restored from the changelogs)");

  /** Drift window. */
  public static final Setting<Integer> DRIFT_WINDOW =
      Setting.integer(
              "feedback.drift.window",
              1000,
              0,
              10_000_000,
              "sampled predictions of a model per drift window: a version's first window calibrates, "
                  + "its second is the reference, and each later one is compared with it (0 turns the "
                  + "drift monitor off; 100 at least otherwise)")
          .must(w -> w == 0 || w >= 100, "must be 0 or at least 100");

  /** Drift threshold. */
  public static final Setting<Double> DRIFT_THRESHOLD =
      Setting.decimal(
          "feedback.drift.threshold",
          0.25,
          0.01,
          100,
          "population stability index (the largest of the predicted class's, the top "
              + "probability's and the mean of the feature projection's) past which a window has "
              + "drifted; the first drifted window after one that was not asks for a DRIFT "
              + "training");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(APPLICATION_ID, DAILY_REQUESTS, FORGET, STATE_DIR, DRIFT_WINDOW, DRIFT_THRESHOLD);

  /** Checks the values. */
  public FeedbackConfig {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(forget, "forget");
    if (dailyRequests < 0
        || forget.isNegative()
        || forget.isZero()
        || driftWindow < 0
        || !(driftThreshold > 0)) {
      throw new IllegalArgumentException(
          "dailyRequests and driftWindow must be at least 0, forget and driftThreshold positive: "
              + dailyRequests
              + ", "
              + driftWindow
              + ", "
              + forget
              + ", "
              + driftThreshold);
    }
  }

  /** Reads the settings. */
  public static FeedbackConfig from(ConfigSource s) {
    String dir = s.get(STATE_DIR);
    return new FeedbackConfig(
        s.get(APPLICATION_ID),
        s.get(DAILY_REQUESTS),
        s.get(FORGET),
        dir.isBlank() ? null : Path.of(dir),
        s.get(DRIFT_WINDOW),
        s.get(DRIFT_THRESHOLD));
  }

  /** The defaults. */
  public static FeedbackConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** A copy with another daily budget. */
  public FeedbackConfig withDailyRequests(int daily) {
    return new FeedbackConfig(applicationId, daily, forget, stateDir, driftWindow, driftThreshold);
  }

  /** A copy with another drift window and threshold. */
  public FeedbackConfig withDrift(int window, double threshold) {
    return new FeedbackConfig(applicationId, dailyRequests, forget, stateDir, window, threshold);
  }

  /** A copy with another application id (each test or demo its own). */
  public FeedbackConfig withApplicationId(String id) {
    return new FeedbackConfig(id, dailyRequests, forget, stateDir, driftWindow, driftThreshold);
  }
}
