package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The labelling topology on {@code TopologyTestDriver}: which uncertain predictions ask for a
 * label, within the daily budget per model, once per image.
 */
class LabellingTopologyTest {
  private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
  private FeedbackDriver feedback;
  private TopologyTestDriver driver;
  private TestInputTopic<String, Prediction> predictions;
  private TestOutputTopic<String, LabellingRequest> requests;
  private SimpleMeterRegistry meters;

  private void start(FeedbackConfig config) {
    feedback = new FeedbackDriver(config, START);
    driver = feedback.driver;
    predictions = feedback.predictions;
    requests = feedback.labelling;
    meters = feedback.meters;
  }

  private void start(int daily) {
    start(FeedbackConfig.defaults().withDailyRequests(daily));
  }

  @AfterEach
  void stop() {
    if (feedback != null) {
      feedback.close();
    }
  }

  @Test
  void anUncertainPredictionAsksForTheLabelOfItsKeptImage() {
    start(10);
    Prediction p = uncertain("shirts", 'a');
    predictions.pipeInput("shirts", p);
    var out = requests.readKeyValuesToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).key).isEqualTo("shirts");
    LabellingRequest r = out.get(0).value;
    assertThat(r.getRequestId()).isEqualTo(p.getPredictionId());
    assertThat(r.getModelId()).isEqualTo("shirts");
    assertThat(r.getVersion()).isEqualTo(3);
    assertThat(r.getImageUri()).isEqualTo(p.getImageUri());
    assertThat(r.getImageSha256()).isEqualTo(p.getImageSha256());
    assertThat(r.getContentType()).isEqualTo("image/png");
    assertThat(r.getGuesses()).extracting(g -> g.getLabel()).containsExactly("shirt", "t-shirt");
    assertThat(r.getGuesses().get(0).getProbability()).isEqualTo(0.45f);
    assertThat(r.getMargin()).isEqualTo(0.05f);
    assertThat(r.getAttributes()).containsEntry("app", "shop");
    assertThat(count("requested")).isEqualTo(1);
  }

  @Test
  void aPredictionWithoutAKeptImageAsksNothing() {
    start(10);
    Prediction p = uncertain("shirts", 'a');
    p.setImageUri(null);
    predictions.pipeInput("shirts", p);
    assertThat(requests.isEmpty()).isTrue();
  }

  @Test
  void anImageIsAskedAboutOnceUntilItIsForgotten() {
    start(FeedbackConfig.defaults().withDailyRequests(10));
    predictions.pipeInput("shirts", uncertain("shirts", 'a'));
    predictions.pipeInput("shirts", uncertain("shirts", 'a'));
    assertThat(requests.readValuesToList()).hasSize(1);
    assertThat(count("repeat")).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofDays(30));
    predictions.pipeInput("shirts", uncertain("shirts", 'a'));
    assertThat(requests.readValuesToList()).as("30 days later, forgotten").hasSize(1);
  }

  @Test
  void theDailyBudgetOfAModelStopsRequestsUntilTheNextUtcDay() {
    start(2);
    for (char c : new char[] {'a', 'b', 'c'}) {
      predictions.pipeInput("shirts", uncertain("shirts", c));
    }
    predictions.pipeInput("shoes", uncertain("shoes", 'd'));
    assertThat(requests.readValuesToList())
        .extracting(r -> r.getModelId() + ":" + r.getImageSha256().charAt(0))
        .containsExactly("shirts:a", "shirts:b", "shoes:d");
    assertThat(count("over-budget")).isEqualTo(1);
    driver.advanceWallClockTime(Duration.ofHours(14));
    predictions.pipeInput("shirts", uncertain("shirts", 'c'));
    assertThat(requests.readValuesToList())
        .as("a new UTC day: the image refused yesterday asks now")
        .extracting(r -> r.getImageSha256().charAt(0))
        .containsExactly('c');
  }

  @Test
  void aBudgetOfZeroAsksForNothing() {
    start(0);
    predictions.pipeInput("shirts", uncertain("shirts", 'a'));
    assertThat(requests.isEmpty()).isTrue();
    assertThat(count("over-budget")).isEqualTo(1);
  }

  @Test
  void aPredictionNoLabellerCouldAnswerIsCountedAndAsksNothing() {
    start(10);
    Prediction outside = uncertain("shirts", 'a');
    outside.setImageUri("s3://streamtune/examples/shirts/shirt/" + sha('a') + ".png");
    Prediction otherImage = uncertain("shirts", 'b');
    otherImage.setImageUri("s3://streamtune/feedback/shirts/" + sha('c') + ".png");
    Prediction unknownFormat = uncertain("shirts", 'd');
    unknownFormat.setImageUri("s3://streamtune/feedback/shirts/" + sha('d') + ".tiff");
    for (Prediction p : List.of(outside, otherImage, unknownFormat)) {
      predictions.pipeInput("shirts", p);
    }
    assertThat(requests.isEmpty()).isTrue();
    assertThat(count("unusable")).isEqualTo(3);
  }

  @Test
  void thePurgeForgetsPastDaysAndOldImages() {
    start(FeedbackConfig.defaults().withDailyRequests(10));
    predictions.pipeInput("shirts", uncertain("shirts", 'a'));
    var store = driver.<String, Long>getKeyValueStore(LabellingProcessor.STORE);
    assertThat(store.approximateNumEntries()).isEqualTo(2);
    driver.advanceWallClockTime(Duration.ofDays(2));
    assertThat(store.get("day/shirts/2026-12-07")).as("a past day").isNull();
    assertThat(store.get("asked/shirts/" + sha('a'))).as("still remembered").isNotNull();
    driver.advanceWallClockTime(Duration.ofDays(29));
    assertThat(store.get("asked/shirts/" + sha('a'))).as("forgotten after 30 days").isNull();
  }

  @Test
  void theSettingsRejectWhatCannotWork() {
    assertThat(FeedbackConfig.defaults().dailyRequests()).isEqualTo(100);
    assertThat(FeedbackConfig.defaults().forget()).isEqualTo(Duration.ofDays(30));
    assertThat(FeedbackConfig.defaults().stateDir()).isNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FeedbackConfig.from(
                    ConfigSource.ofSettings(Map.of("feedback.labelling.daily", "-1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("feedback.labelling.daily");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FeedbackConfig.from(
                    ConfigSource.ofSettings(Map.of("feedback.labelling.forget", "10s"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("feedback.labelling.forget");
  }

  private double count(String outcome) {
    return meters.get("streamtune.feedback.labelling").tag("outcome", outcome).counter().count();
  }

  private static String sha(char c) {
    return String.valueOf(c).repeat(64);
  }

  private static Prediction uncertain(String model, char image) {
    return Prediction.newBuilder()
        .setPredictionId(UUID.randomUUID().toString())
        .setModelId(model)
        .setVersion(3)
        .setPredictedAt(START)
        .setTop(List.of(new ScoredLabel("shirt", 0.45f), new ScoredLabel("t-shirt", 0.40f)))
        .setMargin(0.05f)
        .setEntropy(1.0f)
        .setImageSha256(sha(image))
        .setImageUri("s3://streamtune/feedback/" + model + "/" + sha(image) + ".png")
        .setAttributes(Map.of("app", "shop"))
        .build();
  }
}
