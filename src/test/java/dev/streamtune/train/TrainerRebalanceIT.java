package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TopicTail;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A member joining the trainers' group while a model trains, as a scale-out or a rolling deploy
 * does: a consumer with the trainer's own settings joins the group mid-run, takes its share of the
 * partitions, and leaves. The trainer's loop survives the rebalances, the request is answered by
 * version 1, once, and the next request by version 2: no trigger lost, no number skipped or reused.
 * Whether the cooperative-sticky assignor moves the running model's partition to the joiner (the
 * run is then dropped and answered again) or another one (the run goes on), the outcome is the
 * same; before the fix, the eager assignor revoked every partition and the loop died on a
 * NullPointerException in {@code Pending.offsetsAfter}.
 */
@WithStack
class TrainerRebalanceIT {
  private static final String MODEL = "rebalance";

  @Test
  void aMemberJoiningMidRunCostsAtMostTheRunNeverTheLoopTheTriggerOrANumber(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-rebalance");
    TopicNames topics = TopicNames.withPrefix(stack.unique("rebal") + ".");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, topics);
    TrainConfig config =
        TrainConfig.defaults()
            .withGroup(stack.unique("trainer"))
            .withTransactionalPrefix(stack.unique("tx"))
            .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1));
    AtomicBoolean started = new AtomicBoolean();
    CountDownLatch hold = new CountDownLatch(1);
    FeatureConfig fc = FeatureConfig.defaults();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics);
        TopicTail status =
            TopicTail.start(
                stack.kafka(),
                topics.trainingStatus(),
                100,
                e -> started.compareAndSet(false, e.text().contains("\"phase\":\"features\"")));
        TrainerApp trainer =
            TrainerApp.start(
                config,
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    held(s3, hold),
                    fx,
                    null,
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC())) {
      TrainerCrashIT.store(s3, MODEL, 0, 72);
      h.request(MODEL);
      await().atMost(Duration.ofSeconds(120)).untilTrue(started);

      try (var joiner =
          new KafkaConsumer<>(
              Intake.consumerProps(stack.kafka(), config),
              new StringDeserializer(),
              new ByteArrayDeserializer())) {
        joiner.subscribe(List.of(topics.trainingRequests()));
        await("the joiner gets its share")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    !joiner.poll(Duration.ofMillis(100)).isEmpty()
                        || !joiner.assignment().isEmpty());
        assertThat(h.versions().highest(MODEL))
            .as("the group rebalanced while version 1 was training")
            .isZero();
      } finally {
        hold.countDown();
      }

      ModelVersion v1 = awaitVersion(h, trainer, 1);
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      h.request(MODEL);
      ModelVersion v2 = awaitVersion(h, trainer, 2);
      assertThat(v2.getParentVersion()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  Invariants.versionsSound(
                      s3,
                      Invariants.versionRecords(
                          stack.kafka(), stack.registry(), topics.modelVersions())));
      assertThat(Invariants.versionRecords(stack.kafka(), stack.registry(), topics.modelVersions()))
          .extracting(ModelVersion::getVersion)
          .as("two requests, two versions, each once (keyed per version, so on any partitions)")
          .containsExactlyInAnyOrder(1, 2);
      assertThat(trainer.isRunning()).isTrue();
    }
  }

  private static ModelVersion awaitVersion(TrainHarness h, TrainerApp trainer, int version) {
    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofSeconds(1))
        .failFast("the trainer loop stopped", () -> !trainer.isRunning())
        .until(() -> h.versions().highest(MODEL) >= version);
    return h.awaitVersion(MODEL, version, Duration.ofSeconds(10));
  }

  /**
   * The bucket, with the run's image downloads held until {@code hold} opens: version 1 is still
   * training whatever the machine's speed while the group rebalances.
   */
  private static ObjectStore held(ObjectStore s3, CountDownLatch hold) {
    return new ForwardingStore(s3) {
      @Override
      public Optional<byte[]> get(String key) {
        if (key.startsWith("examples/")) {
          try {
            if (!hold.await(3, TimeUnit.MINUTES)) {
              throw new IllegalStateException("the test never released the run");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return real.get(key);
      }
    };
  }
}
