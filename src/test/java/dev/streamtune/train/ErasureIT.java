package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.store.FeaturePack;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtune examples delete} (the right to erasure, {@code ingest.ExampleErasure}) behind
 * real ingest and a real trainer: 36 images are ingested and version 1 trains on them (their
 * features cached); one image is erased by sha256 and one by the id of the event that brought it;
 * their objects and cached features are gone, the others' stay; a redelivery of the erased event is
 * a duplicate to ingest and stores nothing; version 2 trains on the 34 left, every one from the
 * cache; an event id not on the topic is reported with status 1.
 */
@WithStack
class ErasureIT {
  private static final String MODEL = "erasure";

  @Test
  void erasedImagesLeaveTheBucketAndTheCacheAndTheNextVersionTrainsWithoutThem(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "erasure-it");
    Files.createDirectories(dir.resolve("work"));
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"));
    TrainConfig config =
        TrainConfig.defaults()
            .withGroup(stack.unique("trainer"))
            .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1));
    FeatureConfig fc = FeatureConfig.defaults();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        IngestApp in =
            IngestApp.start(
                ingest,
                stack.kafka(),
                stack.registry(),
                stack.topics(),
                policy,
                stack.s3(),
                meters);
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
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), stack.topics())) {
      List<Map.Entry<String, byte[]>> images = new ArrayList<>(TrainerIT.images(0, 36).entrySet());
      for (int i = 0; i < images.size(); i++) {
        h.send(MODEL, label(images.get(i)), images.get(i).getValue(), "event-" + i);
      }
      h.flush();
      TrainHarness.awaitStored(s3, MODEL, 36, Duration.ofSeconds(60));
      h.request(MODEL);
      ModelVersion v1 = h.awaitVersion(MODEL, 1, Duration.ofSeconds(240));
      assertThat(v1.getExamples().getTotal()).isEqualTo(36);
      String bySha = Digests.sha256(images.get(4).getValue());
      String byEvent = Digests.sha256(images.get(7).getValue());
      assertThat(cached(s3)).contains(bySha, byEvent).hasSize(36);

      StringWriter out = new StringWriter();
      assertThat(delete(stack, out, "--sha256", bySha, "--event-id", "event-7"))
          .as(out.toString())
          .isZero();
      assertThat(out.toString())
          .contains("Event event-7 carried " + byEvent)
          .contains("Erased 2 image(s) of erasure: 2 example object(s), 2 cached value(s)");
      assertThat(s3.list("examples/" + MODEL + "/"))
          .hasSize(34)
          .noneMatch(k -> k.contains(bySha) || k.contains(byEvent));
      assertThat(cached(s3)).hasSize(34).doesNotContain(bySha, byEvent);

      double duplicates = duplicates(meters);
      h.send(MODEL, label(images.get(7)), images.get(7).getValue(), "event-7");
      h.flush();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(duplicates(meters)).isEqualTo(duplicates + 1));
      assertThat(s3.list("examples/" + MODEL + "/"))
          .as("a redelivery does not bring it back")
          .hasSize(34);

      h.request(MODEL);
      ModelVersion v2 = h.awaitVersion(MODEL, 2, Duration.ofSeconds(240));
      assertThat(v2.getStatus()).isIn(VersionStatus.PUBLISHED, VersionStatus.REJECTED);
      assertThat(v2.getExamples().getTotal()).isEqualTo(34);
      assertThat(v2.getExamples().getNewExamples()).isZero();
      assertThat(v2.getDatasetDigest())
          .isNotEqualTo(v1.getDatasetDigest())
          .isEqualTo(Dataset.list(s3, MODEL, config.validationPercent()).digest());
      assertThat(v2.getTraining().getFeatureCacheHits()).isEqualTo(34);
      assertThat(v2.getTraining().getFeatureCacheMisses()).isZero();

      StringWriter again = new StringWriter();
      assertThat(delete(stack, again, "--event-id", "no-such-event")).isEqualTo(1);
      assertThat(again.toString()).contains("no-such-event");
      assertThat(in.state().isRunningOrRebalancing()).isTrue();
      assertThat(trainer.isRunning()).isTrue();
    }
  }

  private static String label(Map.Entry<String, byte[]> image) {
    return image.getKey().substring(0, image.getKey().indexOf('#'));
  }

  private static double duplicates(SimpleMeterRegistry meters) {
    var c = meters.find("streamtune.ingest.duplicates").counter();
    return c == null ? 0 : c.count();
  }

  /** The images with cached features of the model, over all its packs. */
  private static Set<String> cached(MinioObjectStore s3) {
    Set<String> shas = new HashSet<>();
    for (String key : s3.list("features/")) {
      if (key.split("/")[2].equals(MODEL)) {
        shas.addAll(FeaturePack.decode(s3.get(key).orElseThrow()).entries().keySet());
      }
    }
    return shas;
  }

  /** Runs {@code streamtune examples delete --model erasure ...} in-process. */
  private static int delete(Stack stack, StringWriter out, String... what) {
    List<String> args = new ArrayList<>(List.of("examples", "delete", "--model", MODEL));
    args.addAll(List.of(what));
    var ran = dev.streamtune.cli.MainAccess.runWithS3(stack, args.toArray(String[]::new));
    out.write(ran.output());
    return ran.status();
  }
}
