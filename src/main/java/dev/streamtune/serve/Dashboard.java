package dev.streamtune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicTail;
import dev.streamtune.http.Http;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web dashboard of the serve role: static HTML and JavaScript with no build step ({@code
 * src/main/resources/dev/streamtune/serve/dashboard/}), and the JSON it polls.
 *
 * <ul>
 *   <li>{@code GET /}: the page; {@code GET /ui/*}: its script and style;
 *   <li>{@code GET /v1/dashboard}: every model read from {@code models.versions}, with its served
 *       version, labels, examples per label and every version (REJECTED ones with their reasons),
 *       and the latest {@code training.status} lines of ingest (new examples, threshold) and of the
 *       trainer (phase, epoch, losses, examples quarantined); a version's {@code quarantined}
 *       counts the examples it left out because they failed a full decode; the recent labelling
 *       requests ({@code labelling}, newest first), the drift monitor's windows ({@code drift}) and
 *       the challenger trials' ends ({@code trials}) ({@link FeedbackPanel}); {@code
 *       challengerMode}, and the {@code challenger} on trial, if any;
 *   <li>{@code GET /v1/models/{id}/versions/{v}/card}: the version's model card from object
 *       storage;
 *   <li>{@code GET /v1/deadletters}: the recent dead letters, newest first, with their stage
 *       ({@code decode} or {@code validate} from ingest, {@code train} for an example the trainer
 *       quarantined, keyed by its object key) and reasons.
 * </ul>
 *
 * <p>Everything comes from topics and object storage, so the dashboard works in a serve process
 * apart from ingest and the trainer.
 */
final class Dashboard implements AutoCloseable {
  private static final Pattern CARD =
      Pattern.compile("/v1/models/([A-Za-z0-9._-]{1,64})/versions/(\\d{1,9})/card");

  /** The page's static files by path: the same for every request, so read from the jar once. */
  static final Map<String, String> STATIC =
      Map.of(
          "/",
          "index.html",
          "/index.html",
          "index.html",
          "/ui/app.js",
          "app.js",
          "/ui/style.css",
          "style.css");

  private static final Map<String, byte[]> FILES =
      Map.of(
          "index.html",
          resource("index.html"),
          "app.js",
          resource("app.js"),
          "style.css",
          resource("style.css"));
  private static final Map<String, String> TYPES =
      Map.of(
          "html",
          "text/html; charset=utf-8",
          "js",
          "text/javascript; charset=utf-8",
          "css",
          "text/css; charset=utf-8");
  private final ModelSubscriber subscriber;
  private final ObjectStore store;
  private final TopicTail deadLetters;
  private final Map<String, JsonNode[]> lines = new java.util.concurrent.ConcurrentHashMap<>();
  private final FeedbackPanel feedback;
  private final ChallengerConfig challenger;
  private TopicTail status;

  private Dashboard(
      ModelSubscriber subscriber,
      ObjectStore store,
      TopicTail deadLetters,
      FeedbackPanel feedback,
      ChallengerConfig challenger) {
    this.challenger = challenger;
    this.subscriber = subscriber;
    this.store = store;
    this.deadLetters = deadLetters;
    this.feedback = feedback;
  }

  /**
   * Starts following the dead-letter and status topics; status lines are parsed once, as they
   * arrive, and the latest of ingest and of the trainer is kept per model.
   */
  static Dashboard start(
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      ModelSubscriber subscriber,
      ObjectStore store,
      ChallengerConfig challenger) {
    FeedbackPanel feedback = FeedbackPanel.start(kafka, registry, topics);
    Dashboard d;
    try {
      d =
          new Dashboard(
              subscriber,
              store,
              TopicTail.start(kafka, topics.deadLetters(), 100, null),
              feedback,
              challenger);
    } catch (RuntimeException e) {
      feedback.close();
      throw e;
    }
    try {
      d.status = TopicTail.start(kafka, topics.trainingStatus(), 1000, d::statusLine);
      return d;
    } catch (RuntimeException e) {
      d.deadLetters.close();
      feedback.close();
      throw e;
    }
  }

  private void statusLine(TopicTail.Entry e) {
    JsonNode n;
    try {
      n = Http.JSON.readTree(e.text());
    } catch (IOException bad) {
      return;
    }
    String source = n.path("source").asText();
    if ("drift".equals(source) || "challenger".equals(source)) {
      feedback.statusLine(n);
      return;
    }
    int slot = "ingest".equals(source) ? 0 : 1;
    lines.compute(
        n.path("modelId").asText(e.key()),
        (k, old) -> {
          JsonNode[] latest = old == null ? new JsonNode[2] : old.clone();
          latest[slot] = n;
          return latest;
        });
  }

  /** Answers a dashboard path and returns true, or returns false for any other path. */
  boolean handle(HttpExchange x, String path, String method) throws IOException {
    Matcher card = CARD.matcher(path);
    if (STATIC.containsKey(path)) {
      Http.allow(method, "GET");
      String name = STATIC.get(path);
      Http.send(x, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), FILES.get(name));
    } else if (path.equals("/v1/dashboard")) {
      Http.allow(method, "GET");
      Http.send(x, 200, overview());
    } else if (path.equals("/v1/deadletters")) {
      Http.allow(method, "GET");
      Http.send(x, 200, deadLetters());
    } else if (card.matches()) {
      Http.allow(method, "GET");
      Http.send(
          x, 200, "text/html; charset=utf-8", card(card.group(1), Integer.parseInt(card.group(2))));
    } else {
      return false;
    }
    return true;
  }

  private ObjectNode overview() {
    TreeSet<String> models = new TreeSet<>(subscriber.models());
    models.addAll(lines.keySet());
    models.addAll(feedback.models());
    ObjectNode out = Http.JSON.createObjectNode();
    ArrayNode list = out.putArray("models");
    String mode = challenger.mode().name().toLowerCase(java.util.Locale.ROOT);
    for (String m : models) {
      ObjectNode n = list.addObject().put("model", m);
      n.put("served", subscriber.servedVersion(m));
      n.put("challengerMode", mode);
      subscriber
          .challenger(m)
          .flatMap(Classifier::served)
          .ifPresent(
              v ->
                  n.putObject("challenger")
                      .put("version", v.getVersion())
                      .put("mode", mode)
                      .put("share", challenger.share()));
      JsonNode[] s = lines.getOrDefault(m, new JsonNode[2]);
      n.set("ingest", s[0]);
      n.set("trainer", s[1]);
      feedback.describe(m, n);
      ArrayNode versions = n.putArray("versions");
      for (ModelVersion v : subscriber.history(m)) {
        versions.add(version(v));
      }
    }
    return out;
  }

  private static ObjectNode version(ModelVersion v) {
    ObjectNode n =
        Http.JSON
            .createObjectNode()
            .put("version", v.getVersion())
            .put("status", v.getStatus().toString())
            .put("reason", v.getReason())
            .put("accuracy", v.getMetrics().getAccuracy())
            .put("macroF1", v.getMetrics().getMacroF1())
            .put("mode", v.getTraining().getMode().toString())
            .put("featureLayer", v.getTraining().getFeatureLayer())
            .put("examples", v.getExamples().getTotal())
            .put("newExamples", v.getExamples().getNewExamples())
            .put("quarantined", v.getExamples().getQuarantined())
            .put("trainingMillis", v.getTimings().getTrainingMillis())
            .put("createdAt", v.getCreatedAt().toString())
            .put("card", v.getArtifacts().getModelCard() != null);
    if (v.getParentVersion() != null) {
      n.put("parentVersion", v.getParentVersion());
    }
    v.getLabels().forEach(n.putArray("labels")::add);
    ObjectNode per = n.putObject("perLabel");
    v.getExamples().getPerLabel().forEach(per::put);
    return n;
  }

  private ObjectNode deadLetters() {
    ObjectNode out = Http.JSON.createObjectNode();
    ArrayNode list = out.putArray("deadLetters");
    List<TopicTail.Entry> recent = deadLetters.recent();
    for (int i = recent.size() - 1; i >= 0; i--) {
      TopicTail.Entry e = recent.get(i);
      Map<String, String> h = e.headers();
      list.addObject()
          .put("key", e.key())
          .put("time", e.timestamp().toString())
          .put("stage", h.getOrDefault("streamtune.stage", "decode"))
          .put(
              "reason",
              h.getOrDefault("streamtune.reason", h.getOrDefault("__streams.errors.message", "")))
          .put("error", h.getOrDefault("__streams.errors.exception", ""))
          .put("bytes", e.value() == null ? 0 : e.value().length)
          .put("offset", e.offset())
          .put("partition", e.partition());
    }
    return out;
  }

  private byte[] card(String modelId, int version) {
    ModelVersion v =
        subscriber.history(modelId).stream()
            .filter(h -> h.getVersion() == version)
            .findFirst()
            .orElseThrow(
                () -> new Http.HttpError(404, "no version " + version + " of model " + modelId));
    if (v.getArtifacts().getModelCard() == null) {
      throw new Http.HttpError(
          404, "version " + version + " of model " + modelId + " has no model card");
    }
    String key = ArtifactFiles.key(store, v.getArtifacts().getModelCard().getUri());
    return store
        .get(key)
        .orElseThrow(() -> new Http.HttpError(404, "the model card " + key + " is gone"));
  }

  @Override
  public void close() {
    deadLetters.close();
    status.close();
    feedback.close();
  }

  private static byte[] resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("dashboard/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("The dashboard's " + name + " is missing from the jar", e);
    }
  }
}
