package dev.streamtune.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.digest.Sha256;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequests;
import dev.streamtune.feedback.Labeller;
import dev.streamtune.serve.PredictionConfig;
import dev.streamtune.store.BucketLayout;
import dev.streamtune.store.ObjectStore;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's labelling round: the held-back pool goes through serve's HTTP API as live traffic;
 * serve keeps the images it is unsure of, the feedback role asks for their labels, and the demo
 * answers each request with the image's true label (it held the images back, so it knows them: a
 * stand-in for a person at {@code streamtune label}); once ingest has stored the answers it asks
 * for a training, which trains the next version on them.
 */
final class DemoLoop {
  /** Who the demo's answers say labelled them. */
  static final String LABELLER = "streamtune-demo (held-back images, true labels)";

  private static final ObjectMapper JSON = new ObjectMapper();
  private final DemoConfig config;
  private final DevStack stack;
  private final TopicNames topics;
  private final ObjectStore store;
  private final String serveUrl;
  private final int dailyRequests;
  private final PredictionConfig predictions;
  private final PrintWriter out;

  /**
   * What the round did.
   *
   * @param sent images classified
   * @param uncertain of those, the ones under the margin
   * @param answered labelling requests the demo answered
   */
  record Result(int sent, int uncertain, int answered) {}

  DemoLoop(
      DemoConfig config,
      DevStack stack,
      TopicNames topics,
      ObjectStore store,
      String serveUrl,
      int dailyRequests,
      PredictionConfig predictions,
      PrintWriter out) {
    this.predictions = predictions;
    this.config = config;
    this.stack = stack;
    this.topics = topics;
    this.store = store;
    this.serveUrl = serveUrl;
    this.dailyRequests = dailyRequests;
    this.out = out;
  }

  /** Classifies the pool, answers the requests, waits for the answers to be stored, asks. */
  Result run(String modelId, Map<Path, byte[]> pool) throws Exception {
    Map<String, String> truth = new HashMap<>();
    int uncertain = 0;
    HttpClient http = HttpClient.newHttpClient();
    for (Map.Entry<Path, byte[]> e : pool.entrySet()) {
      truth.put(Sha256.hex(e.getValue()), DemoData.label(e.getKey()));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(serveUrl + "v1/models/" + modelId + ":classify"))
                  .header("Content-Type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(e.getValue()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode answer = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
      uncertain +=
          answer != null
                  && predictions.uncertain(
                      answer.path("margin").asDouble(1), answer.path("entropy").asDouble(0))
              ? 1
              : 0;
    }
    out.printf(
        "labelling round: %d held-back images classified through serve as live traffic, %d of "
            + "them uncertain (margin under %.2f); the demo answers their labelling requests "
            + "with the true labels it held back%n",
        pool.size(), uncertain, config.loopMargin());
    out.flush();
    int expected = Math.min(uncertain, dailyRequests);
    if (expected == 0) {
      return new Result(pool.size(), uncertain, 0);
    }
    List<String> keys = new ArrayList<>();
    Labeller.Outcome o;
    try (Labeller labeller =
        Labeller.open(
            stack.kafka(), stack.registry(), topics, modelId, "streamtune-demo-labeller")) {
      o = labeller.run(r -> answer(r, truth, keys), LABELLER, config.versionTimeout(), expected);
    }
    awaitStored(keys);
    try (var registry = new SchemaRegistryClient(stack.registry())) {
      TrainingRequests.send(
          stack.kafka(),
          registry,
          stack.registry(),
          topics.trainingRequests(),
          TrainingRequests.of(modelId, TrainingReason.MANUAL, Instant.now()));
    }
    return new Result(pool.size(), uncertain, o.answered());
  }

  private static Labeller.Answer answer(
      LabellingRequest r, Map<String, String> truth, List<String> keys) {
    String label = truth.get(r.getImageSha256());
    if (label == null) {
      return Labeller.Answer.skip();
    }
    String uri = r.getImageUri();
    keys.add(
        BucketLayout.key(
            r.getModelId(), label, r.getImageSha256(), uri.substring(uri.lastIndexOf('.') + 1)));
    return Labeller.Answer.label(label);
  }

  /** Waits until ingest has stored every answer, asking storage about each once it is there. */
  private void awaitStored(List<String> keys) {
    List<String> missing = new ArrayList<>(keys);
    DemoRounds.await(
        "ingest to store the demo's " + keys.size() + " answers",
        config.versionTimeout(),
        () -> {
          missing.removeIf(k -> store.metadata(k).isPresent());
          return missing.isEmpty();
        });
  }
}
