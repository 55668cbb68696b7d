package dev.streamtune.train;

import dev.streamtune.events.KafkaConfig;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What every publisher of a model's versions shares, the trainer and a rollback alike: the
 * producer's {@code transactional.id}, {@code {prefix}-{modelId}}, so that each fences the others
 * and the version number read after fencing is free. Both then move {@link Latest}.
 */
final class Publishing {
  private Publishing() {}

  /** The properties of the transactional producer that publishes a model's versions. */
  static Map<String, Object> producerProps(
      KafkaConfig kafka, String transactionalPrefix, String modelId) {
    Map<String, Object> p = kafka.idempotentProducerProps();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalPrefix + "-" + modelId);
    return p;
  }
}
