package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.devstack.EmbeddedS3;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TopicTail;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.events.registry.Compatibility;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.minio.MakeBucketArgs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Outages of the servers around a training, each 30 s, with every role in this JVM. The S3 server
 * stopped while a version trains: the run fails, is retried, and once S3 is back the version is
 * published once with matching artifacts. The schema registry stopped after version 1: ingest goes
 * on decoding and storing with its cached schemas, the trigger fires, and version 2 trains and is
 * published while the registry is still down; a restarted registry serves the same ids. S3 stopped
 * between a version's publish and its {@code LATEST}: the loop goes on and {@code LATEST} is
 * repaired once S3 is back. The registry down when a request arrives that no one in the trainer has
 * decoded yet: the request is read again, not skipped, and answered once the registry is back.
 */
@WithStack
class TrainerOutageIT {
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void anS3OutageDuringATrainingDelaysTheVersionAndPublishesItOnce(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-s3-outage");
    TopicNames topics = TopicNames.withPrefix(stack.unique("s3out") + ".");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, topics);
    AtomicBoolean started = new AtomicBoolean();
    AtomicBoolean retried = new AtomicBoolean();
    FeatureConfig fc = FeatureConfig.defaults();
    try (OwnS3 server = new OwnS3(stack, dir.resolve("s3"), "outage");
        MinioObjectStore s3 = new MinioObjectStore(server.config);
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics);
        TopicTail status =
            TopicTail.start(
                stack.kafka(),
                topics.trainingStatus(),
                100,
                e -> {
                  started.compareAndSet(false, e.text().contains("\"phase\":\"features\""));
                  retried.compareAndSet(false, e.text().contains("\"phase\":\"retrying\""));
                });
        TrainerApp trainer =
            TrainerApp.start(
                TrainConfig.defaults()
                    .withGroup(stack.unique("trainer"))
                    .withTransactionalPrefix(stack.unique("tx")),
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    s3,
                    fx,
                    BaseModels.tfjsSource(fc).orElse(null),
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC())) {
      TrainerCrashIT.store(s3, "outage", 0, 36);
      h.request("outage");
      await().atMost(Duration.ofSeconds(120)).untilTrue(started);
      server.stop();
      await().during(OUTAGE).atMost(OUTAGE.plusSeconds(10)).until(trainer::isRunning);
      server.restart();

      await("the run hit the outage and was put back for a retry")
          .atMost(Duration.ofSeconds(60))
          .untilTrue(retried);
      ModelVersion v1 = h.awaitVersion("outage", 1, Duration.ofSeconds(240));
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  Invariants.versionsSound(
                      s3,
                      Invariants.versionRecords(
                          stack.kafka(), stack.registry(), topics.modelVersions())));
      assertThat(Invariants.versionRecords(stack.kafka(), stack.registry(), topics.modelVersions()))
          .hasSize(1);
    }
  }

  @Test
  void anS3OutageBetweenThePublishAndLatestStopsNothingAndLatestIsRepaired(Stack stack)
      throws Exception {
    Path dir =
        Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-latest-outage");
    TopicNames topics = TopicNames.withPrefix(stack.unique("latestout") + ".");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, topics);
    AtomicBoolean down = new AtomicBoolean();
    FeatureConfig fc = FeatureConfig.defaults();
    try (OwnS3 server = new OwnS3(stack, dir.resolve("s3"), "latest");
        MinioObjectStore s3 = new MinioObjectStore(server.config);
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics);
        TrainerApp trainer =
            TrainerApp.start(
                TrainConfig.defaults()
                    .withGroup(stack.unique("trainer"))
                    .withTransactionalPrefix(stack.unique("tx"))
                    .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1)),
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    new StopsBeforeLatest(
                        s3,
                        () -> {
                          if (down.compareAndSet(false, true)) {
                            server.stop();
                          }
                        }),
                    fx,
                    null,
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC())) {
      TrainerCrashIT.store(s3, "latest", 0, 36);
      h.request("latest");
      ModelVersion v1 = h.awaitVersion("latest", 1, Duration.ofSeconds(240));
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(down).as("S3 went down after the publish, as LATEST was written").isTrue();
      await()
          .during(Duration.ofSeconds(15))
          .atMost(Duration.ofSeconds(25))
          .until(trainer::isRunning);
      server.restart();

      await("LATEST repaired")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(
                          new String(
                              s3.get("models/latest/LATEST").orElseThrow(),
                              java.nio.charset.StandardCharsets.UTF_8))
                      .contains("\"version\":1", v1.getTraining().getRunId()));
      assertThat(trainer.isRunning()).isTrue();
      Invariants.versionsSound(
          s3, Invariants.versionRecords(stack.kafka(), stack.registry(), topics.modelVersions()));
    }
  }

  @Test
  void aRequestArrivingWhileTheRegistryIsDownIsAnsweredOnceItIsBack(Stack stack) throws Exception {
    Path dir =
        Files.createTempDirectory(Path.of("target").toAbsolutePath(), "registry-request-outage");
    TopicNames topics = TopicNames.withPrefix(stack.unique("regreq") + ".");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, topics);
    FeatureConfig fc = FeatureConfig.defaults();
    String model = "regreq";
    try (OwnRegistry server = new OwnRegistry(stack);
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), server.client, topics)) {
      TrainerCrashIT.store(s3, model, 0, 36);
      h.request(model);
      server.stop();
      try (TrainerApp trainer =
          TrainerApp.start(
              TrainConfig.defaults()
                  .withGroup(stack.unique("trainer"))
                  .withTransactionalPrefix(stack.unique("tx"))
                  .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1)),
              new TrainerApp.Parts(
                  stack.kafka(),
                  server.client,
                  topics,
                  s3,
                  fx,
                  null,
                  Files.createDirectories(dir.resolve("work"))),
              policy,
              Clock.systemUTC())) {
        await("the trainer met the request it cannot decode")
            .atMost(Duration.ofSeconds(60))
            .until(() -> trainer.deferredReads() > 0);
        await()
            .during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(15))
            .until(trainer::isRunning);
        server.restart();

        ModelVersion v1 = h.awaitVersion(model, 1, Duration.ofSeconds(120));
        assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
        assertThat(trainer.isRunning()).isTrue();
      }
    }
  }

  /**
   * The real store, whose server a test stops at the moment the trainer first writes a LATEST:
   * after the version's event is committed, before LATEST is written.
   */
  private static final class StopsBeforeLatest extends ForwardingStore {
    private final Runnable stop;

    StopsBeforeLatest(ObjectStore real, Runnable stop) {
      super(real);
      this.stop = stop;
    }

    @Override
    public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
      if (key.endsWith("/LATEST")) {
        stop.run();
      }
      real.put(key, data, contentType, metadata);
    }
  }

  @Test
  void aRegistryOutageStopsNeitherIngestNorTraining(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "registry-outage");
    TopicNames topics = TopicNames.withPrefix(stack.unique("regout") + ".");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, topics);
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(24, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"))
            .withStorage(java.util.Set.of(stack.bucket()), Duration.ofSeconds(5));
    FeatureConfig fc = FeatureConfig.defaults();
    String model = "regout";
    try (OwnRegistry server = new OwnRegistry(stack);
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), server.client, topics);
        IngestApp in =
            IngestApp.start(ingest, stack.kafka(), server.client, topics, policy, stack.s3());
        TrainerApp trainer =
            TrainerApp.start(
                TrainConfig.defaults()
                    .withGroup(stack.unique("trainer"))
                    .withTransactionalPrefix(stack.unique("tx"))
                    .withGuardRails(0.5, 1, 1),
                new TrainerApp.Parts(
                    stack.kafka(),
                    server.client,
                    topics,
                    s3,
                    fx,
                    BaseModels.tfjsSource(fc).orElse(null),
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC())) {
      TrainerIT.images(0, 24)
          .forEach((key, png) -> h.send(model, key.substring(0, key.indexOf('#')), png));
      h.flush();
      assertThat(h.awaitVersion(model, 1, Duration.ofSeconds(180)).getStatus())
          .isEqualTo(VersionStatus.PUBLISHED);

      server.stop();
      long down = System.nanoTime();
      TrainerIT.images(24, 24)
          .forEach((key, png) -> h.send(model, key.substring(0, key.indexOf('#')), png));
      h.flush();
      await()
          .atMost(OUTAGE)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                assertThat(s3.list("examples/" + model + "/")).hasSize(48);
                assertThat(Invariants.countRecords(stack.kafka(), topics.modelVersions()))
                    .isEqualTo(2);
              });
      Duration left = OUTAGE.minusNanos(System.nanoTime() - down);
      System.out.printf(
          "Stored 24 examples and published version 2 with the registry down; down %d s more%n",
          left.toSeconds());
      await()
          .during(left.isNegative() ? Duration.ZERO : left)
          .atMost(OUTAGE.plusSeconds(10))
          .until(() -> trainer.isRunning() && in.state() == KafkaStreams.State.RUNNING);
      server.restart();

      ModelVersion v2 = h.awaitVersion(model, 2, Duration.ofSeconds(60));
      assertThat(v2.getStatus()).as(v2.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v2.getExamples().getTotal()).isEqualTo(48);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  Invariants.versionsSound(
                      s3,
                      Invariants.versionRecords(
                          stack.kafka(), server.client, topics.modelVersions())));
    }
  }

  /**
   * An S3 server of the test's own, with one bucket, stopped and started again on its port and
   * data.
   */
  private static final class OwnS3 implements AutoCloseable {
    private final Stack stack;
    private final Path data;
    private final int port;
    private EmbeddedS3 server;
    final S3Config config;

    OwnS3(Stack stack, Path data, String bucket) throws Exception {
      this.stack = stack;
      this.data = data;
      this.server = EmbeddedS3.start(data, 0, stack.accessKey(), stack.secretKey());
      this.port = server.endpoint().getPort();
      this.config =
          new S3Config(
              server.endpoint(), "us-east-1", bucket, stack.accessKey(), stack.secretKey());
      try (var client = config.newClient()) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
    }

    void stop() {
      server.close();
    }

    void restart() {
      server = EmbeddedS3.start(data, port, stack.accessKey(), stack.secretKey());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * A schema registry of the test's own, on the stack's Kafka, stopped and started again on its
   * port.
   */
  private static final class OwnRegistry implements AutoCloseable {
    private final EmbeddedRegistryConfig config;
    private EmbeddedSchemaRegistry server;
    final RegistryConfig client;

    OwnRegistry(Stack stack) {
      this.config =
          new EmbeddedRegistryConfig(
              "127.0.0.1",
              0,
              stack.bootstrapServers(),
              stack.unique("_schemas"),
              (short) 1,
              Compatibility.FULL_TRANSITIVE,
              Map.of(),
              Map.of());
      this.server = EmbeddedSchemaRegistry.start(config);
      this.client = RegistryConfig.of(server.url());
    }

    void stop() {
      server.close();
    }

    void restart() {
      server = EmbeddedSchemaRegistry.start(config.withPort(server.url().getPort()));
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
