package dev.streamtune.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ServedAs;
import java.util.Optional;

/**
 * One model's challenger trial, and the one owner of its JSON form (the value of the {@code
 * challenger} store): the champion and challenger versions seen on {@code predictions}, the
 * challenger's answers with their mean confidence, how many of its SHADOW answers agreed with the
 * champion's top label, and the champion's mean confidence (from the SHADOW answers' {@code
 * comparedWith}, or in split mode from the champion's sampled predictions).
 *
 * <p>When the challenger has given {@code feedback.challenger.window} answers, {@link #add} returns
 * the verdict: promote unless its agreement is under {@code feedback.challenger.agreement} or its
 * mean confidence falls more than {@code feedback.challenger.confidence.drop} below the champion's
 * (a rule with nothing to compare, split mode without sampled champion predictions, passes). Once
 * decided, later predictions of that challenger (still in flight) are left out.
 */
final class Trial {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A trial's end.
   *
   * @param promote whether the challenger won
   * @param champion the champion it was compared with (0 when unknown)
   * @param challenger the challenger
   * @param detail the statistics, as JSON
   */
  record Verdict(boolean promote, int champion, int challenger, ObjectNode detail) {}

  public int champion;
  public int challenger;
  public int settled;
  public long answers;
  public double challengerConfidence;
  public long pairs;
  public long agreed;
  public long championAnswers;
  public double championConfidence;

  /**
   * Counts one prediction, and ends the trial when its window is full.
   *
   * @return the verdict, once the window is full
   */
  Optional<Verdict> add(Prediction p, FeedbackConfig config) {
    ServedAs as = p.getServedAs();
    if (as == ServedAs.CHAMPION) {
      if (p.getSampled()) {
        championSeen(p.getVersion());
        championAnswers++;
        championConfidence += top(p);
      }
      return Optional.empty();
    }
    if (p.getVersion() <= settled) {
      return Optional.empty();
    }
    if (p.getVersion() != challenger) {
      challenger = p.getVersion();
      answers = 0;
      challengerConfidence = 0;
      pairs = 0;
      agreed = 0;
    }
    answers++;
    challengerConfidence += top(p);
    if (as == ServedAs.SHADOW && p.getComparedWith() != null) {
      var c = p.getComparedWith();
      championSeen(c.getVersion());
      pairs++;
      championAnswers++;
      championConfidence += c.getProbability();
      if (!p.getTop().isEmpty() && p.getTop().get(0).getLabel().equals(c.getLabel())) {
        agreed++;
      }
    }
    if (config.challengerWindow() == 0 || answers < config.challengerWindow()) {
      return Optional.empty();
    }
    return Optional.of(close(config));
  }

  private Verdict close(FeedbackConfig config) {
    double agreement = pairs == 0 ? Double.NaN : (double) agreed / pairs;
    double mine = challengerConfidence / answers;
    double theirs = championAnswers == 0 ? Double.NaN : championConfidence / championAnswers;
    boolean agrees = Double.isNaN(agreement) || agreement >= config.challengerAgreement();
    boolean sure = Double.isNaN(theirs) || mine >= theirs - config.challengerConfidenceDrop();
    ObjectNode detail =
        JSON.createObjectNode()
            .put("champion", champion)
            .put("challenger", challenger)
            .put("answers", answers)
            .put("compared", pairs);
    number(detail, "agreement", agreement);
    number(detail, "challengerConfidence", mine);
    number(detail, "championConfidence", theirs);
    detail
        .put("minAgreement", config.challengerAgreement())
        .put("maxConfidenceDrop", config.challengerConfidenceDrop());
    Verdict v = new Verdict(agrees && sure, champion, challenger, detail);
    settled = challenger;
    if (v.promote()) {
      championSeen(challenger);
    }
    answers = 0;
    challengerConfidence = 0;
    pairs = 0;
    agreed = 0;
    return v;
  }

  /** Starts the champion's statistics over when another version is champion now. */
  private void championSeen(int version) {
    if (version != champion) {
      champion = version;
      championAnswers = 0;
      championConfidence = 0;
    }
  }

  private static double top(Prediction p) {
    return p.getTop().isEmpty() ? 0 : p.getTop().get(0).getProbability();
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) {
      n.putNull(field);
    } else {
      n.put(field, Math.round(v * 10_000) / 10_000.0);
    }
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the trial", e);
    }
  }

  static Trial fromJson(String json) {
    try {
      return JSON.readValue(json, Trial.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot read the trial: " + e.getMessage(), e);
    }
  }
}
