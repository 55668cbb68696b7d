package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.devstack.EmbeddedKafka;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The Kafka broker restarted while ingest is mid-stream, with exactly-once transactions open. The
 * test starts a broker of its own (the run's shared one serves every other class) on the same data
 * directory and ports each time; the registry and S3 are the stack's. Ingest rides out the restart
 * and the outcome holds its invariants: every example stored once under its latest label, every
 * poison record dead-lettered once, every trigger fired once.
 */
@WithStack
class BrokerRestartIT {
  private static final int THRESHOLD = 40;

  @Test
  void ingestRidesOutABrokerRestartMidStream(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "broker-restart");
    Workload w;
    try (MinioObjectStore refs = new MinioObjectStore(stack.s3())) {
      w = Workload.write(dir, 1200, 23, refs, stack.bucket());
    }
    TopicNames topics = stack.topics();
    EmbeddedKafka[] broker = {EmbeddedKafka.start(dir.resolve("kafka"), 0, 0)};
    KafkaConfig kafka = KafkaConfig.plaintext(broker[0].bootstrapServers());
    IngestConfig config =
        IngestConfig.defaults()
            .withTriggers(THRESHOLD, 1, Duration.ZERO)
            .withApplication(stack.unique("restart"), dir.resolve("state"))
            .withStorage(java.util.Set.of(stack.bucket()), IngestConfig.defaults().storageRetry());
    try (IngestApp app =
            IngestApp.start(
                config,
                kafka,
                stack.registry(),
                topics,
                new TopicPolicy(3, (short) 1, Duration.ofHours(1)),
                stack.s3());
        MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      NodeScript.run(
          "publish",
          broker[0].bootstrapServers(),
          stack.registryUrl().toString(),
          topics.labelledImages(),
          NodeScript.avsc(),
          w.manifest().toString());
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> s3.list("examples/").size() >= w.distinctImages() / 4);
      broker[0].close();
      int stored = s3.list("examples/").size();
      broker[0] = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
      System.out.printf(
          "Broker restarted with %d of %d images stored%n", stored, w.distinctImages());
      assertThat(stored).as("restarted mid-stream").isLessThan(w.distinctImages());

      await()
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(s3.list("examples/")).hasSize(w.distinctImages()));
      w.assertOutcome(kafka, stack.registry(), topics, s3, THRESHOLD);
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    } finally {
      broker[0].close();
    }
  }
}
