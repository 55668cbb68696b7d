package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.demo.FashionMnist;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingMode;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A converged {@code top} model gets +1,000 examples and publishes, on the embedded stack with real
 * ingest, S3 and TensorFlow and on real data (Debian's Fashion-MNIST, the task where a light epoch
 * on a converged model was twice REJECTED for one label's recall): version 1 trains the top on
 * 1,200 images with the whole (shortened) schedule; version 2, after 1,000 more, is a light warm
 * epoch (the parent's weights and Adam state, a warm-up, remedies if the guard-rails refuse it)
 * that passes the default guard-rails, or says which remedy made it pass; it gathers only what it
 * draws and validates on.
 */
@WithStack
class ConvergedTopIT {
  private static final String MODEL = "converged";

  @Test
  void aConvergedTopModelGetsAThousandExamplesAndPublishes(Stack stack) throws Exception {
    assertThat(FashionMnist.installed())
        .as("Debian's dataset-fashion-mnist (bin/test installs it)")
        .isTrue();
    List<FashionMnist.Item> images = FashionMnist.read("train", 2_200);
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "converged-top-it");
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    TrainConfig defaults = TrainConfig.defaults();
    TrainConfig.Top top = defaults.top();
    TrainConfig config =
        defaults
            .withGroup(stack.unique("trainer"))
            .withTop(top.withMode(TrainConfig.Mode.TOP).withOptions(top.options().withEpochs(6)));
    FeatureConfig fc = FeatureConfig.defaults();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        IngestApp in =
            IngestApp.start(
                IngestConfig.defaults()
                    .withTriggers(1_000_000, 1, Duration.ZERO)
                    .withApplication(stack.unique("ingest"), dir.resolve("state")),
                stack.kafka(),
                stack.registry(),
                stack.topics(),
                policy,
                stack.s3());
        TrainerApp trainer =
            TrainerApp.start(
                config,
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    stack.topics(),
                    s3,
                    fx,
                    BaseModels.tfjsSource(fc).orElseThrow(),
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), stack.topics())) {
      ModelVersion v1 = train(h, s3, images.subList(0, 1_200), 1);
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v1.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(v1.getMetrics().getAccuracy()).isGreaterThan(0.7);

      ModelVersion v2 = train(h, s3, images, 2);
      assertThat(v2.getTraining().getMode()).isEqualTo(TrainingMode.TOP);
      assertThat(v2.getTraining().getColdStart()).isFalse();
      assertThat(v2.getParentVersion()).isEqualTo(1);
      assertThat(v2.getExamples().getNewExamples())
          .isEqualTo(distinct(images) - distinct(images.subList(0, 1_200)));
      assertThat(v2.getStatus())
          .as("a light epoch on a converged model publishes: %s", v2.getReason())
          .isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v2.getMetrics().getAccuracy())
          .as("no worse than the parent beyond the tolerance")
          .isGreaterThanOrEqualTo(v2.getMetrics().getParentAccuracy() - config.tolerance());
      long gathered =
          v2.getTraining().getFeatureCacheHits() + v2.getTraining().getFeatureCacheMisses();
      assertThat(gathered)
          .as("a light epoch gathers its draw and the validation split, not all 2,200")
          .isLessThanOrEqualTo(
              top.warmEpochs() * top.warmSamples() + v2.getExamples().getValidation())
          .isLessThan(2_200);
      assertThat(trainer.isRunning()).isTrue();
      assertThat(in.state().isRunningOrRebalancing()).isTrue();
    }
  }

  private static int distinct(List<FashionMnist.Item> items) {
    return (int) items.stream().map(i -> Digests.sha256(i.png())).distinct().count();
  }

  private static ModelVersion train(
      TrainHarness h, MinioObjectStore s3, List<FashionMnist.Item> items, int version) {
    int already = s3.list("examples/" + MODEL + "/").size();
    for (FashionMnist.Item i : items.subList(Math.min(already, items.size()), items.size())) {
      h.send(MODEL, i.label(), i.png());
    }
    h.flush();
    TrainHarness.awaitStored(s3, MODEL, distinct(items), Duration.ofSeconds(120));
    h.request(MODEL);
    return h.awaitVersion(MODEL, version, Duration.ofSeconds(600));
  }
}
