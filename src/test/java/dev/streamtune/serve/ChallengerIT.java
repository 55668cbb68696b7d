package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.cli.MainAccess;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.DecisionOutcome;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.ServedAs;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.feedback.FeedbackConfig;
import dev.streamtune.feedback.FeedbackRun;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A challenger on the embedded stack, end to end: serve in shadow mode answers with version 1 while
 * version 2 classifies every image behind it; the feedback role judges the trial from the SHADOW
 * predictions and promotes version 2 on {@code models.champions}; serve then answers with version 2
 * alone, publishing no SHADOW prediction more. An operator's {@code streamtune models promote --to
 * 1} brings version 1 back, and version 2 is not tried again.
 */
@WithStack
class ChallengerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "pets";
  private static final int WINDOW = 6;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aChallengerIsPromotedThenServedAloneAndAnOperatorCanPromoteBack(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "challenger-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    Path b = Announcer.export(dir.resolve("b"), 2);
    ServeConfig config =
        ServeConfig.from(
                ConfigSource.ofSettings(
                    Map.of("serve.challenger.mode", "shadow", "serve.challenger.share", "1")))
            .with(0, Set.of(MODEL), dir.resolve("cache"));
    FeedbackConfig judge = FeedbackConfig.defaults().withChallenger(WINDOW, 0, 1);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        FeedbackRun feedback = FeedbackRun.start(stack, judge);
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      ModelSubscriber subscriber = app.subscriber();
      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.servedVersion(MODEL) == 1);
      announcer.announce(MODEL, 2, VersionStatus.PUBLISHED, b, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.challenger(MODEL).isPresent());
      assertThat(subscriber.servedVersion(MODEL)).as("v2 is on trial, not served").isEqualTo(1);

      for (int i = 0; i < WINDOW; i++) {
        JsonNode answer = classify(root, MODEL, Announcer.png(i * 40));
        assertThat(answer.get("version").asInt()).isEqualTo(1);
        assertThat(answer.get("servedAs").asText()).isEqualTo("champion");
      }
      SchemaRegistryClient registry = feedback.registry();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> decisions(stack, registry, MODEL).size() == 1);
      ChampionDecision promoted = decisions(stack, registry, MODEL).get(0);
      assertThat(promoted.getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
      assertThat(promoted.getChampion()).isEqualTo(2);
      assertThat(promoted.getDecidedBy()).isEqualTo("feedback");
      assertThat(JSON.readTree(promoted.getDetail()).get("compared").asInt()).isEqualTo(WINDOW);

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> subscriber.servedVersion(MODEL) == 2 && subscriber.challenger(MODEL).isEmpty());
      for (int i = 0; i < 3; i++) {
        JsonNode answer = classify(root, MODEL, Announcer.png(7 + i * 40));
        assertThat(answer.get("version").asInt()).as("served alone").isEqualTo(2);
      }
      List<Prediction> shadows =
          predictions(stack, registry, MODEL).stream()
              .filter(p -> p.getServedAs() == ServedAs.SHADOW)
              .toList();
      assertThat(shadows).as("one SHADOW prediction per request of the trial only").hasSize(WINDOW);
      assertThat(shadows)
          .allSatisfy(
              p -> {
                assertThat(p.getVersion()).isEqualTo(2);
                assertThat(p.getComparedWith().getVersion()).isEqualTo(1);
                assertThat(p.getSampled()).isFalse();
                assertThat(p.getImageUri()).isNull();
              });

      MainAccess.Ran said =
          MainAccess.run(
              stack,
              "models",
              "promote",
              "--model",
              MODEL,
              "--to",
              "1",
              "--by",
              "oncall",
              "--reason",
              "v2 confuses foxes");
      assertThat(said.status()).as(said.output()).isZero();
      assertThat(said.output())
          .contains("pets version 1 is champion; versions up to 2 are settled");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> subscriber.servedVersion(MODEL) == 1 && subscriber.challenger(MODEL).isEmpty());
      ChampionDecision back = decisions(stack, registry, MODEL).get(1);
      assertThat(back.getDecidedBy()).isEqualTo("operator:oncall");
      assertThat(back.getChallenger()).isEqualTo(2);
      assertThat(back.getDetail()).contains("v2 confuses foxes");
      MainAccess.Ran refused =
          MainAccess.run(stack, "models", "promote", "--model", MODEL, "--to", "9");
      assertThat(refused.status()).as(refused.output()).isEqualTo(2);
      assertThat(refused.output()).contains("pets version 9 is unknown");
    }
  }

  /**
   * Split mode with the defaults' sample of 0: the challenger's answers must still reach {@code
   * predictions}, or no trial could ever end (it did not before the fix).
   */
  @Test
  void inSplitModeTheChallengerAnswersItsShareAndIsJudgedOnThoseAnswers(Stack stack)
      throws Exception {
    String model = "birds";
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "challenger-split");
    Path a = Announcer.export(dir.resolve("a"), 3);
    Path b = Announcer.export(dir.resolve("b"), 4);
    ServeConfig config =
        ServeConfig.from(
                ConfigSource.ofSettings(
                    Map.of("serve.challenger.mode", "split", "serve.challenger.share", "1")))
            .with(0, Set.of(model), dir.resolve("cache"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        FeedbackRun feedback =
            FeedbackRun.start(stack, FeedbackConfig.defaults().withChallenger(WINDOW, 0.8, 1));
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      ModelSubscriber subscriber = app.subscriber();
      announcer.announce(model, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.servedVersion(model) == 1);
      announcer.announce(model, 2, VersionStatus.PUBLISHED, b, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> subscriber.challenger(model).isPresent());
      for (int i = 0; i < WINDOW; i++) {
        JsonNode answer = classify(root, model, Announcer.png(i * 30));
        assertThat(answer.get("version").asInt())
            .as("share 1: the challenger answers")
            .isEqualTo(2);
        assertThat(answer.get("servedAs").asText()).isEqualTo("challenger");
      }
      SchemaRegistryClient registry = feedback.registry();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> decisions(stack, registry, model).size() == 1);
      ChampionDecision d = decisions(stack, registry, model).get(0);
      assertThat(d.getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
      assertThat(JSON.readTree(d.getDetail()).get("agreement").isNull())
          .as("split mode has no pairs, so the agreement rule is skipped")
          .isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> subscriber.servedVersion(model) == 2 && subscriber.challenger(model).isEmpty());
      assertThat(classify(root, model, Announcer.png(5)).get("servedAs").asText())
          .isEqualTo("champion");
      List<Prediction> answered =
          predictions(stack, registry, model).stream()
              .filter(p -> p.getServedAs() == ServedAs.CHALLENGER)
              .toList();
      assertThat(answered).hasSize(WINDOW);
      assertThat(answered).allSatisfy(p -> assertThat(p.getSampled()).isFalse());
    }
  }

  private JsonNode classify(String root, String model, byte[] image) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(root + "/v1/models/" + model + ":classify"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<ChampionDecision> decisions(
      Stack stack, SchemaRegistryClient registry, String model) {
    return Invariants.readToEnd(
            stack.kafka(),
            stack.topics().championDecisions(),
            ConfluentAvroSerde.of(ChampionDecision.class, registry, stack.registry())
                .deserializer())
        .stream()
        .map(r -> r.value())
        .filter(d -> d.getModelId().equals(model))
        .toList();
  }

  private static List<Prediction> predictions(
      Stack stack, SchemaRegistryClient registry, String model) {
    return Invariants.readToEnd(
            stack.kafka(),
            stack.topics().predictions(),
            ConfluentAvroSerde.of(Prediction.class, registry, stack.registry()).deserializer())
        .stream()
        .map(r -> r.value())
        .filter(p -> p.getModelId().equals(model))
        .toList();
  }
}
