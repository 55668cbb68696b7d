package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The drift monitor in the feedback role on the embedded stack: a model's stream of sampled
 * predictions that drifts after its reference window asks for exactly one DRIFT training over three
 * drifted windows, with the statistics in its detail and a status line per window; the unsampled
 * predictions published beside them count for nothing.
 */
@WithStack
class DriftIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aDriftedStreamAsksForOneDriftTraining(Stack stack) throws Exception {
    var topics = stack.topics();
    SyntheticPredictions synthetic = new SyntheticPredictions(11);
    List<Prediction> stream = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      stream.add(synthetic.next("shop", 1, i >= 400));
      if (i % 3 == 0) {
        Prediction uncertainOnly = synthetic.next("shop", 1, true);
        uncertainOnly.setSampled(false);
        stream.add(uncertainOnly);
      }
    }
    try (FeedbackRun run =
        FeedbackRun.start(stack, FeedbackConfig.defaults().withDrift(100, 0.25))) {
      var registry = run.registry();
      run.send(stream);
      await().atMost(Duration.ofSeconds(60)).until(() -> driftLines(stack).size() >= 7);
      List<JsonNode> lines = driftLines(stack);
      assertThat(lines).as("7 windows of 100 sampled predictions").hasSize(7);
      assertThat(lines)
          .extracting(l -> l.path("drifted").asBoolean())
          .containsExactly(false, false, false, false, true, true, true);
      var requests =
          Invariants.readToEnd(
                  stack.kafka(),
                  topics.trainingRequests(),
                  ConfluentAvroSerde.of(TrainingRequest.class, registry, stack.registry())
                      .deserializer())
              .stream()
              .map(r -> r.value())
              .toList();
      assertThat(requests).hasSize(1);
      assertThat(requests.get(0).getReason()).isEqualTo(TrainingReason.DRIFT);
      assertThat(requests.get(0).getModelId()).isEqualTo("shop");
      assertThat(requests.get(0).getDetail()).contains("predicted-class PSI");
    }
  }

  private static List<JsonNode> driftLines(Stack stack) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (var r :
        Invariants.readToEnd(
            stack.kafka(), stack.topics().trainingStatus(), new StringDeserializer())) {
      JsonNode n = JSON.readTree(r.value());
      if (n.path("source").asText().equals("drift")) {
        out.add(n);
      }
    }
    return out;
  }
}
