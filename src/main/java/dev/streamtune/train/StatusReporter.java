package dev.streamtune.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.KafkaConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress on {@code training.status}, keyed by model id, as JSON: {@code
 * {"source":"trainer","modelId","version","runId","phase","step","of","trainLoss","validationLoss",
 * "quarantined","at"}}. Phases: listing, features (step = images done), training (step = epoch),
 * export, upload, then published, rejected or skipped; {@code quarantined} (on a run's progress
 * lines) counts the run's examples left out as quarantined so far. Best effort: a lost status line
 * is harmless.
 */
final class StatusReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final Clock clock;

  StatusReporter(KafkaConfig kafka, String topic, Clock clock) {
    this.producer =
        new KafkaProducer<>(props(kafka), new StringSerializer(), new StringSerializer());
    this.topic = topic;
    this.clock = clock;
  }

  /** Best-effort producer properties: one acknowledgement, a short linger. */
  static Map<String, Object> props(KafkaConfig kafka) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    return p;
  }

  void report(
      String modelId,
      int version,
      String runId,
      Phase phase,
      int step,
      int of,
      double trainLoss,
      double validationLoss) {
    report(modelId, version, runId, phase, step, of, trainLoss, validationLoss, -1);
  }

  /** A line of a run's progress; {@code quarantined} is left out when negative. */
  void report(
      String modelId,
      int version,
      String runId,
      Phase phase,
      int step,
      int of,
      double trainLoss,
      double validationLoss,
      long quarantined) {
    var n =
        JSON.createObjectNode()
            .put("source", "trainer")
            .put("modelId", modelId)
            .put("version", version)
            .put("runId", runId)
            .put("phase", phase.wire())
            .put("step", step)
            .put("of", of)
            .put("at", clock.instant().toString());
    if (!Double.isNaN(trainLoss)) {
      n.put("trainLoss", trainLoss);
    }
    if (!Double.isNaN(validationLoss)) {
      n.put("validationLoss", validationLoss);
    }
    if (quarantined >= 0) {
      n.put("quarantined", quarantined);
    }
    LOG.debug("{}", n);
    producer.send(
        new ProducerRecord<>(topic, modelId, n.toString()),
        (meta, e) -> {
          if (e != null) {
            LOG.debug("Status not sent: {}", e.toString());
          }
        });
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
