package dev.streamtune.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.events.registry.Compatibility;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The subscriber on the stack, with real SavedModels: a new version swaps in under load with no
 * failed call, REJECTED versions and artifacts whose sha256 differs are never loaded, and ten swaps
 * do not grow the process's resident memory (each replaced model's native memory is freed); an
 * outage of the registry only delays the next version, and an unreadable record is skipped.
 */
@WithStack
class ModelSubscriberIT {
  private static final String MODEL = "pets";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void swapsUnderLoadSkipsRejectedAndTamperedVersionsAndFreesReplacedModels(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "subscriber-it");
    Path a = Announcer.export(dir.resolve("a"), 1);
    Path b = Announcer.export(dir.resolve("b"), 2);
    byte[] image = png();
    ServeConfig config = ServeConfig.defaults().with(0, Set.of(MODEL), dir.resolve("cache"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack, s3);
        ModelSubscriber subscriber =
            ModelSubscriber.start(
                stack.kafka(),
                stack.registry(),
                stack.topics().modelVersions(),
                s3,
                config,
                null)) {
      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> served(subscriber) == 1);
      assertThat(subscriber.ready(Set.of(MODEL))).isTrue();
      Classifier c = subscriber.classifier(MODEL).orElseThrow();
      Prediction first = c.classify(image);
      assertThat(first.version()).isEqualTo(1);
      assertThat(first.labels())
          .hasSize(3)
          .extracting(Prediction.Scored::label)
          .containsExactlyInAnyOrderElementsOf(Announcer.LABELS);

      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicLong firstV2 = new AtomicLong(Long.MAX_VALUE);
      AtomicLong v2Answers = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread th =
            new Thread(
                () -> {
                  int last = 0;
                  while (!stop.get()) {
                    try {
                      int v = c.classify(image).version();
                      if (v < last) {
                        failures.add(
                            new AssertionError(
                                "answered by version " + v + " after version " + last));
                      }
                      if (v == 2) {
                        firstV2.accumulateAndGet(System.nanoTime(), Math::min);
                        v2Answers.incrementAndGet();
                      }
                      last = v;
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }
                });
        th.start();
        threads.add(th);
      }
      long announced = System.nanoTime();
      announcer.announce(MODEL, 2, VersionStatus.PUBLISHED, b, false);
      await().atMost(Duration.ofSeconds(30)).until(() -> v2Answers.get() >= 40);
      stop.set(true);
      for (Thread th : threads) {
        th.join();
      }
      assertThat(failures).isEmpty();
      double switchSeconds = (firstV2.get() - announced) / 1e9;
      System.out.printf(
          "swap: first answer from version 2 %.2f s after the announcement%n", switchSeconds);
      assertThat(c.classify(image).version()).isEqualTo(2);

