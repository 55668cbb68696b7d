package dev.streamtune.soak;

import dev.streamtune.demo.Shapes;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.store.ArtifactFiles;
import dev.streamtune.store.ObjectStore;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The upstream apps of the soak: one event per {@link #next} call, seeded, of the mix a real
 * deployment sees: new images (inline, or as an {@code ImageRef} to an upload in object storage),
 * re-sent events, relabels, and hostile records: every kind ingest refuses (bad bytes, names,
 * content types, oversized attributes, an over-long or missing {@code ImageRef}) and images that
 * pass ingest but fail the trainer's full decode. It keeps what the system must end with: each good
 * image's latest label, and the reason each hostile record must be dead-lettered with.
 */
final class SoakTraffic implements AutoCloseable {
  static final List<String> MODELS = List.of("soak-a", "soak-b");
  static final List<String> LABELS = List.of("circle", "square", "triangle", "star");
  private final Random random;
  private final String topic;
  private final String refBucket;
  private final ObjectStore refs;
  private final SchemaRegistryClient registry;
  private final Serializer<LabelledImage> serializer;
  private final KafkaProducer<String, byte[]> producer;
  private final List<Sent> good = new ArrayList<>();
  private final Map<String, String> latest = new ConcurrentHashMap<>();
  private final Map<String, String> poison = new ConcurrentHashMap<>();
  private final Map<String, Long> quarantined = new ConcurrentHashMap<>();
  private final AtomicInteger events = new AtomicInteger();
  private int images;

  private record Sent(String key, String model, String sha, LabelledImage event) {}

  /**
   * @param refs the bucket {@code ImageRef}s point into (an allowed {@code ingest.ref.buckets})
   */
  SoakTraffic(
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      String topic,
      ObjectStore refs,
      String refBucket,
      long seed) {
    this.random = new Random(seed);
    this.topic = topic;
    this.refs = refs;
    this.refBucket = refBucket;
    this.registry = new SchemaRegistryClient(registryConfig);
    this.serializer =
        ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig).serializer();
    this.producer =
        new KafkaProducer<>(
            kafka.idempotentProducerProps(), new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends the next event of the mix. */
  void next() {
    int n = events.incrementAndGet();
    double dice = random.nextDouble();
    if (dice < 0.05) {
      hostile(n);
    } else if (dice < 0.12 && !good.isEmpty()) {
      relabel(n);
    } else if (dice < 0.17 && !good.isEmpty()) {
      Sent again = good.get(random.nextInt(good.size()));
      send(again.key(), serializer.serialize(topic, again.event()));
    } else {
      fresh(n, dice < 0.27);
    }
  }

  private void fresh(int n, boolean asRef) {
    String model = MODELS.get(random.nextInt(MODELS.size()));
    String label = LABELS.get(random.nextInt(LABELS.size()));
    byte[] png = Shapes.image(label, 1_000_000L * random.nextInt(1000) + images++);
    String sha = ArtifactFiles.sha256(png);
    Object image = new InlineImage(ByteBuffer.wrap(png), "image/png");
    if (asRef) {
      try {
        refs.put("uploads/" + sha + ".png", png, "image/png", Map.of());
        image = new ImageRef("s3://" + refBucket + "/uploads/" + sha + ".png", sha, "image/png");
      } catch (RuntimeException e) {
        // storage is down: an upstream app would send the image inline
      }
    }
    LabelledImage e = event("evt-" + n, model, label, image);
    Sent s = new Sent("img-" + n, model, sha, e);
    good.add(s);
    latest.put(model + "/" + sha, label);
    send(s.key(), serializer.serialize(topic, e));
  }

  private void relabel(int n) {
    int i = random.nextInt(good.size());
    Sent before = good.get(i);
    String label =
        LABELS.get(
            (LABELS.indexOf(before.event().getLabel()) + 1 + random.nextInt(LABELS.size() - 1))
                % LABELS.size());
    LabelledImage e =
        LabelledImage.newBuilder(before.event()).setEventId("evt-" + n).setLabel(label).build();
    good.set(i, new Sent(before.key(), before.model(), before.sha(), e));
    latest.put(before.model() + "/" + before.sha(), label);
    send(before.key(), serializer.serialize(topic, e));
  }

  private void hostile(int n) {
    String key = "bad-" + n;
    String model = MODELS.get(random.nextInt(MODELS.size()));
    byte[] png = Shapes.image("circle", 7_000_000_000L + n);
    switch (random.nextInt(9)) {
      case 0 -> {
        poison.put(key, "WRONG_MAGIC_BYTE");
        send(key, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      }
      case 1 -> {
        poison.put(key, "BAD_LABEL");
        send(key, serializer.serialize(topic, event("evt-" + n, model, "../../etc", inline(png))));
      }
      case 2 -> {
        poison.put(key, "CONTENT_TYPE_MISMATCH");
        send(
            key,
            serializer.serialize(
                topic,
                event(
                    "evt-" + n,
                    model,
                    "circle",
                    new InlineImage(ByteBuffer.wrap(png), "image/jpeg"))));
      }
      case 3 -> {
        poison.put(key, "UNSUPPORTED_CONTENT_TYPE");
        send(
            key,
            serializer.serialize(
                topic,
                event(
                    "evt-" + n,
                    model,
                    "circle",
                    new InlineImage(
                        ByteBuffer.wrap(
                            "this is not an image"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        "image/png"))));
      }
      case 4 -> {
        poison.put(key, "BAD_MODEL_ID");
        send(key, serializer.serialize(topic, event("evt-" + n, ".hidden", "circle", inline(png))));
      }
      case 5 -> {
        poison.put(key, "ATTRIBUTES_TOO_LARGE");
        send(
            key,
            serializer.serialize(
                topic,
                LabelledImage.newBuilder(event("evt-" + n, model, "circle", inline(png)))
                    .setAttributes(Map.of("note", "x".repeat(4096)))
                    .build()));
      }
      case 6 -> {
        poison.put(key, "REF_KEY_TOO_LONG");
        send(
            key,
            serializer.serialize(
                topic,
                event(
                    "evt-" + n,
                    model,
                    "circle",
                    new ImageRef(
                        "s3://" + refBucket + "/" + "k".repeat(1100) + ".png",
                        ArtifactFiles.sha256(png),
                        "image/png"))));
      }
      case 7 -> {
        poison.put(key, "REF_MISSING");
        send(
            key,
            serializer.serialize(
                topic,
                event(
                    "evt-" + n,
                    model,
                    "circle",
                    new ImageRef(
                        "s3://" + refBucket + "/uploads/never-uploaded-" + n + ".png",
                        ArtifactFiles.sha256(png),
                        "image/png"))));
      }
      default -> undecodable(n, model);
    }
  }

  /**
   * A JPEG cut in the middle of its scan but ending with its end marker: ingest's checks pass and
   * it is stored, the trainer's full decode fails, and it is quarantined with a dead letter of
   * stage {@code train} keyed by its object key.
   */
  private void undecodable(int n, String model) {
    byte[] jpeg = cutJpeg(n);
    String sha = ArtifactFiles.sha256(jpeg);
    latest.put(model + "/" + sha, "circle");
    quarantined.merge(model, 1L, Long::sum);
    poison.put("examples/" + model + "/circle/" + sha + ".jpg", "CORRUPT");
    send(
        "cut-" + n,
        serializer.serialize(
            topic,
            event(
                "evt-" + n,
                model,
                "circle",
                new InlineImage(ByteBuffer.wrap(jpeg), "image/jpeg"))));
  }

  private static byte[] cutJpeg(int seed) {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(96, 96, java.awt.image.BufferedImage.TYPE_INT_RGB);
    Random r = new Random(seed);
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        img.setRGB(x, y, r.nextInt(0xffffff));
      }
    }
    var out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "jpeg", out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() / 2 + 2);
    cut[cut.length - 2] = (byte) 0xFF;
    cut[cut.length - 1] = (byte) 0xD9;
    return cut;
  }

  private static InlineImage inline(byte[] png) {
    return new InlineImage(ByteBuffer.wrap(png), "image/png");
  }

  private static LabelledImage event(String id, String model, String label, Object image) {
    return LabelledImage.newBuilder()
        .setEventId(id)
        .setModelId(model)
        .setLabel(label)
        .setImage(image)
        .setCapturedAt(Instant.ofEpochMilli(1_767_225_600_000L))
        .setAttributes(Map.of("source", "soak"))
        .build();
  }

  private void send(String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  /** Events sent so far. */
  int events() {
    return events.get();
  }

  /** {@code model/sha256} to the label each good image must end under. */
  Map<String, String> latestLabels() {
    producer.flush();
    return Map.copyOf(latest);
  }

  /** The dead-letter reason each hostile record's key must carry. */
  Map<String, String> poison() {
    producer.flush();
    return Map.copyOf(poison);
  }

  /**
   * Images per model that its versions train on: those stored, less those the trainer quarantines.
   */
  Map<String, Long> examplesPerModel() {
    Map<String, Long> out = new java.util.TreeMap<>();
    latest.keySet().forEach(k -> out.merge(k.substring(0, k.indexOf('/')), 1L, Long::sum));
    quarantined.forEach((m, q) -> out.merge(m, -q, Long::sum));
    return out;
  }

  @Override
  public void close() {
    producer.close();
    registry.close();
  }
}
