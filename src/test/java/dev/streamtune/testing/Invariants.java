package dev.streamtune.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.Artifact;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicScan;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The promises the fault-injection tests hold the system to after any fault, stated once. They are
 * invariants, not equality with a reference run, since coalescing and schedules make runs differ:
 * every good example is stored exactly once under its latest label; no version number is used
 * twice; every PUBLISHED version's artifacts exist and match their sha256; nothing REJECTED or
 * half-written is announced as PUBLISHED; {@code LATEST} names the highest PUBLISHED version.
 */
public final class Invariants {
  private Invariants() {}

  /**
   * Every expected example is stored exactly once, in its latest label's folder, and nothing else
   * is stored for those models.
   *
   * @param expected {@code model/sha256} to the label it must end under
   */
  public static void storedExactlyOnce(ObjectStore s3, Map<String, String> expected) {
    Map<String, List<String>> found = new TreeMap<>();
    expected.keySet().stream()
        .map(k -> k.substring(0, k.indexOf('/')))
        .distinct()
        .forEach(
            model -> {
              for (String key : s3.list("examples/" + model + "/")) {
                String[] parts = key.split("/");
                String sha = parts[3].substring(0, parts[3].indexOf('.'));
                found.computeIfAbsent(model + "/" + sha, k -> new ArrayList<>()).add(parts[2]);
              }
            });
    Map<String, List<String>> wanted =
        expected.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, e -> List.of(e.getValue()), (a, b) -> a, TreeMap::new));
    assertThat(found)
        .as("stored examples: each exactly once, under its latest label")
        .isEqualTo(wanted);
  }

  /**
   * Every committed record of {@code models.versions}, in offset order per partition, compaction
   * aside.
   */
  public static List<ModelVersion> versionRecords(
      KafkaConfig kafka, RegistryConfig registryConfig, String topic) {
    try (var registry = new SchemaRegistryClient(registryConfig)) {
      return readToEnd(
              kafka,
              topic,
              ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig).deserializer())
          .stream()
          .map(ConsumerRecord::value)
          .toList();
    }
  }

  /** How many committed records a topic holds, read without a schema registry. */
  public static long countRecords(KafkaConfig kafka, String topic) {
    return readToEnd(kafka, topic, new ByteArrayDeserializer()).size();
  }

  /** Every committed record of a topic, read to its end offsets now, values with {@code values}. */
  public static <V> List<ConsumerRecord<byte[], V>> readToEnd(
      KafkaConfig kafka, String topic, Deserializer<V> values) {
    List<ConsumerRecord<byte[], V>> out = new ArrayList<>();
    try (var c =
        new KafkaConsumer<>(
            kafka.readCommittedConsumerProps(), new ByteArrayDeserializer(), values)) {
      TopicScan.toEnd(c, topic, Duration.ofSeconds(60), null, out::add);
    }
    return out;
  }

  /**
   * The version invariants over every record of {@code models.versions}: one record per version
   * number, versions numbered 1, 2, 3… per model without gaps, each PUBLISHED version's artifacts
   * present and matching their sha256, and {@code LATEST} naming the highest PUBLISHED version.
   *
   * @return the versions per model, in order
   */
  public static Map<String, List<ModelVersion>> versionsSound(
      ObjectStore s3, List<ModelVersion> records) {
    Map<String, List<ModelVersion>> byModel = new TreeMap<>();
    records.forEach(v -> byModel.computeIfAbsent(v.getModelId(), m -> new ArrayList<>()).add(v));
    byModel.forEach(
        (model, versions) -> {
          versions.sort((a, b) -> Integer.compare(a.getVersion(), b.getVersion()));
          assertThat(versions)
              .extracting(ModelVersion::getVersion)
              .as("%s: each version number once, no gaps", model)
              .containsExactlyElementsOf(
                  Stream.iterate(1, i -> i + 1).limit(versions.size()).toList());
          versions.stream()
              .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
              .forEach(v -> artifactsMatch(s3, v));
          int highest =
              versions.stream()
                  .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
                  .mapToInt(ModelVersion::getVersion)
                  .max()
                  .orElse(0);
          Optional<byte[]> latest = s3.get("models/" + model + "/LATEST");
          if (highest > 0) {
            assertThat(latest.map(b -> new String(b, StandardCharsets.UTF_8)))
                .as("%s: LATEST", model)
                .hasValueSatisfying(
                    s ->
                        assertThat(s)
                            .contains("\"version\":" + highest + ",")
                            .contains(versions.get(highest - 1).getTraining().getRunId()));
          } else {
            assertThat(latest).as("%s: no LATEST before a PUBLISHED version", model).isEmpty();
          }
        });
    return byModel;
  }

  /**
   * Each artifact of a version exists and its sha256 (a directory's: its manifest's) is the
   * event's.
   */
  public static void artifactsMatch(ObjectStore s3, ModelVersion v) {
    var a = v.getArtifacts();
    Stream.of(a.getSavedModel(), a.getTfjs(), a.getHead(), a.getModelCard(), a.getConfusionMatrix())
        .filter(java.util.Objects::nonNull)
        .forEach(
            artifact ->
                assertThat(sha256(s3, artifact))
                    .as("%s v%d: %s", v.getModelId(), v.getVersion(), artifact.getUri())
                    .isEqualTo(artifact.getSha256()));
  }

  private static String sha256(ObjectStore s3, Artifact artifact) {
    String key = ArtifactFiles.key(s3, artifact.getUri());
    Optional<byte[]> file = key.endsWith("/") ? Optional.empty() : s3.get(key);
    if (file.isPresent()) {
      return ArtifactFiles.sha256(file.get());
    }
    String prefix = key.endsWith("/") ? key : key + "/";
    Map<String, String> manifest = new TreeMap<>();
    for (String k : s3.list(prefix)) {
      manifest.put(k.substring(prefix.length()), ArtifactFiles.sha256(s3.get(k).orElseThrow()));
    }
    return manifest.isEmpty()
        ? "(missing)"
        : ArtifactFiles.sha256(ArtifactFiles.manifest(manifest));
  }
}
