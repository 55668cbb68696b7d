package dev.streamtune.train;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicScan;
import dev.streamtune.events.VersionStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The versions on {@code models.versions}, read from the beginning to the current end (committed
 * records only), keyed {@code {modelId}/{version}}: the last record of a key wins, as compaction
 * would keep it.
 */
public final class VersionLog {
  private final Map<String, TreeMap<Integer, ModelVersion>> byModel = new TreeMap<>();

  private VersionLog() {}

  /**
   * Reads the whole topic with a consumer that has no group (assign, then seek to the beginning);
   * it must use {@code isolation.level=read_committed}.
   */
  public static VersionLog read(
      Consumer<String, ModelVersion> consumer, String topic, Duration timeout) {
    VersionLog log = new VersionLog();
    TopicScan.toEnd(
        consumer,
        topic,
        timeout,
        timeout,
        r -> {
          if (r.value() != null) {
            log.byModel
                .computeIfAbsent(r.value().getModelId(), k -> new TreeMap<>())
                .put(r.value().getVersion(), r.value());
          }
        });
    return log;
  }

  /**
   * Reads the whole topic with a short-lived read-committed consumer of its own, as a command or a
   * test does once.
   */
  public static VersionLog read(
      KafkaConfig kafka, RegistryConfig registryConfig, String topic, Duration timeout) {
    Map<String, Object> p = kafka.readCommittedConsumerProps();
    try (var registry = new SchemaRegistryClient(registryConfig);
        var consumer =
            new KafkaConsumer<>(
                p,
                new StringDeserializer(),
                ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig)
                    .deserializer())) {
      return read(consumer, topic, timeout);
    }
  }

  /** The models that have versions. */
  public List<String> models() {
    return new ArrayList<>(byModel.keySet());
  }

  /** Every version of a model, oldest first. */
  public List<ModelVersion> versions(String modelId) {
    return new ArrayList<>(byModel.getOrDefault(modelId, new TreeMap<>()).values());
  }

  /** The highest version number of a model, 0 if none. */
  public int highest(String modelId) {
    var v = byModel.get(modelId);
    return v == null || v.isEmpty() ? 0 : v.lastKey();
  }

  /** The highest PUBLISHED version: the one serving, which a new version warm-starts from. */
  public Optional<ModelVersion> serving(String modelId) {
    return versions(modelId).stream()
        .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
        .max(Comparator.comparingInt(ModelVersion::getVersion));
  }
}
