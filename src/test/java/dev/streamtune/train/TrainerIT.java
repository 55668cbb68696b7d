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
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The trainer end to end on the stack, behind real ingest: labelled images are produced, stored,
 * and each MANUAL request yields a version. Version 1 is published with artifacts matching the
 * event; version 2 warm-starts from it and finds every feature cached, its new images' computed by
 * the idle trainer before it was asked; relabelling every training image to a wrong label yields a
 * REJECTED version 3 with its reason, and LATEST stays at 2.
 */
@WithStack
class TrainerIT {
  private static final String MODEL = "shapes";
  private static final List<String> LABELS = List.of("circle", "square", "triangle");

  @Test
  void publishesWarmStartsAndRejects(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-it");
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
                    BaseModels.tfjsSource(fc).orElse(null),
                    dir.resolve("work")),
                policy,
                Clock.systemUTC());
        var h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      Files.createDirectories(dir.resolve("work"));
      Map<String, byte[]> first = images(0, 36);
      send(h, first);
      TrainHarness.awaitStored(s3, MODEL, 36, Duration.ofSeconds(60));
      h.request(MODEL);
      ModelVersion v1 = h.awaitVersion(MODEL, 1, Duration.ofSeconds(240));
      assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v1.getParentVersion()).isNull();
      assertThat(v1.getLabels()).containsExactlyElementsOf(LABELS);
      assertThat(v1.getTraining().getFeatureCacheMisses()).isEqualTo(36);
      assertThat(v1.getMetrics().getAccuracy()).isGreaterThanOrEqualTo(0.5);
      Invariants.artifactsMatch(s3, v1);
      assertThat(ArtifactWriter.files(s3, v1.getArtifacts().getTfjs().getUri()))
          .contains("model.json");
      assertThat(v1.getArtifacts().getModelCard()).isNotNull();
      assertThat(v1.getArtifacts().getConfusionMatrix()).isNotNull();
      assertThat(
              new String(
                  s3.get("models/" + MODEL + "/LATEST").orElseThrow(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"version\":1");

      send(h, images(36, 36));
      TrainHarness.awaitStored(s3, MODEL, 72, Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> trainer.prefetched(TrainingMode.HEAD) == 36);
      var drift =
          dev.streamtune.events.TrainingRequests.of(
              MODEL, dev.streamtune.events.TrainingReason.DRIFT, java.time.Instant.now());
      drift.setDetail("drift in the traffic v1 served: predicted-class PSI 0.512 <test>");
      h.request(drift);
      ModelVersion v2 = h.awaitVersion(MODEL, 2, Duration.ofSeconds(240));
      assertThat(
              new String(
                  s3.get(ArtifactFiles.key(s3, v2.getArtifacts().getModelCard().getUri()))
                      .orElseThrow(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .as("the model card records the drift that asked for the version")
          .contains("DRIFT: drift in the traffic v1 served: predicted-class PSI 0.512 &lt;test&gt;")
          .contains(drift.getRequestId());
      assertThat(v2.getStatus()).as(v2.getReason()).isEqualTo(VersionStatus.PUBLISHED);
      assertThat(v2.getParentVersion()).isEqualTo(1);
      assertThat(v2.getTraining().getFeatureCacheHits()).isEqualTo(72);
      assertThat(v2.getTraining().getFeatureCacheMisses()).isZero();
      assertThat(v2.getExamples().getNewExamples()).isEqualTo(36);
      assertThat(v2.getTraining().getFeatureLayer()).isEqualTo(v1.getTraining().getFeatureLayer());
      assertThat(v2.getTraining().getNormalizationDigest())
          .isEqualTo(v1.getTraining().getNormalizationDigest());
      assertThat(v2.getMetrics().getParentAccuracy()).isNotNull();

      Map<String, byte[]> all = new TreeMap<>(first);
      all.putAll(images(36, 36));
      Dataset now = Dataset.list(s3, MODEL, config.validationPercent());
      Map<String, byte[]> wrong = new HashMap<>();
      Random r = new Random(7);
      for (Dataset.Example e : now.train()) {
        String truth = e.label();
        byte[] bytes =
            all.entrySet().stream()
                .filter(x -> Digests.sha256(x.getValue()).equals(e.sha256()))
                .findFirst()
                .orElseThrow()
                .getValue();
        String other = LABELS.get((LABELS.indexOf(truth) + 1 + r.nextInt(2)) % 3);
        wrong.put(other + "#" + e.sha256(), bytes);
      }
      send(h, wrong);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(Dataset.list(s3, MODEL, 10).changedSince(now.labelsBySha()))
                      .isEqualTo(wrong.size()));
      h.request(MODEL);
      ModelVersion v3 = h.awaitVersion(MODEL, 3, Duration.ofSeconds(240));
      assertThat(v3.getStatus()).isEqualTo(VersionStatus.REJECTED);
      assertThat(v3.getReason()).containsAnyOf("fell below the parent", "recall of");
      Invariants.artifactsMatch(s3, v3);
      assertThat(
              new String(
                  s3.get("models/" + MODEL + "/LATEST").orElseThrow(),
                  java.nio.charset.StandardCharsets.UTF_8))
          .contains("\"version\":2");
      assertThat(trainer.isRunning()).isTrue();
      assertThat(modelsCommand(stack)).contains("shapes", "PUBLISHED", "REJECTED", v3.getReason());
    }
  }

  /** What {@code streamtune models --model shapes} prints against the stack. */
  private static String modelsCommand(Stack stack) {
    var out = new java.io.ByteArrayOutputStream();
    var old = System.out;
    System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertThat(
              dev.streamtune.cli.Main.execute(
                  "models",
                  "--model",
                  MODEL,
                  "--kafka-bootstrap-servers",
                  stack.bootstrapServers(),
                  "--schema-registry-url",
                  stack.registryUrl().toString(),
                  "--topic-prefix",
                  stack.topicPrefix()))
          .isZero();
    } finally {
      System.setOut(old);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Distinct images of the three shapes: colours, sizes, positions and noise vary. Keys: label#n.
   */
  static Map<String, byte[]> images(int from, int count) throws Exception {
    Map<String, byte[]> out = new TreeMap<>();
    for (int i = from; i < from + count; i++) {
      Random r = new Random(1000 + i);
      String label = LABELS.get(i % 3);
      BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(200 + r.nextInt(55), 200 + r.nextInt(55), 200 + r.nextInt(55)));
      g.fillRect(0, 0, 96, 96);
      g.setColor(new Color(r.nextInt(150), r.nextInt(150), r.nextInt(150)));
      g.setStroke(new BasicStroke(3));
      int s = 30 + r.nextInt(30);
      int x = r.nextInt(96 - s);
      int y = r.nextInt(96 - s);
      switch (label) {
        case "circle" -> g.fillOval(x, y, s, s);
        case "square" -> g.fillRect(x, y, s, s);
        default -> g.fillPolygon(new int[] {x, x + s / 2, x + s}, new int[] {y + s, y, y + s}, 3);
      }
      for (int n = 0; n < 200; n++) {
        img.setRGB(r.nextInt(96), r.nextInt(96), r.nextInt(1 << 24));
      }
      g.dispose();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(img, "png", b);
      out.put(label + "#" + i, b.toByteArray());
    }
    return out;
  }

  static void send(TrainHarness h, Map<String, byte[]> images) {
    images.forEach((key, bytes) -> h.send(MODEL, key.substring(0, key.indexOf('#')), bytes));
    h.flush();
  }
}
