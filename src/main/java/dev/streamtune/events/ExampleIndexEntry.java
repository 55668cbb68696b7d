package dev.streamtune.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;

/**
 * One record of the {@code examples.index} topic, the one owner of its key, value and partition.
 *
 * <p>Key {@code modelId/sha256}; value the JSON object {@code {"label": ..., "key": ...,
 * "revision": n}}: the image's label, its object key and its label revision (as in {@code
 * store.BucketLayout}); a null value (a tombstone) says the image was erased. Every record of a
 * model goes to one partition, {@link #partition}, chosen by the model id alone, so a trainer reads
 * one partition to follow one model. The topic is compacted: it keeps every image's last record.
 *
 * @param modelId the model
 * @param sha256 the image's content hash
 * @param label its label, or null for an erasure
 * @param key its object key, or null for an erasure
 * @param revision its label revision (0 for an erasure)
 */
public record ExampleIndexEntry(
    String modelId, String sha256, String label, String key, long revision) {
  /** How long the topic keeps a tombstone after compaction: a trainer's index is rebuilt sooner. */
  public static final Duration TOMBSTONE_RETENTION = Duration.ofDays(7);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An erasure of an image. */
  public static ExampleIndexEntry erased(String modelId, String sha256) {
    return new ExampleIndexEntry(modelId, sha256, null, null, 0);
  }

  /** Whether this entry erases its image. */
  public boolean isErasure() {
    return label == null;
  }

  /** The record key, {@code modelId/sha256}. */
  public String recordKey() {
    return modelId + "/" + sha256;
  }

  /** The record value: its JSON, or null for an erasure. */
  public String recordValue() {
    if (isErasure()) {
      return null;
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("label", label);
    o.put("key", key);
    o.put("revision", revision);
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Parses a record; empty when the key is not {@code modelId/sha256} or the value not the JSON
   * above (nothing Streamtune writes).
   */
  public static Optional<ExampleIndexEntry> parse(String recordKey, String value) {
    int slash = recordKey == null ? -1 : recordKey.indexOf('/');
    if (slash <= 0 || slash == recordKey.length() - 1) {
      return Optional.empty();
    }
    String model = recordKey.substring(0, slash);
    String sha = recordKey.substring(slash + 1);
    if (value == null) {
      return Optional.of(erased(model, sha));
    }
    try {
      JsonNode o = JSON.readTree(value);
      if (!o.path("label").isTextual() || !o.path("key").isTextual()) {
        return Optional.empty();
      }
      return Optional.of(
          new ExampleIndexEntry(
              model,
              sha,
              o.get("label").asText(),
              o.get("key").asText(),
              o.path("revision").asLong()));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /** The partition of a model's records among {@code partitions}, as Kafka hashes a key. */
  public static int partition(String modelId, int partitions) {
    return Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
