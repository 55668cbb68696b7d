package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.ServedAs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A classification's {@code Prediction} event carries its answer, margin, entropy and image hash;
 * the sample draws the configured share; a log with sample 0 publishes nothing and opens no
 * producer; the settings are checked.
 */
class PredictionLogTest {

  @Test
  void theEventCarriesTheAnswerAndHowSureTheModelWas() {
    Prediction p =
        new Prediction(
            "pets",
            7,
            List.of(new Prediction.Scored("cat", 0.6), new Prediction.Scored("dog", 0.3)),
            0.3,
            0.898,
            List.of(0.5f, -1.25f));
    var e = PredictionLog.event(p, "id-1", "ab".repeat(32), 1_700_000_000_000L, Map.of("app", "a"));
    assertThat(e.getPredictionId()).isEqualTo("id-1");
    assertThat(e.getModelId()).isEqualTo("pets");
    assertThat(e.getVersion()).isEqualTo(7);
    assertThat(e.getPredictedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(e.getTop())
        .containsExactly(new ScoredLabel("cat", 0.6f), new ScoredLabel("dog", 0.3f));
    assertThat(e.getMargin()).isEqualTo(0.3f);
    assertThat(e.getEntropy()).isEqualTo(0.898f);
    assertThat(e.getImageSha256()).isEqualTo("ab".repeat(32));
    assertThat(e.getAttributes()).isEqualTo(Map.of("app", "a"));
    assertThat(e.getProjection()).containsExactly(0.5f, -1.25f);
    assertThat(e.getSampled()).as("sampled unless record says it was only uncertain").isTrue();
  }

  @Test
  void entropyIsZeroWhenCertainAndLnOfTheLabelsWhenUniform() {
    assertThat(Classifier.entropy(new float[] {1, 0, 0})).isZero();
    assertThat(Classifier.entropy(new float[] {0.25f, 0.25f, 0.25f, 0.25f}))
        .isCloseTo(Math.log(4), within(1e-6));
  }

  @Test
  void aChallengersAnswerIsPublishedWhateverTheSampleDraws() {
    assertThat(PredictionLog.publishes(false, false, ServedAs.CHALLENGER))
        .as("a split trial needs every answer")
        .isTrue();
    assertThat(PredictionLog.publishes(false, false, ServedAs.CHAMPION)).isFalse();
    assertThat(PredictionLog.publishes(true, false, ServedAs.CHAMPION)).isTrue();
    assertThat(PredictionLog.publishes(false, true, ServedAs.CHAMPION)).isTrue();
  }

  @Test
  void theSampleDrawsItsShare() {
    assertThat(IntStream.range(0, 1000).noneMatch(i -> PredictionLog.drawn(0))).isTrue();
    assertThat(IntStream.range(0, 1000).allMatch(i -> PredictionLog.drawn(1))).isTrue();
    long drawn = IntStream.range(0, 20_000).filter(i -> PredictionLog.drawn(0.25)).count();
    assertThat(drawn / 20_000.0).as("6 standard deviations either side").isBetween(0.23, 0.27);
  }

  @Test
  void aLogWithSampleZeroPublishesNothingAndOpensNoProducer() {
    try (PredictionLog off =
        PredictionLog.open(
            PredictionConfig.defaults(),
            KafkaConfig.from(dev.streamtune.config.ConfigSource.ofSettings(Map.of())),
            RegistryConfig.from(dev.streamtune.config.ConfigSource.ofSettings(Map.of())),
            "predictions",
            new dev.streamtune.store.InMemoryObjectStore("b"),
            Clock.systemUTC(),
            new SimpleMeterRegistry())) {
      Prediction p = new Prediction("pets", 1, List.of(new Prediction.Scored("cat", 1)), 1, 0);
      assertThat(off.record(p, new byte[] {1, 2, 3}, Map.of())).isFalse();
    }
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> new PredictionConfig(1.5, 10, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PredictionConfig(0.5, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PredictionConfig.defaults().enabled()).isFalse();
    assertThatThrownBy(() -> new PredictionConfig(0, 10, -0.1))
        .isInstanceOf(IllegalArgumentException.class);
    PredictionConfig uncertainOnly = new PredictionConfig(0, 10, 0.2);
    assertThat(uncertainOnly.enabled()).isTrue();
    assertThat(uncertainOnly.uncertain(0.19, 0)).isTrue();
    assertThat(uncertainOnly.uncertain(0.2, 2)).as("no entropy rule").isFalse();
    assertThat(PredictionConfig.defaults().uncertain(0, 5)).as("0 marks none").isFalse();
    PredictionConfig byEntropy = new PredictionConfig(0, 10, 0, 1.0);
    assertThat(byEntropy.enabled()).isTrue();
    assertThat(byEntropy.uncertain(0.9, 1.01)).as("sure of the top, spread over the rest").isTrue();
    assertThat(byEntropy.uncertain(0.9, 0.99)).isFalse();
    assertThatThrownBy(() -> new PredictionConfig(0, 10, 0, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            PredictionConfig.from(
                    dev.streamtune.config.ConfigSource.ofSettings(
                        Map.of("serve.predictions.sample", "0.1")))
                .sample())
        .isEqualTo(0.1);
  }
}
