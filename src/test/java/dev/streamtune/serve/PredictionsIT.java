package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.digest.Sha256;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.VersionStatus;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * With {@code serve.predictions.sample=1}, every classification serve answers over HTTP becomes a
 * {@code Prediction} event on {@code predictions}, keyed by the model, carrying the answer the
 * client got, the margin and entropy, and the sha256 of the image sent; its schema is registered
 * under the topic's subject as the {@code .avsc} text, FULL_TRANSITIVE. With the sample at 0 and
 * {@code serve.uncertain.margin} at 1, every prediction is uncertain: each is published, and its
 * image is kept under {@code feedback/} with the event naming it.
 */
@WithStack
class PredictionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "pets";
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyClassificationServedBecomesAPredictionEvent(Stack stack) throws Exception {
    Served served = classifyThree(stack, "predictions-it", Map.of("serve.predictions.sample", "1"));
    List<ConsumerRecord<byte[], dev.streamtune.events.Prediction>> records = served.records();
    try (var registry = new SchemaRegistryClient(stack.registry())) {
      String subject =
          stack
              .registry()
              .subjectStrategy()
              .subject(
                  stack.topics().predictions(),
                  false,
                  EventSchemas.schema(dev.streamtune.events.Prediction.class));
      assertThat(
              registry.lookup(subject, EventSchemas.text(dev.streamtune.events.Prediction.class)))
          .isNotNull();
      assertThat(registry.compatibility(subject)).isEqualTo("FULL_TRANSITIVE");
    }
    assertThat(records).hasSize(3);
    for (int i = 0; i < 3; i++) {
      var r = records.get(i);
      var e = r.value();
      JsonNode answer = served.answers().get(i);
      assertThat(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(MODEL);
      assertThat(e.getModelId()).isEqualTo(MODEL);
      assertThat(e.getVersion()).isEqualTo(1);
      assertThat(e.getImageSha256()).isEqualTo(Sha256.hex(served.images().get(i)));
      assertThat(e.getImageUri()).as("not uncertain: serve.uncertain.margin is 0").isNull();
      assertThat(e.getSampled()).isTrue();
      assertThat(e.getProjection())
          .as("the served model's projection of the image's features")
          .hasSize(8);
      assertThat(e.getTop()).hasSize(2);
      for (int k = 0; k < 2; k++) {
        assertThat(e.getTop().get(k).getLabel())
            .isEqualTo(answer.at("/labels/" + k + "/label").asText());
        assertThat((double) e.getTop().get(k).getProbability())
            .isCloseTo(answer.at("/labels/" + k + "/probability").asDouble(), within(1e-6));
      }
      assertThat((double) e.getMargin())
          .isCloseTo(
              e.getTop().get(0).getProbability() - e.getTop().get(1).getProbability(),
              within(1e-6));
      assertThat(e.getEntropy()).isPositive().isLessThanOrEqualTo((float) Math.log(3) + 1e-6f);
    }
    assertThat(records.stream().map(r -> r.value().getPredictionId()).distinct()).hasSize(3);
  }

  @Test
  void anUncertainPredictionIsPublishedWithItsImageKeptForLabelling(Stack stack) throws Exception {
    Served served =
        classifyThree(
            stack,
            "uncertain-it",
            Map.of("serve.predictions.sample", "0", "serve.uncertain.margin", "1"));
    assertThat(served.records()).as("sample 0, but every margin is under 1").hasSize(3);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      for (int i = 0; i < 3; i++) {
        var e = served.records().get(i).value();
        String key = "feedback/" + MODEL + "/" + Sha256.hex(served.images().get(i)) + ".png";
        assertThat(e.getImageUri()).isEqualTo("s3://" + s3.bucket() + "/" + key);
        assertThat(e.getSampled()).as("published only for being uncertain").isFalse();
        assertThat(s3.get(key)).hasValue(served.images().get(i));
      }
    }
  }

  /** Three images, the HTTP answers serve gave, and the records of {@code predictions}. */
  private record Served(
      List<byte[]> images,
      List<JsonNode> answers,
      List<ConsumerRecord<byte[], dev.streamtune.events.Prediction>> records) {}

  private Served classifyThree(Stack stack, String name, Map<String, String> settings)
      throws Exception {
    String topic = stack.topics().predictions();
    try (var admin = stack.admin()) {
      if (!admin.listTopics().names().get().contains(topic)) {
        stack.createTopics(topic);
      }
    }
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name);
    Path a = Announcer.export(dir.resolve("a"), 1);
    Map<String, String> all = new java.util.HashMap<>(settings);
    all.put("serve.top.k", "2");
    ServeConfig config =
        ServeConfig.from(ConfigSource.ofSettings(all)).with(0, Set.of(MODEL), dir.resolve("cache"));
    List<byte[]> images = List.of(Announcer.png(0), Announcer.png(90), Announcer.png(180));
    List<JsonNode> answers = new ArrayList<>();
    long before = Invariants.readToEnd(stack.kafka(), topic, new ByteArrayDeserializer()).size();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        ServeApp app =
            ServeApp.start(config, stack.kafka(), stack.registry(), stack.topics(), stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").statusCode() == 200);
      for (byte[] image : images) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(root + "/v1/models/pets:classify"))
                    .header("Content-Type", "image/png")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        answers.add(JSON.readTree(r.body()));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> get(root + "/metrics").body().contains(published(3)));
    }
    try (var registry = new SchemaRegistryClient(stack.registry())) {
      var records =
          Invariants.readToEnd(
              stack.kafka(),
              topic,
              ConfluentAvroSerde.of(
                      dev.streamtune.events.Prediction.class, registry, stack.registry())
                  .deserializer());
      return new Served(images, answers, records.subList((int) before, records.size()));
    }
  }

  private static String published(int n) {
    return "streamtune_serve_predictions_total{outcome=\"published\"} " + n + ".0";
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
