package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.ForwardingStore;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.ObjectStoreException;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Records that object storage refuses, or that would break its limits, on the live stack: each ends
 * as exactly one dead letter with its reason and stage, ingest stays RUNNING, nothing of it is
 * stored or counted, and the good records around it are stored. Huge attributes, a key over 1,024
 * bytes and a bucket that does not exist are real requests to the embedded S3; S3Proxy has no
 * bucket policies, so a policy's 403 (on a read, and on an example's write, which fails only at
 * commit) is answered by a hook in front of it, and the same hook swaps a referenced object right
 * after validation has read it.
 */
@WithStack
class RefusedRecordIT {
  private static final String SWAP = "uploads/refused/swap.png";
  private static final String FORBIDDEN = "uploads/forbidden/x.png";

  @Test
  void refusedAndSwappedRecordsAreDeadLetteredOnceAndIngestGoesOn(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "refused-it");
    String missingBucket = stack.bucket() + "-missing";
    IngestConfig config =
        IngestIT.untriggered(stack, dir)
            .withStorage(
                Set.of(stack.bucket(), missingBucket), IngestConfig.defaults().storageRetry());
    Random r = new Random(5);
    byte[] original = BadInputCorpus.png(r, 6, 6);
    byte[] swapped = BadInputCorpus.png(r, 6, 6);
    byte[] forbidden = BadInputCorpus.png(r, 6, 6);
    AtomicBoolean swapOnce = new AtomicBoolean(true);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registry());
        IngestApp app =
            IngestApp.start(
                config,
                stack.kafka(),
                stack.registry(),
                topics,
                new TopicPolicy(3, (short) -1, Duration.ofHours(1)),
                stack.s3(),
                new SimpleMeterRegistry(),
                s -> new Policy(s, s3, swapOnce, swapped));
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>copyOf(stack.kafka().clientProps()),
                new StringSerializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .serializer())) {
      s3.put(SWAP, original, "image/png", Map.of());
      s3.put(FORBIDDEN, forbidden, "image/png", Map.of());
      Map<String, LabelledImage> bad = new LinkedHashMap<>();
      Map<String, String> attrs = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        attrs.put("a" + i, "v".repeat(300));
      }
      bad.put("swapped", ref("swapped", "s3://" + stack.bucket() + "/" + SWAP, original));
      bad.put(
          "huge-attributes",
          withAttributes(
              IngestTopologyTest.event(
                  "huge-attributes", "m", "cat", BadInputCorpus.png(r, 6, 6), "image/png"),
              attrs));
      bad.put(
          "long-key",
          ref(
              "long-key",
              "s3://" + stack.bucket() + "/uploads/" + "k".repeat(1100) + ".png",
              original));
      bad.put("no-bucket", ref("no-bucket", "s3://" + missingBucket + "/uploads/x.png", original));
      bad.put("forbidden", ref("forbidden", "s3://" + stack.bucket() + "/" + FORBIDDEN, forbidden));
      bad.put(
          "denied",
          IngestTopologyTest.event(
              "denied", "m", "denied", BadInputCorpus.png(r, 6, 6), "image/png"));
      Map<String, String> expected =
          Map.of(
              "huge-attributes",
              "validate ATTRIBUTES_TOO_LARGE",
              "long-key",
              "validate REF_KEY_TOO_LONG",
              "no-bucket",
              "validate REF_MISSING",
              "forbidden",
              "validate REF_REFUSED",
              "swapped",
              "store REF_SHA_MISMATCH",
              "denied",
              "store STORE_REFUSED");
      int good = 0;
      for (String key : bad.keySet()) {
        producer.send(new ProducerRecord<>(topics.labelledImages(), key, bad.get(key)));
        for (int i = 0; i < 2; i++, good++) {
          producer.send(
              new ProducerRecord<>(
                  topics.labelledImages(),
                  "good-" + good,
                  IngestTopologyTest.event(
                      "good-" + good, "m", "cat", BadInputCorpus.png(r, 6, 6), "image/png")));
        }
        producer.flush();
        if (key.equals("swapped")) {
          // Alone first: a later refused write aborts its transaction, and a replayed
          // validation would read the already swapped object (validate, not store).
          IngestIT.read(stack.kafka(), topics.deadLetters(), 1);
        }
      }
      producer.flush();
      int goods = good;

      await()
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(s3.list("examples/m/cat/")).hasSize(goods));
      List<ConsumerRecord<byte[], byte[]>> dead =
          IngestIT.read(stack.kafka(), topics.deadLetters(), bad.size());
      Map<String, String> seen = new TreeMap<>();
      dead.forEach(
          d ->
              seen.merge(
                  new String(d.key(), StandardCharsets.UTF_8),
                  header(d, DeadLetters.STAGE) + " " + header(d, DeadLetters.REASON),
                  (a, b) -> a + " AND " + b));
      assertThat(seen)
          .as("exactly one dead letter per bad record")
          .isEqualTo(new TreeMap<>(expected));
      var deserializer =
          ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry()).deserializer();
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        String key = new String(d.key(), StandardCharsets.UTF_8);
        assertThat(deserializer.deserialize(topics.labelledImages(), d.value()))
            .as(key)
            .isEqualTo(bad.get(key));
        assertThat(header(d, "__streams.errors.topic")).as(key).isEqualTo(topics.labelledImages());
        assertThat(DeadLetterReplay.resend(d, topics).topic())
            .as(key)
            .isEqualTo(topics.labelledImages());
      }
      assertThat(s3.list("examples/m/")).as("nothing of a refused record is stored").hasSize(goods);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(lastCount(stack, topics, "m"))
                      .as("nothing of a refused record is counted")
                      .isEqualTo(goods));
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);

      s3.put(SWAP, original, "image/png", Map.of());
      var replay =
          DeadLetterReplay.replay(stack.kafka(), topics, Set.of("REF_SHA_MISMATCH"), false);
      assertThat(replay.replayed()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(s3.list("examples/m/cat/"))
                      .contains(StoreProcessor.key("m", "cat", Validator.sha256(original), "png"))
                      .hasSize(goods + 1));
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  private static LabelledImage ref(String id, String uri, byte[] content) {
    return LabelledImage.newBuilder()
        .setEventId(id)
        .setModelId("m")
        .setLabel("cat")
        .setCapturedAt(Instant.EPOCH)
        .setImage(
            ImageRef.newBuilder()
                .setUri(uri)
                .setSha256(Validator.sha256(content))
                .setContentType("image/png")
                .build())
        .build();
  }

  private static LabelledImage withAttributes(LabelledImage e, Map<String, String> attributes) {
    return LabelledImage.newBuilder(e).setAttributes(attributes).build();
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static int lastCount(Stack stack, TopicNames topics, String model) throws Exception {
    int last = -1;
    for (var rec :
        Invariants.readToEnd(stack.kafka(), topics.trainingStatus(), new StringDeserializer())) {
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rec.value());
      if (model.equals(json.path("modelId").asText())) {
        last = json.path("newExamples").asInt();
      }
    }
    return last;
  }

  /**
   * The embedded S3 with a bucket policy in front: reads under {@code uploads/forbidden/} and
   * writes to the {@code denied} label answer 403 AccessDenied, as a policy denying them would; the
   * first read of {@link #SWAP} (validation's) swaps the object before returning.
   */
  private static final class Policy extends ForwardingStore {
    private final ObjectStore direct;
    private final AtomicBoolean swapOnce;
    private final byte[] swapped;

    Policy(ObjectStore s, ObjectStore direct, AtomicBoolean swapOnce, byte[] swapped) {
      super(s);
      this.direct = direct;
      this.swapOnce = swapOnce;
      this.swapped = swapped;
    }

    @Override
    public void put(String key, byte[] data, String contentType, Map<String, String> metadata) {
      if (key.contains("/denied/")) {
        throw new ObjectStoreException(
            "S3 refused put " + key + ": AccessDenied", 403, "AccessDenied", null);
      }
      real.put(key, data, contentType, metadata);
    }

    @Override
    public Optional<byte[]> getAtMost(String key, int maxBytes) {
      if (key.startsWith("uploads/forbidden/")) {
        throw new ObjectStoreException(
            "S3 refused get " + key + ": AccessDenied", 403, "AccessDenied", null);
      }
      Optional<byte[]> read = real.getAtMost(key, maxBytes);
      if (key.equals(SWAP) && swapOnce.getAndSet(false)) {
        direct.put(SWAP, swapped, "image/png", Map.of());
      }
      return read;
    }

    @Override
    public ObjectStore inBucket(String bucket) {
      return bucket.equals(real.bucket())
          ? this
          : new Policy(real.inBucket(bucket), direct, swapOnce, swapped);
    }
  }
}