      announcer.announce(MODEL, 3, VersionStatus.REJECTED, a, false);
      announcer.announce(MODEL, 4, VersionStatus.PUBLISHED, a, true);
      await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.history(MODEL).size() == 4);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> served(subscriber) == 2);
      assertThat(c.classify(image).version()).isEqualTo(2);

      List<Long> rss = new ArrayList<>();
      List<Long> offHeap = new ArrayList<>();
      for (int v = 5; v <= 14; v++) {
        announcer.announce(MODEL, v, VersionStatus.PUBLISHED, v % 2 == 0 ? a : b, false);
        int want = v;
        await().atMost(Duration.ofSeconds(60)).until(() -> served(subscriber) == want);
        assertThat(c.classify(image).version()).isEqualTo(v);
        System.gc();
        long r = rssMiB();
        rss.add(r);
        offHeap.add(r - Runtime.getRuntime().totalMemory() / (1 << 20));
      }
      System.out.println(
          "RSS after each of 10 swaps (MiB): " + rss + "; outside the Java heap: " + offHeap);
      assertThat(offHeap.get(offHeap.size() - 1) - offHeap.get(2))
          .as(
              "growth outside the Java heap (native TensorFlow memory) from the 3rd to the 10th swap, MiB")
          .isLessThan(100);
      try (var files = Files.list(dir.resolve("cache").resolve(MODEL))) {
        assertThat(files.count()).as("replaced versions' local copies are deleted").isEqualTo(1);
      }
    }
  }

  /**
   * A version written with a schema the subscriber has not cached, published while the registry is
   * down, and a record that can never be read: the subscriber skips the unreadable record once,
   * keeps retrying the other, says it is stuck on {@code /readyz} and {@code /healthz} and shows
   * its lag, and follows the new version once the registry is back.
   */
  @Test
  void anUnreadableRecordIsSkippedAndARegistryOutageOnlyDelaysTheNextVersion(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "subscriber-outage");
    Path a = Announcer.export(dir.resolve("a"), 1);
    TopicNames topics = TopicNames.withPrefix(stack.unique("follow") + ".");
    EmbeddedRegistryConfig rc =
        new EmbeddedRegistryConfig(
            "127.0.0.1",
            0,
            stack.bootstrapServers(),
            stack.unique("_schemas"),
            (short) 1,
            Compatibility.FULL_TRANSITIVE,
            Map.of(),
            Map.of());
    EmbeddedSchemaRegistry[] server = {EmbeddedSchemaRegistry.start(rc)};
    RegistryConfig registry = RegistryConfig.of(server[0].url()).withRetries(0);
    ServeConfig config =
        ServeConfig.from(ConfigSource.ofSettings(Map.of("serve.subscriber.max.stuck", "0s")))
            .with(0, Set.of(MODEL), dir.resolve("cache"));
    String lag = "streamtune_serve_subscriber_lag{topic=\"" + topics.modelVersions() + "\"}";
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        Announcer announcer = new Announcer(stack.kafka(), registry, topics, s3);
        KafkaProducer<String, byte[]> raw = rawProducer(stack);
        ServeApp app = ServeApp.start(config, stack.kafka(), registry, topics, stack.s3())) {
      String root = "http://127.0.0.1:" + app.port();
      announcer.announce(MODEL, 1, VersionStatus.PUBLISHED, a, false);
      await().atMost(Duration.ofSeconds(60)).until(() -> get(root + "/readyz").startsWith("200"));
      assertThat(get(root + "/metrics")).contains(lag + " 0.0");

      raw.send(
              new ProducerRecord<>(
                  topics.modelVersions(), 0, MODEL + "/garbage", new byte[] {7, 7, 7}))
          .get();
      String subject =
          registry
              .subjectStrategy()
              .subject(topics.modelVersions(), false, ModelVersion.getClassSchema());
      int evolved;
      try (SchemaRegistryClient client = new SchemaRegistryClient(registry)) {
        evolved = client.register(subject, withNote(ModelVersion.getClassSchema()).toString());
      }
      ModelVersion v2 = announcer.upload(MODEL, 2, VersionStatus.PUBLISHED, a, false);
      server[0].close();
      raw.send(new ProducerRecord<>(topics.modelVersions(), 0, MODEL + "/2", wire(evolved, v2)))
          .get();

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(get(root + "/readyz")).startsWith("503").contains("stuck since");
                assertThat(get(root + "/healthz")).startsWith("200").contains("stuck since");
                assertThat(get(root + "/metrics")).contains(lag + " 1.0");
              });
      assertThat(served(app.subscriber())).as("the loaded version still answers").isEqualTo(1);

      server[0] = EmbeddedSchemaRegistry.start(rc.withPort(server[0].url().getPort()));
      await().atMost(Duration.ofSeconds(90)).until(() -> served(app.subscriber()) == 2);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(get(root + "/readyz")).startsWith("200").doesNotContain("stuck");
                assertThat(get(root + "/healthz")).startsWith("200").doesNotContain("stuck");
                assertThat(get(root + "/metrics"))
                    .contains(lag + " 0.0")
                    .contains(
                        "streamtune_serve_subscriber_skipped_total{topic=\""
                            + topics.modelVersions()
                            + "\"} 1.0");
              });
    } finally {
      server[0].close();
    }
  }

  private static KafkaProducer<String, byte[]> rawProducer(Stack stack) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** The ModelVersion schema with one more optional field, last: a trainer of a newer release. */
  private static Schema withNote(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(
        new Schema.Field(
            "note",
            Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING)),
            "added by a newer release",
            Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(
        schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  /**
   * The Confluent wire format of {@code v} under the evolved schema: its fields, then a null note.
   */
  private static byte[] wire(int schemaId, ModelVersion v) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(ModelVersion.class).write(v, enc);
    enc.writeIndex(0);
    enc.flush();
    return out.toByteArray();
  }

  private static String get(String url) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body();
  }

  private static int served(ModelSubscriber s) {
    return s.classifier(MODEL).flatMap(Classifier::served).map(ModelVersion::getVersion).orElse(0);
  }

  static byte[] png() throws Exception {
    BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x + y) * 2));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  static long rssMiB() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
