package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.ObjectStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What trainer tests and the benchmark do as an upstream app would: produce labelled images and
 * training requests, wait for examples to be stored and for versions to be published.
 */
final class TrainHarness implements AutoCloseable {
  private final KafkaConfig kafka;
  private final RegistryConfig registryConfig;
  private final TopicNames topics;
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, Object> producer;

  TrainHarness(KafkaConfig kafka, RegistryConfig registryConfig, TopicNames topics) {
    this.kafka = kafka;
    this.registryConfig = registryConfig;
    this.topics = topics;
    this.registry = new SchemaRegistryClient(registryConfig);
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    var images = ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig).serializer();
    var requests =
        ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig).serializer();
    this.producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            (Serializer<Object>)
                (topic, v) ->
                    v instanceof LabelledImage li
                        ? images.serialize(topic, li)
                        : requests.serialize(topic, (TrainingRequest) v));
  }

  /** Sends one labelled PNG. */
  void send(String model, String label, byte[] png) {
    send(model, label, png, UUID.randomUUID().toString());
  }

  /** Sends one labelled PNG with the given event id. */
  void send(String model, String label, byte[] png, String eventId) {
    send(model, label, png, eventId, "image/png");
  }

  /** Sends one labelled image of the given content type with the given event id. */
  void send(String model, String label, byte[] image, String eventId, String contentType) {
    producer.send(
        new ProducerRecord<>(
            topics.labelledImages(),
            model,
            LabelledImage.newBuilder()
                .setEventId(eventId)
                .setModelId(model)
                .setLabel(label)
                .setImage(
                    InlineImage.newBuilder()
                        .setData(ByteBuffer.wrap(image))
                        .setContentType(contentType)
                        .build())
                .setCapturedAt(Instant.now())
                .build()));
  }

  /** Sends a MANUAL training request and returns when it is acknowledged. */
  void request(String model) {
    request(dev.streamtune.events.TrainingRequests.of(model, TrainingReason.MANUAL, Instant.now()));
  }

  /** Sends a training request and returns when it is acknowledged. */
  void request(TrainingRequest request) {
    producer.flush();
    producer.send(new ProducerRecord<>(topics.trainingRequests(), request.getModelId(), request));
    producer.flush();
  }

  void flush() {
    producer.flush();
  }

  /** Waits until the model has {@code n} stored examples. */
  /**
   * Downloads a directory artifact (such as a version's SavedModel) into {@code dir}, checking its
   * sha256.
   */
  static java.nio.file.Path download(
      ObjectStore s3, dev.streamtune.events.Artifact artifact, java.nio.file.Path dir) {
    return dev.streamtune.store.ArtifactFiles.download(
        s3, artifact.getUri(), artifact.getSha256(), dir);
  }

  static void awaitStored(ObjectStore s3, String model, int n, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(s3.list("examples/" + model + "/")).hasSize(n));
  }

  /** Reads {@code models.versions} now. */
  VersionLog versions() {
    return VersionLog.read(kafka, registryConfig, topics.modelVersions(), Duration.ofSeconds(30));
  }

  /**
   * Waits for a model's version {@code version} and returns it, checking no number is used twice.
   */
  ModelVersion awaitVersion(String model, int version, Duration timeout) {
    ModelVersion[] found = new ModelVersion[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              VersionLog log = versions();
              assertThat(log.highest(model)).isGreaterThanOrEqualTo(version);
              assertThat(log.versions(model))
                  .extracting(ModelVersion::getVersion)
                  .doesNotHaveDuplicates();
              found[0] = log.versions(model).get(version - 1);
            });
    assertThat(found[0].getVersion()).isEqualTo(version);
    return found[0];
  }

  @Override
  public void close() {
    producer.close();
    registry.close();
  }
}
