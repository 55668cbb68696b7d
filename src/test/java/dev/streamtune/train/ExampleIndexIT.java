package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.TopicPolicy;
import dev.streamtune.ingest.ExampleErasure;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The trainer's {@link ExampleIndex} behind real ingest, on the embedded stack: after each change
 * (new images, relabels, an erasure, another model's images in the same topic) the dataset it
 * follows from {@code examples.index} is the one a full listing of the bucket gives, without
 * listing; and it lists the bucket again, and agrees, when its file is lost, when its offset is
 * beyond what the topic holds, when it was built on another cluster, when it is older than {@code
 * train.index.relist}, and for a manual request, which sees an object written to the bucket behind
 * ingest's back.
 */
@WithStack
class ExampleIndexIT {
  private static final String MODEL = "indexed";
  private static final Dataset.Holdout HOLDOUT = new Dataset.Holdout(10, 0);

  @Test
  void theIndexFollowsIngestAndErasureAndIsRebuiltFromTheBucketWhenLost(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "index-it");
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"));
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    Path indexDir = dir.resolve("index");
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        IngestApp in =
            IngestApp.start(
                ingest,
                stack.kafka(),
                stack.registry(),
                stack.topics(),
                policy,
                stack.s3(),
                new SimpleMeterRegistry());
        ExampleIndex index =
            new ExampleIndex(
                stack.kafka(),
                stack.topics().exampleIndex(),
                s3,
                indexDir,
                Duration.ofHours(24),
                clock);
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), stack.topics())) {
      List<Map.Entry<String, byte[]>> images = new ArrayList<>(TrainerIT.images(0, 40).entrySet());
      for (int i = 0; i < 20; i++) {
        h.send(MODEL, label(images.get(i)), images.get(i).getValue(), "event-" + i);
        h.send("other", label(images.get(i)), images.get(i).getValue(), "other-" + i);
      }
      h.flush();
      TrainHarness.awaitStored(s3, MODEL, 20, Duration.ofSeconds(60));
      agrees(index, s3, ExampleIndex.Source.LISTED);

      for (int i = 20; i < 30; i++) {
        h.send(MODEL, label(images.get(i)), images.get(i).getValue(), "event-" + i);
        h.send("other", label(images.get(i)), images.get(i).getValue(), "other-" + i);
      }
      h.send(MODEL, "relabelled", images.get(3).getValue(), "relabel-3");
      h.send(MODEL, "relabelled", images.get(4).getValue(), "relabel-4");
      h.flush();
      TrainHarness.awaitStored(s3, MODEL, 30, Duration.ofSeconds(60));
      Dataset followed = agrees(index, s3, ExampleIndex.Source.FOLLOWED);
      assertThat(followed.perLabel()).containsEntry("relabelled", 2L);
      assertThat(followed.examples()).hasSize(30);

      String erased = Digests.sha256(images.get(7).getValue());
      ExampleErasure.erase(
          stack.kafka(),
          stack.registry(),
          stack.topics(),
          s3,
          MODEL,
          Set.of(erased),
          Set.of(),
          Clock.systemUTC());
      followed = agrees(index, s3, ExampleIndex.Source.FOLLOWED);
      assertThat(followed.labelsBySha()).doesNotContainKey(erased).hasSize(29);

      Files.delete(indexDir.resolve(MODEL + ".index"));
      assertThat(agrees(index, s3, ExampleIndex.Source.LISTED).examples()).hasSize(29);
      assertThat(agrees(index, s3, ExampleIndex.Source.FOLLOWED).examples()).hasSize(29);

      Path file = indexDir.resolve(MODEL + ".index");
      List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
      String[] head = lines.get(0).split("\t");
      head[2] = "999999";
      lines.set(0, String.join("\t", head));
      Files.write(file, lines, StandardCharsets.UTF_8);
      agrees(index, s3, ExampleIndex.Source.LISTED);

      lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
      head = lines.get(0).split("\t");
      head[4] = "another-cluster/another-topic/" + stack.bucket();
      lines.set(0, String.join("\t", head));
      Files.write(file, lines, StandardCharsets.UTF_8);
      agrees(index, s3, ExampleIndex.Source.LISTED);

      now.set(now.get().plus(Duration.ofHours(25)));
      agrees(index, s3, ExampleIndex.Source.LISTED);
      agrees(index, s3, ExampleIndex.Source.FOLLOWED);

      byte[] behind = images.get(35).getValue();
      String sha = Digests.sha256(behind);
      s3.put("examples/" + MODEL + "/circle/" + sha + ".png", behind, "image/png", Map.of());
      assertThat(index.dataset(MODEL, HOLDOUT, false, () -> {}).labelsBySha())
          .as("an object written behind ingest's back is not followed")
          .doesNotContainKey(sha);
      assertThat(index.dataset(MODEL, HOLDOUT, true, () -> {}).labelsBySha())
          .as("but a manual request lists it")
          .containsEntry(sha, "circle");
      assertThat(index.lastSource()).isEqualTo(ExampleIndex.Source.LISTED);
      assertThat(in.state().isRunningOrRebalancing()).isTrue();
    }
  }

  /**
   * Awaits the index's dataset (the records of a store are committed a moment after its object is
   * written) and checks that it equals the bucket's listing and came from {@code source}.
   */
  private static Dataset agrees(
      ExampleIndex index, MinioObjectStore s3, ExampleIndex.Source source) {
    AtomicReference<Dataset> got = new AtomicReference<>();
    AtomicReference<Dataset> listed = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              got.set(index.dataset(MODEL, HOLDOUT, false, () -> {}));
              listed.set(Dataset.list(s3, MODEL, HOLDOUT, () -> {}));
              assertThat(got.get().examples()).isEqualTo(listed.get().examples());
            });
    assertThat(got.get().validation()).isEqualTo(listed.get().validation());
    assertThat(index.lastSource()).as("the last dataset's source").isEqualTo(source);
    return got.get();
  }

  private static String label(Map.Entry<String, byte[]> image) {
    return image.getKey().substring(0, image.getKey().indexOf('#'));
  }
}
