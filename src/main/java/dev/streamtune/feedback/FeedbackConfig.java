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
 * @param challengerWindow a challenger's answers per trial (0: no trial; only {@code streamtune
 *     models promote} decides)
 * @param challengerAgreement the least share of a challenger's SHADOW answers whose top label is
 *     the champion's, for it to be promoted
 * @param challengerConfidenceDrop the most a challenger's mean top probability may fall below the
 *     champion's, for it to be promoted
 */
public record FeedbackConfig(
    String applicationId,
    int dailyRequests,
    Duration forget,
    Path stateDir,
    int driftWindow,
    double driftThreshold,
    int challengerWindow,
    double challengerAgreement,
    double challengerConfidenceDrop) {

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

  /** Trial window. */
  public static final Setting<Integer> CHALLENGER_WINDOW =
      Setting.integer(
          "feedback.challenger.window",
          500,
          0,
          10_000_000,
          "answers a challenger gives (SHADOW or, in split mode, served) before the feedback role "
              + "decides on it: promoted to champion or kept out, written to models.champions (0 "
              + "decides nothing; only streamtune models promote does)");

  /** Least agreement. */
  public static final Setting<Double> CHALLENGER_AGREEMENT =
      Setting.decimal(
          "feedback.challenger.agreement",
          0.8,
          0,
          1,
          "least share of a challenger's SHADOW answers whose top label is the champion's, for the "
              + "challenger to be promoted (split mode has no pairs to compare and skips it)");

  /** Largest confidence drop. */
  public static final Setting<Double> CHALLENGER_CONFIDENCE_DROP =
      Setting.decimal(
          "feedback.challenger.confidence.drop",
          0.05,
          0,
          1,
          "most a challenger's mean top probability may fall below the champion's on the same "
              + "trial, for the challenger to be promoted");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          APPLICATION_ID,
          DAILY_REQUESTS,
          FORGET,
          STATE_DIR,
          DRIFT_WINDOW,
          DRIFT_THRESHOLD,
          CHALLENGER_WINDOW,
          CHALLENGER_AGREEMENT,
          CHALLENGER_CONFIDENCE_DROP);

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
    if (challengerWindow < 0
        || !(challengerAgreement >= 0 && challengerAgreement <= 1)
        || !(challengerConfidenceDrop >= 0 && challengerConfidenceDrop <= 1)) {
      throw new IllegalArgumentException(
          "challengerWindow must be at least 0, challengerAgreement and challengerConfidenceDrop "
              + "from 0 to 1: "
              + challengerWindow
              + ", "
              + challengerAgreement
              + ", "
              + challengerConfidenceDrop);
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
        s.get(DRIFT_THRESHOLD),
        s.get(CHALLENGER_WINDOW),
        s.get(CHALLENGER_AGREEMENT),
        s.get(CHALLENGER_CONFIDENCE_DROP));
  }

  /** The defaults. */
  public static FeedbackConfig defaults() {
    return from(ConfigSource.ofSettings(Map.of()));
  }

  /** A copy with another daily budget. */
  public FeedbackConfig withDailyRequests(int daily) {
    Draft d = new Draft(this);
    d.dailyRequests = daily;
    return d.build();
  }

  /** A copy with another drift window and threshold. */
  public FeedbackConfig withDrift(int window, double threshold) {
    Draft d = new Draft(this);
    d.driftWindow = window;
    d.driftThreshold = threshold;
    return d.build();
  }

  /** A copy with another challenger trial: window, least agreement, largest confidence drop. */
  public FeedbackConfig withChallenger(int window, double agreement, double confidenceDrop) {
    Draft d = new Draft(this);
    d.challengerWindow = window;
    d.challengerAgreement = agreement;
    d.challengerConfidenceDrop = confidenceDrop;
    return d.build();
  }

  /** A copy with another application id (each test or demo its own). */
  public FeedbackConfig withApplicationId(String id) {
    Draft d = new Draft(this);
    d.applicationId = id;
    return d.build();
  }

  /** The components of a copy being changed; the one place that lists them all in order. */
  private static final class Draft {
    private String applicationId;
    private int dailyRequests;
    private final Duration forget;
    private final Path stateDir;
    private int driftWindow;
    private double driftThreshold;
    private int challengerWindow;
    private double challengerAgreement;
    private double challengerConfidenceDrop;

    Draft(FeedbackConfig from) {
      applicationId = from.applicationId;
      dailyRequests = from.dailyRequests;
      forget = from.forget;
      stateDir = from.stateDir;
      driftWindow = from.driftWindow;
      driftThreshold = from.driftThreshold;
      challengerWindow = from.challengerWindow;
      challengerAgreement = from.challengerAgreement;
      challengerConfidenceDrop = from.challengerConfidenceDrop;
    }

    FeedbackConfig build() {
      return new FeedbackConfig(
          applicationId,
          dailyRequests,
          forget,
          stateDir,
          driftWindow,
          driftThreshold,
          challengerWindow,
          challengerAgreement,
          challengerConfidenceDrop);
    }
  }
}
