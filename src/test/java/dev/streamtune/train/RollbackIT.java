package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TopicTail;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.serve.ModelSubscriber;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtune models rollback} against a real trainer and serve: versions 1 and 2 are trained
 * and published, a REJECTED version 3 is on the topic; rolling back to 3, or to a version that does
 * not exist, is refused with status 2 and publishes nothing; rolling back to 1 publishes version 4
 * with version 1's artifacts, LATEST names it, serve swaps to version 1's SavedModel, and the next
 * training (version 5) warm-starts from it: its new examples are counted against version 1's
 * dataset, not version 2's. Rolling back to version 2 while version 6 trains publishes the rollback
 * as version 6 and fences the running trainer: its run is never announced (its artifacts are an
 * orphan), and it answers the request again as version 7, on top of the rollback.
 */
@WithStack
class RollbackIT {
  private static final String MODEL = "rollback";
  private static final Pattern FEATURES =
      Pattern.compile("\"version\":(\\d+).*\"phase\":\"features\"");

  @Test
  void aRollbackReannouncesAnOlderVersionAsANewOneThatServeAndTheTrainerFollow(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "rollback-it");
    TopicPolicy policy = TrainerCrashIT.prepare(stack, stack.topics());
    String txPrefix = stack.unique("tx");
    TrainConfig config =
        TrainConfig.defaults()
            .withGroup(stack.unique("trainer"))
            .withTransactionalPrefix(txPrefix)
            .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1));
    FeatureConfig fc = FeatureConfig.defaults();
    Files.createDirectories(dir.resolve("work"));
    AtomicInteger started = new AtomicInteger();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainerApp trainer =
            TrainerApp.start(
                config,
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    stack.topics(),
                    s3,
                    fx,
                    null,
                    dir.resolve("work")),
                policy,
                Clock.systemUTC());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), stack.topics());
        TopicTail status =
            TopicTail.start(
                stack.kafka(),
                stack.topics().trainingStatus(),
                100,
                e -> {
                  Matcher m = FEATURES.matcher(e.text());
                  if (m.find()) {
                    started.set(Integer.parseInt(m.group(1)));
                  }
                })) {
      TrainerCrashIT.store(s3, MODEL, 0, 36);
      h.request(MODEL);
      ModelVersion v1 = h.awaitVersion(MODEL, 1, Duration.ofSeconds(240));
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      TrainerCrashIT.store(s3, MODEL, 36, 36);
      h.request(MODEL);
      ModelVersion v2 = h.awaitVersion(MODEL, 2, Duration.ofSeconds(240));
      assertThat(v2.getStatus()).as(v2.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      announceRejected(
          stack,
          ModelVersion.newBuilder(v2)
              .setVersion(3)
              .setStatus(VersionStatus.REJECTED)
              .setReason("rejected by RollbackIT")
              .setParentVersion(2)
              .build());

      assertThat(rollback(stack, txPrefix, "3")).as("a REJECTED version").isEqualTo(2);
      assertThat(rollback(stack, txPrefix, "9")).as("an unknown version").isEqualTo(2);
      assertThat(h.versions().highest(MODEL)).isEqualTo(3);
      assertThat(rollback(stack, txPrefix, "1", "--reason", "v2 misreads squares")).isZero();

      VersionLog log = h.versions();
      assertThat(log.versions(MODEL))
          .extracting(ModelVersion::getVersion)
          .containsExactly(1, 2, 3, 4);
      ModelVersion v4 = log.versions(MODEL).get(3);
      assertThat(v4.getStatus()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v4.getReason()).isEqualTo("ROLLBACK to v1 by operator: v2 misreads squares");
      assertThat(v4.getParentVersion()).isEqualTo(1);
      assertThat(v4.getArtifacts()).isEqualTo(v1.getArtifacts());
      assertThat(v4.getTraining().getRunId()).isEqualTo(v1.getTraining().getRunId());
      assertThat(log.serving(MODEL)).hasValue(v4);
      assertThat(
              new String(
                  s3.get("models/" + MODEL + "/LATEST").orElseThrow(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains(
              "\"version\":4",
              v1.getTraining().getRunId(),
              v1.getArtifacts().getSavedModel().getUri());
      assertThat(rollback(stack, txPrefix, "1")).as("already current: nothing to do").isZero();
      assertThat(h.versions().highest(MODEL)).isEqualTo(4);

      try (ModelSubscriber serve =
          ModelSubscriber.start(
              stack.kafka(),
              stack.registry(),
              stack.topics().modelVersions(),
              s3,
              ServeConfig.defaults().with(0, Set.of(MODEL), dir.resolve("serve")),
              null)) {
        await()
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(
                () ->
                    assertThat(serve.classifier(MODEL).flatMap(c -> c.served()))
                        .hasValueSatisfying(
                            served -> {
                              assertThat(served.getVersion()).isEqualTo(4);
                              assertThat(served.getArtifacts().getSavedModel())
                                  .isEqualTo(v1.getArtifacts().getSavedModel());
                            }));
      }

      TrainerCrashIT.store(s3, MODEL, 72, 12);
      h.request(MODEL);
      ModelVersion v5 = h.awaitVersion(MODEL, 5, Duration.ofSeconds(240));
      assertThat(v5.getParentVersion()).isEqualTo(4);
      assertThat(v5.getExamples().getTotal()).isEqualTo(84);
      assertThat(v5.getExamples().getNewExamples())
          .as("counted against version 1's 36 examples, not 2's 72")
          .isEqualTo(48);
      assertThat(trainer.fencedRuns()).isZero();

      TrainerCrashIT.store(s3, MODEL, 84, 180);
      h.request(MODEL);
      await("version 6 is training")
          .atMost(Duration.ofSeconds(120))
          .until(() -> started.get() == 6);
      assertThat(rollback(stack, txPrefix, "2", "--reason", "during a run")).isZero();
      await().atMost(Duration.ofSeconds(240)).until(() -> trainer.fencedRuns() == 1);
      ModelVersion v7 = h.awaitVersion(MODEL, 7, Duration.ofSeconds(240));
      assertThat(v7.getStatus()).as(v7.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v7.getParentVersion())
          .as("the request answered again, on top of the rollback")
          .isEqualTo(6);
      List<ModelVersion> records =
          Invariants.versionRecords(stack.kafka(), stack.registry(), stack.topics().modelVersions())
              .stream()
              .filter(v -> v.getModelId().equals(MODEL))
              .toList();
      assertThat(records)
          .extracting(ModelVersion::getVersion)
          .as("one record per version")
          .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7);
      ModelVersion v6 = records.stream().filter(v -> v.getVersion() == 6).findFirst().orElseThrow();
      assertThat(v6.getReason())
          .as("version 6 is the rollback, never the fenced run")
          .isEqualTo("ROLLBACK to v2 by operator: during a run");
      assertThat(v6.getTraining().getRunId()).isEqualTo(v2.getTraining().getRunId());
      assertThat(s3.list("models/" + MODEL + "/6/"))
          .as("the fenced run got as far as its artifacts: an orphan")
          .isNotEmpty()
          .noneMatch(k -> k.contains(v2.getTraining().getRunId()));
      assertThat(trainer.isRunning()).isTrue();
    }
  }

  /** Runs {@code streamtune models rollback} in-process and returns its exit status. */
  private static int rollback(Stack stack, String txPrefix, String to, String... more) {
    String[] args = {
      "models",
      "rollback",
      "--model",
      MODEL,
      "--to",
      to,
      "--train-transactional-id-prefix",
      txPrefix
    };
    String[] all =
        java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
            .toArray(String[]::new);
    var ran = dev.streamtune.cli.MainAccess.runWithS3(stack, all);
    int status = ran.status();
    String text = ran.output();
    if (status == 2) {
      assertThat(text).contains("refused");
    } else {
      assertThat(text).containsAnyOf("Published version", "already current");
    }
    return status;
  }

  private static void announceRejected(Stack stack, ModelVersion v) throws Exception {
    try (var registry = new dev.streamtune.events.SchemaRegistryClient(stack.registry());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>copyOf(stack.kafka().clientProps()),
                new StringSerializer(),
                dev.streamtune.events.ConfluentAvroSerde.of(
                        ModelVersion.class, registry, stack.registry())
                    .serializer())) {
      producer
          .send(
              new ProducerRecord<>(stack.topics().modelVersions(), MODEL + "/" + v.getVersion(), v))
          .get();
    }
  }
}
