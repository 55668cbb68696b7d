package dev.streamtune.ingest;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicScan;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds which image an event carried: reads {@code images.labelled} from its beginning to the end
 * it has when the search starts (no consumer group, committed records only), decodes each record
 * with the project's serde, and for the wanted event ids of the model gives the image's sha256, as
 * ingest computes it (of the inline bytes, or the {@code ImageRef}'s, which ingest checks against
 * the object). Records that do not decode are skipped: ingest dead-lettered them, so they stored
 * nothing. Only events still within the topic's retention can be found.
 */
final class EventIndex {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private EventIndex() {}

  /**
   * The images of each wanted event of {@code modelId} found on {@code topic}, by event id: one
   * sha256, or more should a producer have reused an event id.
   */
  static Map<String, Set<String>> sha256s(
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      String topic,
      String modelId,
      Set<String> eventIds) {
    Map<String, Set<String>> found = new TreeMap<>();
    if (eventIds.isEmpty()) {
      return found;
    }
    Map<String, Object> c = kafka.readCommittedConsumerProps();
    try (var registry = new SchemaRegistryClient(registryConfig);
        var consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      var serde =
          ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig).deserializer();
      TopicScan.toEnd(
          consumer,
          topic,
          TIMEOUT,
          null,
          r -> {
            if (r.value() == null) {
              return;
            }
            LabelledImage e;
            try {
              e = serde.deserialize(r.topic(), r.headers(), r.value());
            } catch (RuntimeException undecodable) {
              return;
            }
            if (e != null && modelId.equals(e.getModelId()) && eventIds.contains(e.getEventId())) {
              found.computeIfAbsent(e.getEventId(), k -> new TreeSet<>()).add(sha256(e));
            }
          });
    }
    return found;
  }

  /** The sha256 ingest keys an event's image by. */
  static String sha256(LabelledImage e) {
    return e.getImage() instanceof InlineImage inline
        ? Validator.sha256(Validator.toArray(inline.getData()))
        : ((ImageRef) e.getImage()).getSha256().toLowerCase(Locale.ROOT);
  }
}
