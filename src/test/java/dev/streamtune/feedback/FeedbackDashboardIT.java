package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.ChampionAnswer;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.ServedAs;
import dev.streamtune.serve.ServeApp;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.Tools;
import dev.streamtune.testing.WithStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's feedback panels, fed by the real feedback role on the embedded stack: a model's
 * sampled predictions drift after the reference window and three uncertain ones ask for labels;
 * {@code /v1/dashboard} carries the drift windows and the requests (and leaves the trainer's slot
 * alone: a drift line is not the trainer's status), and headless Chromium sees the drift chart with
 * its threshold and drifted points, the labelling requests, and a challenger trial that twenty
 * SHADOW predictions of version 2 decided.
 */
@WithStack
class FeedbackDashboardIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "shop";

  @Test
  void theDashboardShowsTheDriftChartAndTheLabellingRequests(Stack stack) throws Exception {
    Tools.chromium();
    var topics = stack.topics();
    SyntheticPredictions synthetic = new SyntheticPredictions(5);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "feedback-dash");
    List<Prediction> stream = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      stream.add(synthetic.next(MODEL, 1, i >= 400));
    }
    for (char c : new char[] {'a', 'b', 'c'}) {
      Prediction p = synthetic.next(MODEL, 1, false);
      p.setSampled(false);
      p.setImageSha256(String.valueOf(c).repeat(64));
      p.setImageUri(
          "s3://" + stack.bucket() + "/feedback/" + MODEL + "/" + p.getImageSha256() + ".png");
      stream.add(p);
    }
    for (int i = 0; i < 20; i++) {
      Prediction p = synthetic.next(MODEL, 2, false);
      p.setSampled(false);
      p.setServedAs(ServedAs.SHADOW);
      ScoredLabel top = p.getTop().get(0);
      p.setComparedWith(new ChampionAnswer(1, top.getLabel(), top.getProbability()));
      stream.add(p);
    }
    try (FeedbackRun feedback =
            FeedbackRun.start(
                stack,
                FeedbackConfig.defaults().withDrift(100, 0.25).withChallenger(20, 0.8, 0.05));
        ServeApp serve =
            ServeApp.start(
                ServeConfig.from(ConfigSource.ofSettings(Map.of()))
                    .with(0, Set.of(), dir.resolve("cache")),
                stack.kafka(),
                stack.registry(),
                topics,
                stack.s3())) {
      feedback.send(stream);
      String url = "http://127.0.0.1:" + serve.port() + "/";
      HttpClient http = HttpClient.newHttpClient();
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                JsonNode m = model(http, url);
                return m != null
                    && m.path("drift").size() >= 7
                    && m.path("labelling").size() >= 3
                    && m.path("trials").size() >= 1;
              });
      JsonNode m = model(http, url);
      assertThat(m.path("trainer").isNull() || m.path("trainer").isMissingNode())
          .as("a drift line is not the trainer's status: %s", m.path("trainer"))
          .isTrue();
      assertThat(m.path("drift").get(6).path("drifted").asBoolean()).isTrue();
      assertThat(m.path("trials").get(0).path("outcome").asText()).isEqualTo("PROMOTED");
      assertThat(m.path("trials").get(0).path("agreement").asDouble()).isEqualTo(1.0);
      assertThat(m.path("labelling").get(0).path("guesses").get(0).path("label").asText())
          .isNotBlank();

      Path screenshot = Path.of("target", "feedback-dashboard.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      JsonNode seen =
          NodeScript.script(
              "feedback-dashboard.mjs", 180, url, MODEL, "5", "3", "1", screenshot.toString());
      assertThat(seen.path("points").asInt()).as("five compared windows").isEqualTo(5);
      assertThat(seen.path("drifted").asInt()).as("the last three drifted").isEqualTo(3);
      assertThat(seen.path("threshold").asInt()).isEqualTo(1);
      assertThat(seen.path("requests").asInt()).isEqualTo(3);
      assertThat(seen.path("firstRequest").asText()).contains("v1");
      assertThat(seen.path("trials").asInt()).as("one challenger trial decided").isEqualTo(1);
      assertThat(seen.path("firstTrial").asText()).contains("v2 vs v1").contains("promoted");
      assertThat(seen.path("errors")).as("no script errors on the page").isEmpty();
      assertThat(screenshot).isNotEmptyFile();
    }
  }

  private static JsonNode model(HttpClient http, String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "v1/dashboard")).build(),
            HttpResponse.BodyHandlers.ofString());
    for (JsonNode m : JSON.readTree(r.body()).path("models")) {
      if (m.path("model").asText().equals(MODEL)) {
        return m;
      }
    }
    return null;
  }
}
