package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.Quarantine;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An example that passes ingest but cannot be decoded never blocks its model (issue 18): behind
 * real ingest and a real trainer, 18 good images and a JPEG cut in the middle but ending with its
 * end marker (ingest's checks read headers and the marker only) are stored. Version 1 is decided
 * without the bad one: it is quarantined with its key and reason in the bucket and on the
 * dead-letter topic with stage {@code train}, logged once as a WARN without a stack trace, and
 * counted on the version, its model card and the {@code training.status} lines. Version 2 leaves it
 * out from the record alone: no image is computed again and no second dead letter is sent.
 */
@WithStack
class QuarantineIT {
  private static final String MODEL = "quarantine";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anExampleThatFailsItsFullDecodeIsQuarantinedAndTheModelTrainsWithoutIt(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "quarantine-it");
    Files.createDirectories(dir.resolve("work"));
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    IngestConfig ingest =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, Duration.ZERO)
            .withApplication(stack.unique("ingest"), dir.resolve("state"));
    TrainConfig config =
        TrainConfig.defaults()
            .withGroup(stack.unique("trainer"))
            .withPrefetch(Duration.ZERO)
            .withHead(new HeadOptions(0.02f, 1e-4f, 32, 30, 3, 20_000, 42, 1));
    FeatureConfig fc = FeatureConfig.defaults();
    byte[] bad = cutJpeg();
    new ImageDecoder(fc.maxPixels()).probe(bad);
    assertThatThrownBy(() -> new ImageDecoder(fc.maxPixels()).decode(bad))
        .isInstanceOf(ImageDecodeException.class);
    String badSha = Digests.sha256(bad);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger train = (Logger) LoggerFactory.getLogger("dev.streamtune.train");
    logs.start();
    train.addAppender(logs);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        IngestApp in =
            IngestApp.start(
                ingest, stack.kafka(), stack.registry(), stack.topics(), policy, stack.s3());
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
      TrainerIT.images(0, 18)
          .forEach((key, png) -> h.send(MODEL, key.substring(0, key.indexOf('#')), png));
      h.send(MODEL, "circle", bad, "bad-event", "image/jpeg");
      h.flush();
      TrainHarness.awaitStored(s3, MODEL, 19, Duration.ofSeconds(60));
      String badKey =
          s3.list("examples/" + MODEL + "/").stream()
              .filter(k -> k.contains(badSha))
              .findFirst()
              .orElseThrow();

      h.request(MODEL);
      ModelVersion v1 = h.awaitVersion(MODEL, 1, Duration.ofSeconds(240));
      assertThat(v1.getStatus()).isIn(VersionStatus.PUBLISHED, VersionStatus.REJECTED);
      assertThat(v1.getExamples().getTotal()).isEqualTo(18);
      assertThat(v1.getExamples().getQuarantined()).isEqualTo(1);
      assertThat(v1.getDatasetDigest())
          .isEqualTo(
              Dataset.list(s3, MODEL, config.validationPercent())
                  .without(List.of(badSha))
                  .digest());
      String runId = v1.getTraining().getRunId();

      Quarantine.Entry q = Quarantine.get(s3, MODEL, badSha).orElseThrow();
      assertThat(q.key()).isEqualTo(badKey);
      assertThat(q.reason()).isEqualTo("CORRUPT");
      assertThat(q.stage()).isEqualTo("train");
      assertThat(q.runId()).isEqualTo(runId);
      assertThat(trainDeadLetters(stack))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(badKey);
                assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("CORRUPT");
                assertThat(header(r, DeadLetterHeaders.TIME)).isNotBlank();
                assertThat(JSON.readTree(r.value()).path("sha256").asText()).isEqualTo(badSha);
              });
      assertThat(statusLines(stack, runId)).anyMatch(n -> n.path("quarantined").asLong() == 1);
      String card =
          new String(
              s3.get(ArtifactFiles.key(s3, v1.getArtifacts().getModelCard().getUri()))
                  .orElseThrow(),
              StandardCharsets.UTF_8);
      assertThat(card).contains("1 quarantined");

      List<ILoggingEvent> warned =
          logs.list.stream()
              .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(badKey))
              .toList();
      assertThat(warned)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getFormattedMessage()).contains("CORRUPT");
                assertThat(e.getThrowableProxy()).isNull();
              });
      assertThat(logs.list).noneMatch(e -> e.getLevel() == Level.ERROR);

      h.request(MODEL);
      ModelVersion v2 = h.awaitVersion(MODEL, 2, Duration.ofSeconds(240));
      assertThat(v2.getExamples().getTotal()).isEqualTo(18);
      assertThat(v2.getExamples().getQuarantined()).isEqualTo(1);
      assertThat(v2.getTraining().getFeatureCacheHits()).isEqualTo(18);
      assertThat(v2.getTraining().getFeatureCacheMisses())
          .as("the quarantined image is not decoded again")
          .isZero();
      assertThat(Quarantine.get(s3, MODEL, badSha).orElseThrow().runId()).isEqualTo(runId);
      assertThat(trainDeadLetters(stack)).hasSize(1);
      assertThat(trainer.isRunning()).isTrue();
    } finally {
      train.detachAppender(logs);
    }
  }

  /** A JPEG cut in the middle of its scan, ending with the end-of-image marker FFD9. */
  static byte[] cutJpeg() throws Exception {
    BufferedImage img =
        ImageIO.read(new ByteArrayInputStream(TrainerIT.images(100, 1).values().iterator().next()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    byte[] whole = out.toByteArray();
    byte[] cut = Arrays.copyOf(whole, whole.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    return cut;
  }

  private static List<ConsumerRecord<byte[], byte[]>> trainDeadLetters(Stack stack) {
    return Invariants.readToEnd(
            stack.kafka(), stack.topics().deadLetters(), new ByteArrayDeserializer())
        .stream()
        .filter(r -> "train".equals(header(r, DeadLetterHeaders.STAGE)))
        .toList();
  }

  private static List<JsonNode> statusLines(Stack stack, String runId) {
    return Invariants.readToEnd(
            stack.kafka(), stack.topics().trainingStatus(), new StringDeserializer())
        .stream()
        .map(
            r -> {
              try {
                return JSON.readTree(r.value());
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
        .filter(n -> runId.equals(n.path("runId").asText()))
        .toList();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
