package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.devstack.EmbeddedS3;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.minio.MakeBucketArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The S3 server stopped for 30 s mid-run, then started again on the same port and data. The storage
 * retry budget is 5 s here, so the outage also fails tasks, which restart from their last commit.
 * Nothing is lost, nothing is duplicated, and no record is dead-lettered because of the outage. The
 * S3 server is started by the test itself, because stopping it is the point.
 */
@WithStack
class IngestS3OutageIT {

  @Test
  void anS3OutageLosesNothingDuplicatesNothingAndDeadLettersNothing(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-outage");
    EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, stack.accessKey(), stack.secretKey());
    int port = s3.endpoint().getPort();
    S3Config config =
        new S3Config(s3.endpoint(), "us-east-1", "outage", stack.accessKey(), stack.secretKey());
    try (var client = config.newClient()) {
      client.makeBucket(MakeBucketArgs.builder().bucket("outage").build());
    }
    Workload w;
    try (MinioObjectStore refs = new MinioObjectStore(config)) {
      w = Workload.write(dir, 1000, 11, refs, "outage");
    }
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, policy);
    }
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication(stack.unique("outage"), dir.resolve("state"))
            .withStorage(Set.of("outage"), Duration.ofSeconds(5))
            .withThreads(2);
    try (IngestApp app =
            IngestApp.start(ingest, stack.kafka(), stack.registry(), topics, policy, config);
        MinioObjectStore store = new MinioObjectStore(config)) {
      NodeScript.run(
          "publish",
          stack.bootstrapServers(),
          stack.registryUrl().toString(),
          topics.labelledImages(),
          NodeScript.avsc(),
          w.manifest().toString());
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> store.list("examples/").size() >= w.distinctImages() / 5);
      s3.close();
      long down = System.nanoTime();
      await()
          .during(Duration.ofSeconds(30))
          .atMost(Duration.ofSeconds(40))
          .until(() -> app.state().isRunningOrRebalancing());
      s3 = EmbeddedS3.start(dir.resolve("s3"), port, stack.accessKey(), stack.secretKey());
      System.out.printf("S3 was down %d s%n", (System.nanoTime() - down) / 1_000_000_000L);

      await()
          .atMost(Duration.ofSeconds(180))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(store.list("examples/")).hasSize(w.distinctImages()));
      w.assertOutcome(stack.kafka(), stack.registry(), topics, store, ingest.threshold());
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    } finally {
      s3.close();
    }
  }
}
