package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.TopOptions;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Background consolidation end to end on the stack. A fine-tuned model grows by half since its cold
 * start, so once the idle trainer has published the light retrain it consolidates it in chunks; a
 * request in the middle of the cycle preempts it and is answered by an ordinary light epoch, after
 * which the cycle resumes from its last whole chunk. When the last chunk is done the trainer asks
 * itself for a retrain (reason {@code CONSOLIDATION}), which starts from the consolidated weights,
 * is compared with the serving version, publishes, and says so in its reason; the checkpoint is
 * then gone, every chunk of the plan was trained once, and Adam counted each of its steps.
 */
@WithStack
class ConsolidationIT {
  private static final String MODEL = "shapes";
  private static final int CHUNKS = 4;

  @Test
  void anIdleTrainerConsolidatesInPreemptibleChunksThenPublishesTheResultItself(Stack stack)
      throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "consolidation-it");
    Path work = Files.createDirectories(dir.resolve("work"));
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"));
    TrainConfig defaults = TrainConfig.defaults();
    TrainConfig config =
        defaults
            .withGroup(stack.unique("trainer"))
            .withGuardRails(0, 1, 1)
            .withTop(
                defaults
                    .top()
                    .withMode(TrainConfig.Mode.TOP)
                    .withOptions(new TopOptions(3e-4f, 1e-3f, 4e-5f, 16, 2, 2, 48, 42, 2, 4))
                    .withConsolidation(CHUNKS, 1.5));
    FeatureConfig fc = FeatureConfig.defaults();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        IngestApp in =
            IngestApp.start(ingest, stack.kafka(), stack.registry(), topics, policy, stack.s3());
        TrainerApp trainer =
            TrainerApp.start(
                config,
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    s3,
                    fx,
                    BaseModels.tfjsSource(fc).orElseThrow(),
                    work),
                policy,
                Clock.systemUTC());
        var h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      ModelVersion v1 = train(h, s3, 0, 30, 1);
      assertThat(v1.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(trainer.consolidatedChunks()).isZero();

      ModelVersion v2 = train(h, s3, 30, 18, 2);
      assertThat(v2.getTraining().getColdStart()).isFalse();
      int train = (int) v2.getExamples().getTrain();
      assertThat(train).isGreaterThanOrEqualTo((int) (1.5 * v1.getExamples().getTrain()));
      ConsolidationPlan plan =
          ConsolidationPlan.of(train, CHUNKS, 48, 16, config.top().options().warmupSteps());

      await().atMost(Duration.ofSeconds(300)).until(() -> trainer.consolidatedChunks() >= 1);
      h.request(MODEL);
      ModelVersion v3 = h.awaitVersion(MODEL, 3, Duration.ofSeconds(300));
      assertThat(v3.getStatus()).as(v3.getReason()).isEqualTo(VersionStatus.PUBLISHED);

      ModelVersion consolidated = v3;
      if (!v3.getReason().contains(Remedies.CONSOLIDATED)) {
        assertThat(v3.getParentVersion()).isEqualTo(2);
        consolidated = h.awaitVersion(MODEL, 4, Duration.ofSeconds(600));
      }
      assertThat(consolidated.getStatus())
          .as(consolidated.getReason())
          .isEqualTo(VersionStatus.PUBLISHED);
      assertThat(consolidated.getReason())
          .contains(
              Remedies.CONSOLIDATED
                  + "(from version 2: "
                  + plan.chunks()
                  + " chunk(s) of "
                  + plan.chunkSamples()
                  + " over "
                  + train
                  + " examples), then light epoch");
      assertThat(consolidated.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(consolidated.getTraining().getColdStart()).isFalse();
      assertThat(consolidated.getMetrics().getParentAccuracy())
          .as("compared with the serving version on the same split")
          .isNotNull();
      assertThat(trainer.consolidatedChunks())
          .as("each chunk of the plan trained once: a preempted chunk is not counted")
          .isEqualTo(plan.chunks());
      assertThat(ConsolidationCheckpoint.exists(work, MODEL)).as("used up").isFalse();
      assertThat(Parent.load(s3, consolidated).optimizer().step())
          .as("Adam counted on from version 2 through the cycle and the light epoch")
          .isGreaterThan(Parent.load(s3, v2).optimizer().step() + plan.totalSteps());
      assertThat(Parent.load(s3, consolidated).fullFitExamples())
          .as("the consolidation is the lineage's new full fit")
          .isEqualTo(train);
      Invariants.artifactsMatch(s3, consolidated);
      assertThat(trainer.isRunning()).isTrue();
    }
  }

  private static ModelVersion train(
      TrainHarness h, MinioObjectStore s3, int from, int count, int version) throws Exception {
    TrainerIT.send(h, TrainerIT.images(from, count));
    TrainHarness.awaitStored(s3, MODEL, from + count, Duration.ofSeconds(60));
    h.request(MODEL);
    ModelVersion v = h.awaitVersion(MODEL, version, Duration.ofSeconds(300));
    assertThat(v.getStatus()).as(v.getReason()).isEqualTo(VersionStatus.PUBLISHED);
    return v;
  }
}
