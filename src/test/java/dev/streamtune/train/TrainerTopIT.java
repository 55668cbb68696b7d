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
import dev.streamtune.ml.AdamState;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.ExportedClassifier;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code auto} mode end to end on the stack: below the threshold a model gets a head (version
 * 1); at the threshold it switches to fine-tuning the top, cold, compared with the head parent
 * (version 2); then it stays fine-tuned and warm-starts from its parent's top, reusing the cached
 * cut activations and resuming its Adam state (version 3). Each fine-tuned version stores its top's
 * weights and Adam's state beside the head, and its SavedModel, which the trainer checked against
 * the training graph, loads through DJL. Between versions the idle trainer prefetches: features
 * while the model stays under the threshold, then, once {@code auto} would switch, the activations
 * of every example, those it already had features for included (a mode switch seen in the middle of
 * a burst once left them to the run).
 */
@WithStack
class TrainerTopIT {
  private static final String MODEL = "shapes";
  private static final String CUT = "block_10_project_BN";

  @Test
  void autoSwitchesToTopThenWarmStartsFromTheFineTunedParent(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-top-it");
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
                new TrainConfig.Top(
                    TrainConfig.Mode.AUTO,
                    CUT,
                    "out_relu",
                    new TopOptions(3e-4f, 1e-3f, 4e-5f, 16, 3, 3, 96, 42, 2),
                    1,
                    96,
                    50,
                    2.0,
                    true,
                    3,
                    0.5,
                    0,
                    1.5));
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
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC());
        var h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      ModelVersion v1 = train(h, s3, trainer, 0, 36, 1, 0);
      assertThat(v1.getTraining().getMode()).isEqualTo(TrainingMode.HEAD);
      assertThat(v1.getTraining().getCut()).isNull();

      sendAndPrefetch(h, s3, trainer, 36, 13, TrainingMode.HEAD, 13);
      ModelVersion v2 = train(h, s3, trainer, 49, 23, 2, 72);
      assertThat(v2.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(v2.getTraining().getCut()).isEqualTo(CUT);
      assertThat(v2.getTraining().getFeatureLayer()).isEqualTo("out_relu");
      assertThat(v2.getTraining().getColdStart())
          .as("a head parent cannot warm-start a top")
          .isTrue();
      assertThat(v2.getTraining().getFeatureCacheHits())
          .as(
              "once auto would switch, the idle trainer computed the activations of every image,"
                  + " those it had prefetched features for while still in head mode included")
          .isEqualTo(72);
      assertThat(v2.getTraining().getFeatureCacheMisses()).isZero();
      assertThat(v2.getMetrics().getParentAccuracy())
          .as("the head parent scored on the same split")
          .isNotNull();
      assertThat(ArtifactWriter.files(s3, v2.getArtifacts().getHead().getUri()))
          .contains(Parent.TOP_FILE);
      assertThat(Parent.load(s3, v2).top().weights()).containsKey("block_16_project/kernel");

      ModelVersion v3 = train(h, s3, trainer, 72, 36, 3, 108);
      assertThat(v3.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(v3.getTraining().getColdStart()).isFalse();
      assertThat(v3.getParentVersion()).isEqualTo(2);
      assertThat(v3.getTraining().getFeatureCacheHits()).isEqualTo(108);
      assertThat(v3.getTraining().getFeatureCacheMisses()).isZero();
      assertThat(v3.getMetrics().getParentAccuracy()).isNotNull();
      AdamState adam2 = Parent.load(s3, v2).optimizer();
      AdamState adam3 = Parent.load(s3, v3).optimizer();
      assertThat(adam2.step()).isPositive();
      assertThat(adam2.m()).containsKeys("block_16_project/kernel", "streamtune_head/kernel");
      assertThat(adam3.step())
          .as("the warm start resumed its parent's Adam state, counting on from its steps")
          .isGreaterThan(adam2.step());
      for (ModelVersion v : List.of(v2, v3)) {
        Invariants.artifactsMatch(s3, v);
      }
      Path local = TrainHarness.download(s3, v3.getArtifacts().getSavedModel(), dir.resolve("v3"));
      try (ExportedClassifier c = ExportedClassifier.open(local, 40_000_000)) {
        assertThat(c.labels()).containsExactlyInAnyOrder("circle", "square", "triangle");
        float[][] p = c.probabilities(List.copyOf(TrainerIT.images(200, 3).values()));
        assertThat(p).hasNumberOfRows(3);
        assertThat(p[0]).hasSize(3);
      }
      assertThat(trainer.isRunning()).isTrue();
    }
  }

  /**
   * Sends {@code count} images, waits until they are stored and until the idle trainer has
   * prefetched the activations of {@code prefetched} images in all, then asks for {@code version}.
   */
  private static ModelVersion train(
      TrainHarness h,
      MinioObjectStore s3,
      TrainerApp trainer,
      int from,
      int count,
      int version,
      long prefetched)
      throws Exception {
    sendAndPrefetch(h, s3, trainer, from, count, TrainingMode.TOP, prefetched);
    h.request(MODEL);
    ModelVersion v = h.awaitVersion(MODEL, version, Duration.ofSeconds(300));
    assertThat(v.getStatus()).as(v.getReason()).isEqualTo(VersionStatus.PUBLISHED);
    return v;
  }

  /**
   * Sends {@code count} images and waits until they are stored and until the idle trainer has
   * prefetched the values for a run in {@code mode} of {@code prefetched} images in all.
   */
  private static void sendAndPrefetch(
      TrainHarness h,
      MinioObjectStore s3,
      TrainerApp trainer,
      int from,
      int count,
      TrainingMode mode,
      long prefetched)
      throws Exception {
    TrainerIT.send(h, TrainerIT.images(from, count));
    TrainHarness.awaitStored(s3, MODEL, from + count, Duration.ofSeconds(60));
    await().atMost(Duration.ofSeconds(120)).until(() -> trainer.prefetched(mode) == prefetched);
  }
}
