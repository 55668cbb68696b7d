package dev.streamtune.train;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What every publisher of a model's versions shares, the trainer and a rollback alike: the
 * producer's {@code transactional.id}, {@code {prefix}-{modelId}}, so that each fences the others
 * and the version number read after fencing is free; and {@code models/{modelId}/LATEST}, the last
 * PUBLISHED version, its run and its SavedModel as JSON, written after the event (it can always be
 * rebuilt from {@code models.versions}).
 */
final class Publishing {
  private Publishing() {}

  /** The properties of the transactional producer that publishes a model's versions. */
  static Map<String, Object> producerProps(KafkaConfig kafka, String transactionalPrefix, String modelId) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalPrefix + "-" + modelId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  /** The key of a model's LATEST object. */
  static String latestKey(String modelId) {
    return "models/" + modelId + "/LATEST";
  }

  /** Points LATEST at {@code v}. */
  static void writeLatest(ObjectStore store, ModelVersion v) {
    String json = "{\"version\":" + v.getVersion() + ",\"runId\":\"" + v.getTraining().getRunId()
        + "\",\"savedModel\":\"" + v.getArtifacts().getSavedModel().getUri() + "\"}\n";
    store.put(latestKey(v.getModelId()), json.getBytes(StandardCharsets.UTF_8), "application/json", Map.of());
  }
}
