package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The drift monitor on {@code TopologyTestDriver}: windows of a model's sampled predictions against
 * its version's reference window, one DRIFT request when a drift starts, none on a stable stream.
 */
class DriftTopologyTest {
  private static final int WINDOW = 500;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SyntheticPredictions synthetic = new SyntheticPredictions(7);
  private FeedbackDriver feedback;
  private TestInputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, TrainingRequest> requests;
  private TestOutputTopic<String, String> status;

  @BeforeEach
  void start() {
    feedback =
        new FeedbackDriver(
            FeedbackConfig.defaults().withDrift(WINDOW, 0.25),
            Instant.parse("2026-12-07T10:00:00Z"));
    predictions = feedback.predictions;
    requests = feedback.requests;
    status = feedback.status;
  }

  @AfterEach
  void stop() {
    feedback.close();
  }

  @Test
  void aStableStreamNeverAsksOverFortyWindows() throws Exception {
    send("shop", 1, 42 * WINDOW, false);
    assertThat(requests.isEmpty()).isTrue();
    List<JsonNode> lines = statusLines();
    assertThat(lines).hasSize(42);
    assertThat(lines.get(0).get("phase").asText()).isEqualTo("calibrate");
    assertThat(lines.get(1).get("phase").asText()).isEqualTo("reference");
    List<JsonNode> compared = lines.subList(2, 42);
    assertThat(compared)
        .allSatisfy(
            l -> {
              assertThat(l.get("drifted").asBoolean()).isFalse();
              assertThat(l.get("score").asDouble()).isLessThan(0.1);
              assertThat(l.has("projectionPsi")).isTrue();
            });
  }

  @Test
  void aDriftAsksOnceUntilTheStreamSettlesAndAgainWhenItDriftsAgain() throws Exception {
    send("shop", 1, 4 * WINDOW, false);
    assertThat(requests.isEmpty()).isTrue();
    send("shop", 1, 3 * WINDOW, true);
    List<TrainingRequest> asked = requests.readValuesToList();
    assertThat(asked).as("three drifted windows, one request").hasSize(1);
    TrainingRequest r = asked.get(0);
    assertThat(r.getReason()).isEqualTo(TrainingReason.DRIFT);
    assertThat(r.getModelId()).isEqualTo("shop");
    assertThat(r.getDetail())
        .startsWith("drift in the traffic v1 served: predicted-class PSI ")
        .contains("feature-projection PSI")
        .contains("(threshold 0.25)");
    List<JsonNode> lines = statusLines();
    assertThat(lines.subList(lines.size() - 3, lines.size()))
        .extracting(l -> l.get("requested").asBoolean())
        .containsExactly(true, false, false);
    send("shop", 1, WINDOW, false);
    send("shop", 1, WINDOW, true);
    assertThat(requests.readValuesToList()).as("settled, then drifted again").hasSize(1);
  }

  @Test
  void eachSignalAloneIsCaught() throws Exception {
    send("shop", 1, 2 * WINDOW, false);
    for (int i = 0; i < WINDOW; i++) {
      predictions.pipeInput("shop", synthetic.next("shop", 1, false, false, 1.5));
    }
    List<JsonNode> lines = statusLines();
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.get("projectionPsi").asDouble())
        .as("the same classes and confidence, the features shifted by 1.5 deviations")
        .isGreaterThan(0.25);
    assertThat(last.get("classPsi").asDouble()).isLessThan(0.1);
    assertThat(requests.readValuesToList()).hasSize(1);
  }

  @Test
  void aNewVersionStartsOverAndTheOldOnesPredictionsAreLeftOut() throws Exception {
    send("shop", 1, 3 * WINDOW, false);
    send("shop", 2, WINDOW, true);
    send("shop", 1, 5 * WINDOW, true);
    assertThat(requests.isEmpty())
        .as("v2's first window calibrates; v1's drifted stragglers count for nothing")
        .isTrue();
    List<JsonNode> lines = statusLines();
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.get("version").asInt()).isEqualTo(2);
    assertThat(last.get("phase").asText()).isEqualTo("calibrate");
  }

  @Test
  void predictionsPublishedOnlyForBeingUncertainAreNotTraffic() throws Exception {
    for (int i = 0; i < 3 * WINDOW; i++) {
      Prediction p = synthetic.next("shop", 1, true);
      p.setSampled(false);
      predictions.pipeInput("shop", p);
    }
    assertThat(status.isEmpty()).isTrue();
  }

  @Test
  void aStreamWithoutProjectionsIsComparedOnClassesAndConfidence() throws Exception {
    for (int i = 0; i < 4 * WINDOW; i++) {
      Prediction p = synthetic.next("old", 1, i >= 3 * WINDOW, i >= 3 * WINDOW, 0);
      p.setProjection(List.of());
      predictions.pipeInput("old", p);
    }
    List<JsonNode> lines = statusLines();
    assertThat(lines.get(2).has("projectionPsi")).isFalse();
    assertThat(lines.get(3).get("drifted").asBoolean()).isTrue();
    assertThat(requests.readValuesToList()).hasSize(1);
  }

  @Test
  void psiIsZeroForEqualSharesAndGrowsWithTheShift() {
    assertThat(Psi.of(new long[] {10, 20, 30}, new long[] {20, 40, 60})).isCloseTo(0, within(1e-3));
    double small = Psi.of(new long[] {50, 50}, new long[] {55, 45});
    double large = Psi.of(new long[] {50, 50}, new long[] {90, 10});
    assertThat(small).isBetween(0.0, 0.05);
    assertThat(large).isGreaterThan(0.5);
    assertThat(Psi.of(new long[] {100, 0}, new long[] {0, 100})).isFinite().isGreaterThan(3);
    assertThatThrownBy(() -> Psi.of(new long[2], new long[3]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theStateRoundTripsThroughItsJsonForm() {
    DriftState s = new DriftState(3);
    for (int i = 0; i < 10; i++) {
      s.add(synthetic.next("m", 3, false));
    }
    s.close(0.25);
    s.add(synthetic.next("m", 3, false));
    DriftState back = DriftState.fromJson(s.toJson());
    assertThat(back.toJson()).isEqualTo(s.toJson());
    assertThat(back.phase).isEqualTo(DriftState.Phase.REFERENCE);
    assertThat(back.mean).hasSize(8);
  }

  private void send(String model, int version, int n, boolean drifted) {
    for (int i = 0; i < n; i++) {
      predictions.pipeInput(model, synthetic.next(model, version, drifted));
    }
  }

  private List<JsonNode> statusLines() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String s : status.readValuesToList()) {
      out.add(JSON.readTree(s));
    }
    return out;
  }
}
