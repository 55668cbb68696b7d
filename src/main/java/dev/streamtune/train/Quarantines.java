package dev.streamtune.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.BadData;
import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.Quarantine;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's quarantine: leaves out the images earlier runs quarantined ({@link Quarantine}, one
 * LIST), and quarantines each example this run finds bad ({@link Gather.Refusals}): a WARN naming
 * the object key and the reason (no stack trace), a dead letter on the dead-letter topic with stage
 * {@code train} (the value a JSON reference to the object, not its bytes), then the record in the
 * bucket that every later run consults. The dead letter is sent and acknowledged before the record
 * is written, so a crash in between at worst sends it twice, never loses it. The producer is opened
 * on the first bad image only.
 */
final class Quarantines implements Gather.Refusals, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Quarantines.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEND_TIMEOUT_S = 60;
  private final TrainMetrics metrics;
  private final ObjectStore store;
  private final KafkaConfig kafka;
  private final String topic;
  private final String modelId;
  private final String runId;
  private final Clock clock;
  private KafkaProducer<String, String> producer;
  private volatile long excluded;
  private volatile long found;

  Quarantines(
      ObjectStore store,
      KafkaConfig kafka,
      String deadLetterTopic,
      String modelId,
      String runId,
      Clock clock,
      TrainMetrics metrics) {
    this.metrics = metrics;
    this.store = store;
    this.kafka = kafka;
    this.topic = deadLetterTopic;
    this.modelId = modelId;
    this.runId = runId;
    this.clock = clock;
  }

  /** The dataset without the images quarantined before this run. */
  Dataset without(Dataset listed) {
    Set<String> shas = Quarantine.shas(store, modelId);
    Dataset kept = listed.without(shas);
    excluded = (long) listed.examples().size() - kept.examples().size();
    return kept;
  }

  /** Examples of this run's dataset left out: quarantined before it or by it. */
  long count() {
    return excluded + found;
  }

  @Override
  public synchronized void refused(Dataset.Example e, RuntimeException error) {
    String reason = reason(error);
    String detail =
        error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    Instant now = clock.instant();
    LOG.warn(
        "Quarantined example {} of model {}: {}; training goes on without it",
        e.key(),
        modelId,
        detail);
    var value =
        JSON.createObjectNode()
            .put("modelId", modelId)
            .put("sha256", e.sha256())
            .put("key", e.key())
            .put("label", e.label())
            .put("reason", reason)
            .put("detail", detail)
            .put("runId", runId)
            .put("quarantine", Quarantine.key(modelId, e.sha256()));
    ProducerRecord<String, String> r = new ProducerRecord<>(topic, e.key(), value.toString());
    r.headers()
        .add(DeadLetterHeaders.STAGE, bytes(DeadLetterHeaders.TRAIN_STAGE))
        .add(DeadLetterHeaders.REASON, bytes(reason))
        .add(DeadLetterHeaders.TIME, bytes(now.toString()));
    send(r);
    Quarantine.put(
        store,
        new Quarantine.Entry(
            modelId,
            e.sha256(),
            e.key(),
            reason,
            detail,
            DeadLetterHeaders.TRAIN_STAGE,
            now,
            runId));
    metrics.quarantined(modelId, reason);
    found++;
  }

  private void send(ProducerRecord<String, String> r) {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              kafka.idempotentProducerProps(), new StringSerializer(), new StringSerializer());
    }
    try {
      producer.send(r).get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while dead-lettering " + r.key(), ex);
    } catch (ExecutionException | TimeoutException ex) {
      throw new IllegalStateException(
          "Cannot dead-letter " + r.key() + " to " + topic + ": " + ex, ex);
    }
  }

  private static String reason(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof BadData b) {
        return b.reason();
      }
    }
    return "UNKNOWN";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
