package dev.streamtune.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelGuess;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicTail;
import dev.streamtune.http.Http;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard shows of the feedback role, per model: the recent labelling requests (from
 * {@code labelling.requests}, newest first), the drift monitor's windows (its {@code
 * "source":"drift"} lines on {@code training.status}) and the challenger trials' ends ({@code
 * "source":"challenger"}), each kept in a bounded queue.
 */
final class FeedbackPanel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackPanel.class);
  static final int REQUESTS_KEPT = 20;
  static final int WINDOWS_KEPT = 60;
  static final int TRIALS_KEPT = 20;
  private final Map<String, Deque<ObjectNode>> requests = new ConcurrentHashMap<>();
  private final Map<String, Deque<JsonNode>> drift = new ConcurrentHashMap<>();
  private final Map<String, Deque<JsonNode>> trials = new ConcurrentHashMap<>();
  private final SchemaRegistryClient registry;
  private final Deserializer<LabellingRequest> decoder;
  private final String topic;
  private TopicTail tail;

  private FeedbackPanel(SchemaRegistryClient registry, RegistryConfig config, String topic) {
    this.registry = registry;
    this.decoder = ConfluentAvroSerde.of(LabellingRequest.class, registry, config).deserializer();
    this.topic = topic;
  }

  /** Starts following {@code labelling.requests}. */
  static FeedbackPanel start(KafkaConfig kafka, RegistryConfig registry, TopicNames topics) {
    FeedbackPanel p =
        new FeedbackPanel(new SchemaRegistryClient(registry), registry, topics.labellingRequests());
    try {
      p.tail = TopicTail.start(kafka, p.topic, 500, p::request);
      return p;
    } catch (RuntimeException e) {
      p.registry.close();
      throw e;
    }
  }

  private void request(TopicTail.Entry e) {
    LabellingRequest r;
    try {
      r = decoder.deserialize(topic, e.value());
    } catch (RuntimeException bad) {
      LOG.debug("Skipping an undecodable labelling request: {}", bad.toString());
      return;
    }
    ObjectNode n =
        Http.JSON
            .createObjectNode()
            .put("requestId", r.getRequestId())
            .put("version", r.getVersion())
            .put("requestedAt", r.getRequestedAt().toString())
            .put("margin", r.getMargin())
            .put("imageSha256", r.getImageSha256());
    ArrayNode guesses = n.putArray("guesses");
    for (LabelGuess g : r.getGuesses()) {
      guesses.addObject().put("label", g.getLabel()).put("probability", g.getProbability());
    }
    keep(requests, r.getModelId(), n, REQUESTS_KEPT);
  }

  /** Takes a feedback status line: a drift monitor's window or a challenger trial's end. */
  void statusLine(JsonNode n) {
    boolean trial = "challenger".equals(n.path("source").asText());
    keep(trial ? trials : drift, n.path("modelId").asText(), n, trial ? TRIALS_KEPT : WINDOWS_KEPT);
  }

  private static <T> void keep(Map<String, Deque<T>> by, String model, T item, int most) {
    Deque<T> q = by.computeIfAbsent(model, k -> new ArrayDeque<>());
    synchronized (q) {
      q.addLast(item);
      while (q.size() > most) {
        q.removeFirst();
      }
    }
  }

  /** The models it has seen anything of. */
  java.util.Set<String> models() {
    java.util.Set<String> all = new java.util.HashSet<>(requests.keySet());
    all.addAll(drift.keySet());
    all.addAll(trials.keySet());
    return all;
  }

  /**
   * Puts {@code labelling} (newest first), {@code drift} and {@code trials} (oldest first) into
   * {@code n}.
   */
  void describe(String model, ObjectNode n) {
    ArrayNode queue = n.putArray("labelling");
    Deque<ObjectNode> q = requests.get(model);
    if (q != null) {
      synchronized (q) {
        q.descendingIterator().forEachRemaining(queue::add);
      }
    }
    copy(drift.get(model), n.putArray("drift"));
    copy(trials.get(model), n.putArray("trials"));
  }

  private static void copy(Deque<JsonNode> from, ArrayNode to) {
    if (from != null) {
      synchronized (from) {
        from.forEach(to::add);
      }
    }
  }

  @Override
  public void close() {
    if (tail != null) {
      tail.close();
    }
    registry.close();
  }
}
