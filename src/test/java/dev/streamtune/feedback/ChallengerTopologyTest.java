package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.ChampionAnswer;
import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.DecisionOutcome;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.ServedAs;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The challenger's judge on {@code TopologyTestDriver}: a trial of {@code WINDOW} answers ends in
 * one decision on {@code models.champions} and one status line, PROMOTED when the challenger agrees
 * with the champion and is as sure, KEPT when not; the champion's predictions never end a trial,
 * and the drift monitor never counts a challenger's.
 */
class ChallengerTopologyTest {
  private static final int WINDOW = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private FeedbackDriver feedback;

  @BeforeEach
  void start() {
    feedback =
        new FeedbackDriver(
            FeedbackConfig.defaults().withDrift(100, 0.25).withChallenger(WINDOW, 0.8, 0.05),
            Instant.parse("2026-12-07T10:00:00Z"));
  }

  @AfterEach
  void stop() {
    feedback.close();
  }

  @Test
  void aShadowChallengerThatAgreesAndIsAsSureIsPromotedOnceItsWindowIsFull() throws Exception {
    for (int i = 0; i < WINDOW - 1; i++) {
      feedback.predictions.pipeInput("pets", shadow(2, i % 10 == 0 ? "dog" : "cat", 0.9f, 1));
    }
    assertThat(feedback.decisions.isEmpty()).as("one answer short of the window").isTrue();
    feedback.predictions.pipeInput("pets", shadow(2, "cat", 0.9f, 1));
    List<ChampionDecision> decided = feedback.decisions.readValuesToList();
    assertThat(decided).hasSize(1);
    ChampionDecision d = decided.get(0);
    assertThat(d.getModelId()).isEqualTo("pets");
    assertThat(d.getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
    assertThat(d.getChampion()).isEqualTo(2);
    assertThat(d.getChallenger()).isEqualTo(2);
    assertThat(d.getDecidedBy()).isEqualTo("feedback");
    JsonNode detail = JSON.readTree(d.getDetail());
    assertThat(detail.get("agreement").asDouble()).isEqualTo(0.9);
    assertThat(detail.get("compared").asLong()).isEqualTo(WINDOW);
    assertThat(detail.get("champion").asInt()).isEqualTo(1);
    JsonNode status = JSON.readTree(feedback.status.readValue());
    assertThat(status.get("source").asText()).isEqualTo("challenger");
    assertThat(status.get("outcome").asText()).isEqualTo("PROMOTED");

    for (int i = 0; i < 2 * WINDOW; i++) {
      feedback.predictions.pipeInput("pets", shadow(2, "cat", 0.9f, 1));
    }
    assertThat(feedback.decisions.isEmpty())
        .as("SHADOW answers of a settled challenger, still in flight, decide nothing")
        .isTrue();
  }

  @Test
  void aChallengerThatDisagreesIsKeptOutAndANewerOneStartsAFreshTrial() {
    for (int i = 0; i < WINDOW; i++) {
      feedback.predictions.pipeInput("pets", shadow(2, i % 2 == 0 ? "dog" : "cat", 0.9f, 1));
    }
    ChampionDecision d = feedback.decisions.readValue();
    assertThat(d.getOutcome()).as("agreement 0.5").isEqualTo(DecisionOutcome.KEPT);
    assertThat(d.getChampion()).isEqualTo(1);
    assertThat(d.getChallenger()).isEqualTo(2);

    for (int i = 0; i < WINDOW / 2; i++) {
      feedback.predictions.pipeInput("pets", shadow(3, "dog", 0.9f, 1));
    }
    for (int i = 0; i < WINDOW; i++) {
      feedback.predictions.pipeInput("pets", shadow(4, "cat", 0.95f, 1));
    }
    List<ChampionDecision> decided = feedback.decisions.readValuesToList();
    assertThat(decided).as("v3's trial was cut short by v4's").hasSize(1);
    assertThat(decided.get(0).getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
    assertThat(decided.get(0).getChampion()).isEqualTo(4);
  }

  @Test
  void aChallengerLessSureThanTheChampionIsKeptOut() throws Exception {
    for (int i = 0; i < WINDOW; i++) {
      feedback.predictions.pipeInput("pets", shadow(2, "cat", 0.7f, 1));
    }
    ChampionDecision d = feedback.decisions.readValue();
    assertThat(d.getOutcome()).isEqualTo(DecisionOutcome.KEPT);
    JsonNode detail = JSON.readTree(d.getDetail());
    assertThat(detail.get("challengerConfidence").asDouble()).isEqualTo(0.7, within());
    assertThat(detail.get("championConfidence").asDouble()).isEqualTo(0.9, within());
  }

  @Test
  void inSplitModeTheChallengerIsComparedWithTheChampionsSampledAnswers() throws Exception {
    for (int i = 0; i < 50; i++) {
      feedback.predictions.pipeInput("pets", served(1, ServedAs.CHAMPION, 0.8f, true));
      feedback.predictions.pipeInput(
          "pets", served(1, ServedAs.CHAMPION, 0.1f, false)); // uncertain, not sampled: left out
    }
    for (int i = 0; i < WINDOW; i++) {
      feedback.predictions.pipeInput("pets", served(2, ServedAs.CHALLENGER, 0.78f, true));
    }
    ChampionDecision d = feedback.decisions.readValue();
    assertThat(d.getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
    JsonNode detail = JSON.readTree(d.getDetail());
    assertThat(detail.get("agreement").isNull()).as("split mode has no pairs").isTrue();
    assertThat(detail.get("championConfidence").asDouble()).isEqualTo(0.8, within());
    assertThat(detail.get("champion").asInt()).isEqualTo(1);
  }

  @Test
  void theChampionsPredictionsAloneNeverDecide() {
    for (int i = 0; i < 3 * WINDOW; i++) {
      feedback.predictions.pipeInput("pets", served(1, ServedAs.CHAMPION, 0.8f, true));
    }
    assertThat(feedback.decisions.isEmpty()).isTrue();
  }

  @Test
  void theDriftMonitorCountsOnlyTheChampionsPredictions() throws Exception {
    for (int i = 0; i < 50; i++) {
      feedback.predictions.pipeInput("pets", served(1, ServedAs.CHAMPION, 0.8f, true));
      feedback.predictions.pipeInput("pets", served(2, ServedAs.CHALLENGER, 0.8f, true));
    }
    KeyValueStore<String, String> drift = feedback.driver.getKeyValueStore(DriftProcessor.STORE);
    JsonNode state = JSON.readTree(drift.get("pets"));
    assertThat(state.get("version").asInt())
        .as("a split challenger's answers would restart the champion's windows")
        .isEqualTo(1);
    assertThat(state.get("count").asInt()).isEqualTo(50);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-4);
  }

  private static Prediction shadow(int version, String label, float p, int champion) {
    Prediction s = served(version, ServedAs.SHADOW, p, false);
    s.setTop(List.of(new ScoredLabel(label, p), new ScoredLabel("fox", 1 - p)));
    s.setComparedWith(new ChampionAnswer(champion, "cat", 0.9f));
    return s;
  }

  private static Prediction served(int version, ServedAs as, float p, boolean sampled) {
    return Prediction.newBuilder()
        .setPredictionId(UUID.randomUUID().toString())
        .setModelId("pets")
        .setVersion(version)
        .setPredictedAt(Instant.parse("2026-12-07T10:00:00Z"))
        .setTop(List.of(new ScoredLabel("cat", p), new ScoredLabel("dog", 1 - p)))
        .setMargin(Math.abs(2 * p - 1))
        .setEntropy(0.5f)
        .setImageSha256("0".repeat(64))
        .setSampled(sampled)
        .setServedAs(as)
        .build();
  }
}
