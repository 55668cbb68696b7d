package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Ingest against the stack: 2,000 events for 3 models, about 5% poison, produced by the Node
 * kafkajs client with {@code @kafkajs/confluent-schema-registry}, as an upstream app would.
 */
@WithStack
class IngestIT {
  private static final int THRESHOLD = 50;

  @Test
  void storesEveryGoodExampleOnceDeadLettersEveryPoisonRecordAndTriggersPerModel(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-it");
    Workload w = Workload.write(dir, 2000, 42);
    IngestConfig config = IngestConfig.defaults().withTriggers(THRESHOLD, 1, Duration.ZERO)
        .withApplication(stack.unique("ingest"), dir.resolve("state"));
    try (IngestApp app = IngestApp.start(config, stack.kafka(), stack.registry(), topics,
        new TopicPolicy(3, (short) -1, Duration.ofHours(1)), stack.s3())) {
      NodeScript.run("publish", stack.bootstrapServers(), stack.registryUrl().toString(), topics.labelledImages(),
          NodeScript.avsc(), w.manifest().toString());

      try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().untilAsserted(() ->
            assertThat(s3.list("examples/")).hasSize(w.distinctImages()));
        List<ConsumerRecord<byte[], byte[]>> dead = read(stack, topics.deadLetters(), w.poison().size());
        Map<String, String> reasonByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
          reasonByKey.put(new String(r.key(), StandardCharsets.UTF_8),
              new String(r.headers().lastHeader("streamtune.reason").value(), StandardCharsets.UTF_8));
        }
        assertThat(reasonByKey).isEqualTo(w.poison());
        List<TrainingRequest> requests = requests(stack, topics, w.expectedRequests());
        Map<String, Long> perModel = new HashMap<>();
        requests.forEach(r -> {
          assertThat(r.getReason()).isEqualTo(TrainingReason.THRESHOLD);
          perModel.merge(r.getModelId(), 1L, Long::sum);
        });
        assertThat(perModel).isEqualTo(w.requestsPerModel(THRESHOLD));
        w.assertStoredPerModel(s3);
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    }
  }

  /** Ingest for this class's stack and bucket (ImageRefs allowed there), with no training trigger. */
  static IngestConfig untriggered(Stack stack, Path dir) {
    return IngestConfig.defaults().withTriggers(1_000_000, 1, Duration.ZERO)
        .withApplication(stack.unique("ingest"), dir.resolve("state"))
        .withStorage(java.util.Set.of(stack.bucket()), IngestConfig.defaults().storageRetry());
  }

  static List<ConsumerRecord<byte[], byte[]>> read(Stack stack, String topic, int expected) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    try (var c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        c.poll(Duration.ofMillis(200)).forEach(got::add);
        return got.size() >= expected;
      });
      c.poll(Duration.ofSeconds(1)).forEach(got::add);
    }
    return got;
  }

  static List<TrainingRequest> requests(Stack stack, TopicNames topics, int expected) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "requests-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<TrainingRequest> got = new ArrayList<>();
    try (var registry = new SchemaRegistryClient(stack.registry());
        var c = new KafkaConsumer<>(p, new StringDeserializer(),
            ConfluentAvroSerde.of(TrainingRequest.class, registry, stack.registry()).deserializer())) {
      c.subscribe(List.of(topics.trainingRequests()));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
        return got.size() >= expected;
      });
      c.poll(Duration.ofSeconds(2)).forEach(r -> got.add(r.value()));
    }
    return got;
  }

  /**
   * A reproducible upstream workload: good events (some re-sent), and poison of every kind.
   *
   * @param manifest what the Node script publishes
   * @param distinctImages distinct (model, image) pairs among the good events
   * @param newPerModel distinct images per model
   * @param poison the dead-letter reason expected per record key
   */
  record Workload(Path manifest, int distinctImages, Map<String, Integer> newPerModel, Map<String, String> poison) {
    int expectedRequests() {
      return expectedRequests(THRESHOLD);
    }

    int expectedRequests(int threshold) {
      return newPerModel.values().stream().mapToInt(n -> n / threshold).sum();
    }

    /** THRESHOLD requests each model should get: floor(new examples / threshold). */
    Map<String, Long> requestsPerModel(int threshold) {
      Map<String, Long> out = new HashMap<>();
      newPerModel.forEach((m, n) -> {
        if (n / threshold > 0) {
          out.put(m, (long) (n / threshold));
        }
      });
      return out;
    }

    /** Each model's class folders hold exactly its distinct images. */
    void assertStoredPerModel(MinioObjectStore s3) {
      for (String model : newPerModel.keySet()) {
        assertThat(s3.list("examples/" + model + "/")).hasSize(newPerModel.get(model));
      }
    }

    static Workload write(Path dir, int events, long seed) throws Exception {
      Random r = new Random(seed);
      String[] models = {"alpha", "beta", "gamma"};
      ArrayNode manifest = new ObjectMapper().createArrayNode();
      Map<String, Integer> perModel = new HashMap<>();
      Map<String, String> poison = new HashMap<>();
      List<String[]> sent = new ArrayList<>();
      int images = 0;
      for (int i = 0; i < events; i++) {
        String key = "k" + i;
        var e = manifest.addObject().put("key", key).put("eventId", "evt-" + i);
        String model = models[r.nextInt(models.length)];
        e.put("modelId", model).put("label", "class" + r.nextInt(4)).put("contentType", "image/png");
        if (i % 20 == 7) {
          switch ((i / 20) % 5) {
            case 0 -> {
              manifest.remove(manifest.size() - 1);
              manifest.addObject().put("key", key).put("rawHex", "0102030405060708");
              poison.put(key, "WRONG_MAGIC_BYTE");
            }
            case 1 -> {
              e.put("label", "../../etc").put("file", file(dir, 100_000 + i));
              poison.put(key, "BAD_LABEL");
            }
            case 2 -> {
              e.put("contentType", "image/jpeg").put("file", file(dir, 100_000 + i));
              poison.put(key, "CONTENT_TYPE_MISMATCH");
            }
            case 3 -> {
              Path f = dir.resolve("text-" + i + ".png");
              Files.writeString(f, "this is not an image");
              e.put("file", f.toString());
              poison.put(key, "UNSUPPORTED_CONTENT_TYPE");
            }
            default -> {
              e.put("modelId", ".hidden").put("file", file(dir, 100_000 + i));
              poison.put(key, "BAD_MODEL_ID");
            }
          }
        } else if (i % 10 == 3 && !sent.isEmpty()) {
          String[] again = sent.get(r.nextInt(sent.size()));
          e.put("modelId", again[0]).put("label", again[1]).put("file", again[2]);
        } else {
          String f = file(dir, images++);
          e.put("file", f);
          sent.add(new String[] {model, e.get("label").asText(), f});
          perModel.merge(model, 1, Integer::sum);
        }
      }
      Path m = dir.resolve("manifest.json");
      new ObjectMapper().writeValue(m.toFile(), manifest);
      return new Workload(m, images, perModel, poison);
    }

    private static String file(Path dir, int seed) throws Exception {
      Path f = dir.resolve("img-" + seed + ".png");
      if (!Files.exists(f)) {
        Files.write(f, IngestTopologyTest.png(seed + 1));
      }
      return f.toString();
    }
  }
}
