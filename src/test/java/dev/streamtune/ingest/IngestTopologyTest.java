package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SubjectNameStrategy;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.registry.LocalSchemaRegistry;
import dev.streamtune.store.InMemoryObjectStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
  private final TopicNames topics = TopicNames.defaults();
  private final LocalSchemaRegistry registry = LocalSchemaRegistry.inMemory();
  private final ConfluentAvroSerde<LabelledImage> images =
      new ConfluentAvroSerde<>(LabelledImage.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
  private final InMemoryObjectStore store = new InMemoryObjectStore("streamtune");
  private java.util.function.UnaryOperator<dev.streamtune.store.ObjectStore> hook = s -> s;
  private TopologyTestDriver driver;
  private io.micrometer.core.instrument.simple.SimpleMeterRegistry meters;
  private TestInputTopic<byte[], LabelledImage> input;
  private TestInputTopic<byte[], byte[]> rawInput;
  private TestOutputTopic<byte[], byte[]> dlq;
  private TestOutputTopic<String, TrainingRequest> requests;

  @BeforeEach
  void start() {
    start(IngestConfig.defaults().withTriggers(3, 2, Duration.ofMinutes(10)));
  }

  private void start(IngestConfig config) {
    if (driver != null) {
      driver.close();
    }
    IngestConfig c =
        config.withApplication(
            "ingest-test", Path.of("target", "ttd-state", UUID.randomUUID().toString()));
    Properties props = new Properties();
    props.putAll(IngestTopology.properties(c, KafkaConfig.plaintext("unused:9092"), topics));
    meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    IngestMetrics counts = new IngestMetrics(meters);
    props.put(IngestMetrics.PROPERTY, counts);
    var requestSerde =
        new ConfluentAvroSerde<>(
            TrainingRequest.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
    driver =
        new TopologyTestDriver(
            IngestTopology.build(
                c, topics, images, requestSerde, hook.apply(store), WriteBarrier.inline(), counts),
            props,
            Instant.parse("2026-01-01T00:00:00Z"));
    input =
        driver.createInputTopic(
            topics.labelledImages(), new ByteArraySerializer(), images.serializer());
    rawInput =
        driver.createInputTopic(
            topics.labelledImages(), new ByteArraySerializer(), new ByteArraySerializer());
    dlq =
        driver.createOutputTopic(
            topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    requests =
        driver.createOutputTopic(
            topics.trainingRequests(), new StringDeserializer(), requestSerde.deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void metersCountStoredDuplicateAndDeadLetteredRecordsInTheRegistryPassedIn() {
    {
      byte[] png = png(11);
      input.pipeInput(event("e1", "m", "cat", png, "image/png"));
      input.pipeInput(event("e1", "m", "cat", png, "image/png"));
      input.pipeInput(event("e2", "m", "dog", png, "image/png"));
      input.pipeInput(event("e3", "m", ".bad", png, "image/png"));
      assertThat(meters.counter("streamtune.ingest.stored", "kind", "new").count()).isEqualTo(1);
      assertThat(meters.counter("streamtune.ingest.stored", "kind", "relabel").count())
          .isEqualTo(1);
      assertThat(meters.counter("streamtune.ingest.duplicates").count()).isEqualTo(1);
      assertThat(meters.counter("streamtune.ingest.stored.bytes").count())
          .isEqualTo(2.0 * png.length);
      assertThat(
              meters
                  .counter(
                      "streamtune.ingest.dead.lettered", "stage", "validate", "reason", "BAD_LABEL")
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void attributesAreLimitedAtValidationByCountAndByTheMetadataTheyBecome() {
    byte[] png = png(3);
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i <= IngestConfig.defaults().maxAttributes(); i++) {
      many.put("k" + i, "v");
    }
    assertDeadLetter(
        withAttributes(event("a1", "m", "cat", png, "image/png"), many), "TOO_MANY_ATTRIBUTES");
    assertDeadLetter(
        withAttributes(event("a2", "m", "cat", png, "image/png"), Map.of("note", "x".repeat(2000))),
        "ATTRIBUTES_TOO_LARGE");
    assertDeadLetter(
        LabelledImage.newBuilder(event("a3", "m", "cat", png, "image/png"))
            .setEventId("e".repeat(2000))
            .build(),
        "ATTRIBUTES_TOO_LARGE");
    many.remove("k0");
    input.pipeInput(withAttributes(event("a4", "m", "cat", png, "image/png"), many));
    assertThat(dlq.isEmpty()).isTrue();
    String key = "examples/m/cat/" + Validator.sha256(png) + ".png";
    assertThat(ExampleMetadata.size(store.object(key).orElseThrow().metadata()))
        .isLessThanOrEqualTo(IngestConfig.defaults().maxMetadataBytes());
  }

  @Test
  void anImageRefKeyOverS3sLimitIsRefusedBeforeAnyRequest() {
    byte[] png = png(4);
    assertDeadLetter(
        ref("k1", "s3://streamtune/uploads/" + "k".repeat(1017) + ".png", Validator.sha256(png)),
        "REF_KEY_TOO_LONG");
  }

  @Test
  void anImageRefThatStorageRefusesWith4xxIsDeadLettered() {
    hook = s -> new Refusing(s, 403, "AccessDenied");
    start(IngestConfig.defaults().withTriggers(3, 2, Duration.ofMinutes(10)));
    byte[] png = png(5);
    store.put("uploads/forbidden/a.png", png, "image/png", Map.of());
    assertDeadLetter(
        ref("f1", "s3://streamtune/uploads/forbidden/a.png", Validator.sha256(png)), "REF_REFUSED");
    hook = s -> new Refusing(s, 404, "NoSuchBucket");
    start(IngestConfig.defaults().withTriggers(3, 2, Duration.ofMinutes(10)));
    assertDeadLetter(
        ref("f2", "s3://streamtune/uploads/forbidden/a.png", Validator.sha256(png)), "REF_MISSING");
  }

  @Test
  void anObjectReplacedAfterValidationIsDeadLetteredAtTheStoreStageAsTheOriginalRecord() {
    byte[] png = png(6);
    byte[] other = png(7);
    store.put("uploads/swap.png", png, "image/png", Map.of());
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    hook =
        s ->
            new Refusing(s, 0, "") {
              @Override
              public java.util.Optional<byte[]> getAtMost(String key, int maxBytes) {
                var read = super.getAtMost(key, maxBytes);
                if (once.getAndSet(false)) {
                  store.put("uploads/swap.png", other, "image/png", Map.of());
                }
                return read;
              }
            };
    start(IngestConfig.defaults().withTriggers(1, 1, Duration.ofMinutes(10)));
    assertDeadLetter(
        ref("s1", "s3://streamtune/uploads/swap.png", Validator.sha256(png)),
        "store",
        "REF_SHA_MISMATCH");
    assertThat(store.list("examples/")).isEmpty();
    assertThat(requests.isEmpty()).as("nothing counted").isTrue();
  }

  @Test
  void anExampleWriteRefusedWith4xxIsOneDeadLetterAndCountsNothing() {
    hook = s -> new Refusing(s, 403, "AccessDenied");
    start(IngestConfig.defaults().withTriggers(2, 2, Duration.ofMinutes(10)));
    assertDeadLetter(event("w1", "m", "denied", png(8), "image/png"), "store", "STORE_REFUSED");
    assertThat(store.list("examples/")).isEmpty();
    input.pipeInput(event("w2", "m", "cat", png(9), "image/png"));
    assertThat(requests.isEmpty()).as("the refused record is not counted").isTrue();
    input.pipeInput(event("w3", "m", "cat", png(10), "image/png"));
    assertThat(requests.readValuesToList()).hasSize(1);
    assertThat(store.list("examples/m/")).hasSize(2);
  }

  /**
   * The store with a bucket policy: reads under uploads/forbidden/ and writes to label "denied" are
   * refused.
   */
  private static class Refusing extends dev.streamtune.store.ForwardingStore {
    private final int status;
    private final String code;

    Refusing(dev.streamtune.store.ObjectStore s, int status, String code) {
      super(s);
      this.status = status;
      this.code = code;
    }

    @Override
    public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
      if (key.contains("/denied/")) {
        throw new dev.streamtune.store.ObjectStoreException("refused " + key, status, code, null);
      }
      real.put(key, data, contentType, metadata);
    }

    @Override
    public java.util.Optional<byte[]> getAtMost(String key, int maxBytes) {
      if (key.startsWith("uploads/forbidden/")) {
        throw new dev.streamtune.store.ObjectStoreException("refused " + key, status, code, null);
      }
      return real.getAtMost(key, maxBytes);
    }

    @Override
    public dev.streamtune.store.ObjectStore inBucket(String other) {
      return other.equals(bucket()) ? this : real.inBucket(other);
    }
  }

  private static LabelledImage withAttributes(LabelledImage e, Map<String, String> attributes) {
    return LabelledImage.newBuilder(e).setAttributes(attributes).build();
  }

  @Test
  void aGoodEventIsStoredInItsClassFolderWithMetadata() {
    byte[] png = png(1);
    input.pipeInput(event("e1", "shapes", "circle", png, "image/png"));
    String key = "examples/shapes/circle/" + Validator.sha256(png) + ".png";
    assertThat(store.list("examples/")).containsExactly(key);
    var object = store.object(key).orElseThrow();
    assertThat(object.data()).isEqualTo(png);
    assertThat(object.metadata())
        .containsEntry("event-id", "e1")
        .containsEntry("attr-source", "test")
        .containsEntry("captured-at", "2026-01-01T00:00:00Z");
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void eachBrokenRuleGoesToTheDeadLetterTopicWithItsReason() throws IOException {
    IngestConfig small = IngestConfig.defaults().withTriggers(3, 2, Duration.ZERO);
    start(
        new IngestConfig(
            small.applicationId(),
            4096,
            1_000_000,
            small.refBuckets(),
            3,
            Map.of(),
            2,
            Duration.ZERO,
            small.scheduleCheck(),
            Duration.ofSeconds(1),
            small.stateDir(),
            1,
            0,
            small.sessionTimeout(),
            small.maxAttributes(),
            small.maxMetadataBytes()));
    byte[] png = png(2);
    store.inBucket("elsewhere").put("x.png", png, "image/png", Map.of());
    store.put("uploads/a.png", png, "image/png", Map.of());
    assertDeadLetter(event("e1", "../etc", "cat", png, "image/png"), "BAD_MODEL_ID");
    assertDeadLetter(event("e2", "m", ".hidden", png, "image/png"), "BAD_LABEL");
    assertDeadLetter(
        event("e3", "m", "cat", "hello".getBytes(StandardCharsets.UTF_8), "image/png"),
        "UNSUPPORTED_CONTENT_TYPE");
    assertDeadLetter(event("e4", "m", "cat", png, "image/jpeg"), "CONTENT_TYPE_MISMATCH");
    assertDeadLetter(event("e5", "m", "cat", png, "image/webp"), "UNSUPPORTED_CONTENT_TYPE");
    assertDeadLetter(event("e6", "m", "cat", noise(64, 64), "image/png"), "TOO_BIG");
    assertDeadLetter(
        event("e7", "m", "cat", dev.streamtune.image.PngHeaders.declaring(2000, 2000), "image/png"),
        "TOO_MANY_PIXELS");
    assertDeadLetter(
        event("e8", "m", "cat", java.util.Arrays.copyOf(png, 20), "image/png"), "CORRUPT_IMAGE");
    assertDeadLetter(ref("e9", "s3://elsewhere/x.png", Validator.sha256(png)), "REF_NOT_ALLOWED");
    assertDeadLetter(
        ref("e10", "s3://streamtune/uploads/missing.png", Validator.sha256(png)), "REF_MISSING");
    assertDeadLetter(
        ref("e11", "s3://streamtune/uploads/a.png", "0".repeat(64)), "REF_SHA_MISMATCH");
    byte[] big = noise(64, 64);
    store.put("uploads/big.png", big, "image/png", Map.of());
    assertDeadLetter(
        ref("e12", "s3://streamtune/uploads/big.png", Validator.sha256(big)), "TOO_BIG");
    assertThat(store.list("examples/")).isEmpty();
  }

  /**
   * A record that does not decode is skipped and the next one is processed. TopologyTestDriver
   * drops the dead-letter records a deserialization handler returns, so the decode stage's dead
   * letters are checked against a real broker in {@code IngestIT}.
   */
  @Test
  void aRecordThatDoesNotDecodeIsSkipped() {
    rawInput.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[] {7, 7, 7});
    byte[] png = png(9);
    input.pipeInput(event("after", "m", "cat", png, "image/png"));
    assertThat(store.list("examples/m/"))
        .containsExactly("examples/m/cat/" + Validator.sha256(png) + ".png");
  }

  @Test
  void anImageRefInAnAllowedBucketIsStored() {
    byte[] png = png(3);
    store.put("uploads/big.png", png, "image/png", Map.of());
    input.pipeInput(ref("e1", "s3://streamtune/uploads/big.png", Validator.sha256(png)));
    assertThat(store.get("examples/m/cat/" + Validator.sha256(png) + ".png"))
        .hasValueSatisfying(b -> assertThat(b).isEqualTo(png));
    assertThat(dlq.isEmpty()).isTrue();
  }

  @Test
  void anAnswerToALabellingRequestIsStoredWhateverTheRefBucketsSay() {
    start(
        IngestConfig.from(
                dev.streamtune.config.ConfigSource.ofSettings(
                    Map.of("ingest.ref.buckets", "uploads-elsewhere")))
            .withTriggers(3, 2, Duration.ofMinutes(10)));
    byte[] png = png(7);
    String sha = Validator.sha256(png);
    store.put("feedback/m/" + sha + ".png", png, "image/png", Map.of());
    store.put("uploads/" + sha + ".png", png, "image/png", Map.of());
    input.pipeInput(ref("kept", "s3://streamtune/feedback/m/" + sha + ".png", sha));
    assertThat(store.get("examples/m/cat/" + sha + ".png")).isPresent();
    assertDeadLetter(
        ref("other", "s3://streamtune/uploads/" + sha + ".png", sha), "REF_NOT_ALLOWED");
  }

  @Test
  void aRedeliveryIsANoOpAndCountsNothing() {
    byte[] png = png(4);
    input.pipeInput(event("e1", "m", "cat", png, "image/png"));
    input.pipeInput(event("e1", "m", "cat", png, "image/png"));
    input.pipeInput(event("e1-again", "m", "cat", png, "image/png"));
    input.pipeInput(event("e2", "m", "cat", png(5), "image/png"));
    assertThat(store.list("examples/m/")).hasSize(2);
    assertThat(requests.isEmpty()).isTrue();
    input.pipeInput(event("e3", "m", "cat", png(6), "image/png"));
    assertThat(requests.readValue().getNewExamples()).isEqualTo(3);
  }

  @Test
  void aRelabelMovesTheImageAndCountsAsAChange() {
    byte[] png = png(7);
    String sha = Validator.sha256(png);
    input.pipeInput(event("e1", "m", "cat", png, "image/png"));
    input.pipeInput(event("e2", "m", "dog", png, "image/png"));
    assertThat(store.list("examples/m/")).containsExactly("examples/m/dog/" + sha + ".png");
    assertThat(store.metadata("examples/m/dog/" + sha + ".png").orElseThrow())
        .as("the second label decision")
        .containsEntry("revision", "2");
    input.pipeInput(event("e4", "m", "cat", png, "image/png"));
    assertThat(store.metadata("examples/m/cat/" + sha + ".png").orElseThrow())
        .containsEntry("revision", "3");
    input.pipeInput(event("e3", "m", "dog", png(8), "image/png"));
    TrainingRequest r = requests.readValue();
    assertThat(r.getReason()).isEqualTo(TrainingReason.THRESHOLD);
    assertThat(r.getNewExamples()).isEqualTo(3);
  }

  @Test
  void eachNewExampleAndRelabelIsIndexedInItsModelsPartitionAndADuplicateIsNot() {
    var index =
        driver.createOutputTopic(
            topics.exampleIndex(), new StringDeserializer(), new StringDeserializer());
    byte[] png = png(9);
    String sha = Validator.sha256(png);
    input.pipeInput(event("e1", "m", "cat", png, "image/png"));
    input.pipeInput(event("e1", "m", "cat", png, "image/png"));
    input.pipeInput(event("e2", "m", "dog", png, "image/png"));
    var records = index.readRecordsToList();
    assertThat(records)
        .extracting(r -> dev.streamtune.events.ExampleIndexEntry.parse(r.key(), r.value()).get())
        .containsExactly(
            new dev.streamtune.events.ExampleIndexEntry(
                "m", sha, "cat", "examples/m/cat/" + sha + ".png", 1),
            new dev.streamtune.events.ExampleIndexEntry(
                "m", sha, "dog", "examples/m/dog/" + sha + ".png", 2));
    assertThat(records).extracting(r -> r.key()).containsOnly("m/" + sha);
  }

  @Test
  void theThresholdTriggersPerModelAndResets() {
    for (int i = 0; i < 7; i++) {
      input.pipeInput(event("a" + i, "alpha", "x", png(100 + i), "image/png"));
    }
    input.pipeInput(event("b0", "beta", "x", png(200), "image/png"));
    List<TrainingRequest> out = requests.readValuesToList();
    assertThat(out)
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.getModelId()).isEqualTo("alpha");
              assertThat(r.getReason()).isEqualTo(TrainingReason.THRESHOLD);
              assertThat(r.getNewExamples()).isEqualTo(3);
              assertThat(r.getRequestId()).isNotBlank();
            });
  }

  @Test
  void theScheduleTriggersAModelWithEnoughExamplesThatWaitedTooLong() {
    input.pipeInput(event("a1", "slow", "x", png(300), "image/png"));
    driver.advanceWallClockTime(Duration.ofMinutes(11));
    assertThat(requests.isEmpty()).as("one example is under minExamples").isTrue();
    input.pipeInput(event("a2", "slow", "x", png(301), "image/png"));
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertThat(requests.isEmpty())
        .as("the second arrived later, but the wait counts from the first")
        .isFalse();
    TrainingRequest r = requests.readValue();
    assertThat(r.getReason()).isEqualTo(TrainingReason.SCHEDULE);
    assertThat(r.getNewExamples()).isEqualTo(2);
    driver.advanceWallClockTime(Duration.ofMinutes(30));
    assertThat(requests.isEmpty()).isTrue();
  }

  @Test
  void countsGoToTrainingStatusOnceASecondForTheModelsThatChanged() throws Exception {
    var status =
        driver.createOutputTopic(
            topics.trainingStatus(), new StringDeserializer(), new StringDeserializer());
    input.pipeInput(event("s1", "alpha", "x", png(400), "image/png"));
    input.pipeInput(event("s2", "alpha", "x", png(401), "image/png"));
    assertThat(status.isEmpty()).as("nothing before the wall clock moves").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    var lines = status.readKeyValuesToList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0).key).isEqualTo("alpha");
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(lines.get(0).value);
    assertThat(json.get("source").asText()).isEqualTo("ingest");
    assertThat(json.get("newExamples").asLong()).isEqualTo(2);
    assertThat(json.get("threshold").asLong()).isEqualTo(3);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(status.isEmpty()).as("no change, no line").isTrue();
    input.pipeInput(event("s3", "alpha", "x", png(402), "image/png"));
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(status.readValue())
                .get("newExamples")
                .asLong())
        .as("the threshold reset the count")
        .isZero();
    assertThat(requests.readValue().getNewExamples()).isEqualTo(3);
  }

  private void assertDeadLetter(LabelledImage event, String reason) {
    assertDeadLetter(event, "validate", reason);
  }

  private void assertDeadLetter(LabelledImage event, String stage, String reason) {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DeadLetters.class);
    var logged =
        new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    logged.start();
    logger.addAppender(logged);
    try {
      input.pipeInput("key".getBytes(StandardCharsets.UTF_8), event);
    } finally {
      logger.detachAppender(logged);
    }
    assertThat(logged.list)
        .as("one log line per bad record, with its reason")
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains(stage + " stage", reason));
    TestRecord<byte[], byte[]> r = dlq.readRecord();
    assertThat(header(r, "streamtune.reason")).as(event.getEventId()).isEqualTo(reason);
    assertThat(header(r, "streamtune.stage")).isEqualTo(stage);
    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("key");
    assertThat(header(r, "__streams.errors.topic")).isEqualTo(topics.labelledImages());
    assertThat(images.deserializer().deserialize(topics.labelledImages(), r.value()))
        .isEqualTo(event);
    assertThat(dlq.isEmpty()).as("one dead letter").isTrue();
    assertThat(header(r, "streamtune.time")).isNotBlank();
    assertThat(header(r, "__streams.errors.message")).contains(reason);
    assertThat(images.deserializer().deserialize(topics.labelledImages(), r.value()).getEventId())
        .isEqualTo(event.getEventId());
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static LabelledImage event(
      String id, String model, String label, byte[] data, String contentType) {
    return LabelledImage.newBuilder()
        .setEventId(id)
        .setModelId(model)
        .setLabel(label)
        .setImage(
            InlineImage.newBuilder()
                .setData(ByteBuffer.wrap(data))
                .setContentType(contentType)
                .build())
        .setCapturedAt(Instant.parse("2026-01-01T00:00:00Z"))
        .setAttributes(Map.of("source", "test"))
        .build();
  }

  static LabelledImage ref(String id, String uri, String sha) {
    return LabelledImage.newBuilder()
        .setEventId(id)
        .setModelId("m")
        .setLabel("cat")
        .setImage(
            ImageRef.newBuilder().setUri(uri).setSha256(sha).setContentType("image/png").build())
        .setCapturedAt(Instant.parse("2026-01-01T00:00:00Z"))
        .build();
  }

  /** A distinct small PNG per seed. */
  static byte[] png(int seed) {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, seed);
    img.setRGB(3, 3, seed * 7919);
    return encode(img);
  }

  static byte[] noise(int w, int h) {
    java.util.Random r = new java.util.Random(w * 31L + h);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return encode(img);
  }

  private static byte[] encode(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
