package dev.streamtune.train;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.Timings;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingInfo;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code streamtune models rollback}: makes an older PUBLISHED version current again.
 *
 * <p>Subscribers serve, and the trainer warm-starts from, the highest PUBLISHED version of a model,
 * and no version number is ever reused. So a rollback to version N publishes a <em>new</em>
 * version, the highest plus one, that re-announces N's artifacts: the same URIs and sha256s (so the
 * same run id, head and SavedModel), N's data and metrics, {@code parentVersion} N and a reason
 * such as {@code ROLLBACK to v3 by operator}. This is what TFX's Pusher does when an older model is
 * pushed again, and it keeps the topic an append-only history: the bad version stays on it, merely
 * superseded. Serve hot-swaps to N's SavedModel; the next training warm-starts from N's head.
 *
 * <p>It publishes with the model's transactional id ({@code
 * {train.transactional.id.prefix}-{modelId}}) and reads the version number after {@code
 * initTransactions}, as a trainer does: a trainer running for the model at that moment is fenced,
 * and its candidate (warm-started from the bad version) is never published; that trainer runs the
 * request again, from N. {@code LATEST} is rewritten after the event.
 *
 * <p>Refused ({@link Refused}): an unknown version, a REJECTED one, or one whose SavedModel or head
 * is no longer in the bucket. Rolling back to the version already current does nothing.
 */
public final class Rollback {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private Rollback() {}

  /** A rollback that cannot be done; the message says why. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /**
   * Rolls a model back to {@code version}.
   *
   * @param transactionalPrefix the trainers' {@code train.transactional.id.prefix}
   * @param note the operator's words, appended to the reason; may be empty
   * @return the new version announcing {@code version}'s artifacts, or empty when {@code version}
   *     is already current
   * @throws Refused when {@code version} is unknown, REJECTED or its artifacts are gone
   */
  public static Optional<ModelVersion> run(
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      ObjectStore store,
      String transactionalPrefix,
      String modelId,
      int version,
      String note,
      Clock clock) {
    try (var registry = new SchemaRegistryClient(registryConfig);
        var producer =
            new KafkaProducer<>(
                Publishing.producerProps(kafka, transactionalPrefix, modelId),
                new StringSerializer(),
                ConfluentAvroSerde.of(ModelVersion.class, registry, registryConfig).serializer())) {
      producer.initTransactions();
      VersionLog log = VersionLog.read(kafka, registryConfig, topics.modelVersions(), READ_TIMEOUT);
      Optional<ModelVersion> next =
          plan(modelId, log.versions(modelId), version, note, clock.instant());
      if (next.isEmpty()) {
        return next;
      }
      requireArtifacts(store, next.get());
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(
              topics.modelVersions(), modelId + "/" + next.get().getVersion(), next.get()));
      producer.commitTransaction();
      Latest.write(store, next.get());
      return next;
    }
  }

  /**
   * The version a rollback publishes, from the model's versions on the topic, without I/O.
   *
   * @return empty when {@code target} is already what is served
   * @throws Refused when {@code target} is unknown or REJECTED
   */
  static Optional<ModelVersion> plan(
      String modelId, List<ModelVersion> versions, int target, String note, Instant now) {
    ModelVersion to =
        versions.stream()
            .filter(v -> v.getVersion() == target)
            .findFirst()
            .orElseThrow(
                () -> new Refused(modelId + " has no version " + target + known(versions)));
    if (to.getStatus() != VersionStatus.PUBLISHED) {
      throw new Refused(
          "Version "
              + target
              + " of "
              + modelId
              + " is "
              + to.getStatus()
              + " and was never servable ("
              + to.getReason()
              + "); only a PUBLISHED version can be rolled back to");
    }
    ModelVersion serving =
        versions.stream()
            .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
            .reduce((a, b) -> b.getVersion() > a.getVersion() ? b : a)
            .orElseThrow();
    if (serving.getArtifacts().getSavedModel().equals(to.getArtifacts().getSavedModel())) {
      return Optional.empty();
    }
    int highest = versions.stream().mapToInt(ModelVersion::getVersion).max().orElseThrow();
    String reason =
        "ROLLBACK to v"
            + target
            + " by operator"
            + (note == null || note.isBlank() ? "" : ": " + note);
    TrainingInfo training =
        TrainingInfo.newBuilder(to.getTraining())
            .setRequestId("rollback-" + modelId + "-" + (highest + 1))
            .build();
    return Optional.of(
        ModelVersion.newBuilder(to)
            .setVersion(highest + 1)
            .setStatus(VersionStatus.PUBLISHED)
            .setReason(reason)
            .setCreatedAt(now)
            .setParentVersion(target)
            .setTraining(training)
            .setTimings(new Timings(0L, 0L))
            .build());
  }

  private static void requireArtifacts(ObjectStore store, ModelVersion v) {
    if (v.getArtifacts().getHead() == null
        || store
            .get(ArtifactWriter.key(store, v.getArtifacts().getHead().getUri()) + "head.json")
            .isEmpty()
        || ArtifactWriter.files(store, v.getArtifacts().getSavedModel().getUri()).isEmpty()) {
      throw new Refused(
          "The artifacts of version "
              + v.getParentVersion()
              + " of "
              + v.getModelId()
              + " are no longer in the bucket ("
              + v.getArtifacts().getSavedModel().getUri()
              + ")");
    }
  }

  private static String known(List<ModelVersion> versions) {
    if (versions.isEmpty()) {
      return " (it has no versions at all)";
    }
    return " (versions: "
        + versions.stream().map(v -> v.getVersion() + " " + v.getStatus()).toList()
        + ")";
  }
}
