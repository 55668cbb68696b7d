package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Ingest against the stack: 2,000 events for 3 models, about 5% poison, produced by the Node
 * kafkajs client with {@code @kafkajs/confluent-schema-registry}, as an upstream app would.
 */
@WithStack
class IngestIT {
  private static final int THRESHOLD = 50;

  @Test
  void storesEveryGoodExampleOnceDeadLettersEveryPoisonRecordAndTriggersPerModel(Stack stack)
      throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-it");
    Workload w = Workload.write(dir, 2000, 42);
    IngestConfig config =
        IngestConfig.defaults()
            .withTriggers(THRESHOLD, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"));
    try (IngestApp app =
        IngestApp.start(
            config,
            stack.kafka(),
            stack.registry(),
            topics,
            new TopicPolicy(3, (short) -1, Duration.ofHours(1)),
            stack.s3())) {
      NodeScript.run(
          "publish",
          stack.bootstrapServers(),
          stack.registryUrl().toString(),
          topics.labelledImages(),
          NodeScript.avsc(),
          w.manifest().toString());

      try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(s3.list("examples/")).hasSize(w.distinctImages()));
        w.assertOutcome(stack.kafka(), stack.registry(), topics, s3, THRESHOLD);
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    }
  }

  /**
   * Ingest for this class's stack and bucket (ImageRefs allowed there), with no training trigger.
   */
  static IngestConfig untriggered(Stack stack, Path dir) {
    return IngestConfig.defaults()
        .withTriggers(1_000_000, 1, Duration.ZERO)
        .withApplication(stack.unique("ingest"), dir.resolve("state"))
        .withStorage(java.util.Set.of(stack.bucket()), IngestConfig.defaults().storageRetry());
  }

  /**
   * The topic's committed records once there are at least {@code expected}, read to the end offsets
   * of that moment, so that a duplicate committed by then is counted too.
   */
  static List<ConsumerRecord<byte[], byte[]>> read(KafkaConfig kafka, String topic, int expected) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> Invariants.readToEnd(kafka, topic, new ByteArrayDeserializer()),
            r -> r.size() >= expected);
  }

  /** Each dead letter's reason ({@code streamtune.reason}), by its record key. */
  static Map<String, String> reasons(List<ConsumerRecord<byte[], byte[]>> dead) {
    Map<String, String> out = new HashMap<>();
    dead.forEach(
        r ->
            out.put(
                new String(r.key(), StandardCharsets.UTF_8),
                new String(
                    r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8)));
    return out;
  }

  /**
   * The training requests on the topic once there are at least {@code expected}, as {@link #read}
   * reads.
   */
  static List<TrainingRequest> requests(
      KafkaConfig kafka, RegistryConfig registryConfig, TopicNames topics, int expected) {
    try (var registry = new SchemaRegistryClient(registryConfig)) {
      var serde = ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig);
      return await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> Invariants.readToEnd(kafka, topics.trainingRequests(), serde.deserializer()),
              r -> r.size() >= expected)
          .stream()
          .map(ConsumerRecord::value)
          .toList();
    }
  }
}
