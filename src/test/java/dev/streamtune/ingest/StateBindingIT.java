package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.config.ConfigException;
import dev.streamtune.devstack.EmbeddedKafka;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * Ingest's local state belongs to the cluster and bucket it describes. One worker configuration
 * (the same application id and {@code ingest.state.dir}) stores images for a first cluster and
 * bucket; then it is pointed at a second cluster (a broker of its own, formatted afresh) and
 * bucket, where another worker of the same application has already stored other images, so the
 * second cluster's changelogs are longer than the offsets the first cluster's state recorded (Kafka
 * Streams then finds nothing corrupt in that state). The images the first cluster saw are sent to
 * the second: each must be stored there, none taken for a duplicate by state left on disk.
 */
@WithStack
class StateBindingIT {
  private static final int FIRST = 60;
  private static final int OTHERS = 180;

  @Test
  void aWorkerPointedAtAnotherClusterAndBucketStoresEveryImageDespiteTheStateTheFirstLeftOnDisk(
      Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "state-binding");
    IngestConfig config = IngestIT.untriggered(stack, dir);
    IngestConfig otherWorker =
        config.withApplication(config.applicationId(), dir.resolve("other-worker"));
    List<LabelledImage> first = images(0, FIRST);
    String second = stack.bucket() + "-b";
    try (MinioClient minio = stack.minio()) {
      minio.makeBucket(MakeBucketArgs.builder().bucket(second).build());
    }
    try (EmbeddedKafka a = EmbeddedKafka.start(dir.resolve("kafka-a"), 0, 0)) {
      assertThat(ingest(stack, config, a, stack.s3(), first))
          .as("stored in the first bucket")
          .isEqualTo(FIRST);
    }
    try (EmbeddedKafka b = EmbeddedKafka.start(dir.resolve("kafka-b"), 0, 0)) {
      S3Config s3 = stack.s3().withBucket(second);
      assertThat(ingest(stack, otherWorker, b, s3, images(FIRST, OTHERS)))
          .as("stored by the other worker")
          .isEqualTo(OTHERS);
      assertThat(ingest(stack, config, b, s3, first))
          .as("stored in the second bucket, the first images included")
          .isEqualTo(OTHERS + FIRST);
    }
  }

  /**
   * The same application on the same cluster pointed at a new, empty bucket would count every image
   * it stored before as a duplicate: it is refused at start, naming the fix.
   */
  @Test
  void anApplicationWithHistoryIsRefusedANewEmptyBucket(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bucket-history");
    IngestConfig config = IngestIT.untriggered(stack, dir);
    String fresh = stack.bucket() + "-fresh";
    try (MinioClient minio = stack.minio()) {
      minio.makeBucket(MakeBucketArgs.builder().bucket(fresh).build());
    }
    try (EmbeddedKafka a = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0)) {
      assertThat(ingest(stack, config, a, stack.s3(), images(0, 12))).isEqualTo(12);
      assertThatThrownBy(
              () ->
                  IngestApp.start(
                      config,
                      KafkaConfig.plaintext(a.bootstrapServers()),
                      stack.registry(),
                      stack.topics(),
                      new TopicPolicy(6, (short) 1, Duration.ofHours(1)),
                      stack.s3().withBucket(fresh)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("new ingest.application.id");
      assertThat(ingest(stack, config, a, stack.s3(), images(12, 3)))
          .as("its own bucket still works")
          .isEqualTo(15);
    }
  }

  /**
   * A worker killed mid-transaction leaves its transaction open, and the partitions it wrote stall
   * for every read-committed reader until a producer with the same transactional id (application,
   * process id, thread) aborts it, or the transaction timeout does. State discarded at start (a
   * worker killed before it recorded its changelogs has it discarded on restart) must keep the
   * process id, so the restarted worker fences the dead one's transaction at once.
   */
  @Test
  void aRestartThatDiscardsTheStateStillFencesTheKilledWorkersOpenTransaction(Stack stack)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "state-fence");
    IngestConfig config = IngestIT.untriggered(stack, dir);
    KafkaConfig kafka = stack.kafka();
    S3Config s3 = stack.s3().withBucket(stack.bucket() + "-fence");
    try (MinioClient minio = stack.minio()) {
      minio.makeBucket(MakeBucketArgs.builder().bucket(s3.bucket()).build());
    }
    assertThat(ingest(stack, config, kafka, s3, images(0, 12))).isEqualTo(12);
    Path metadata = only(dir, "kafka-streams-process-metadata");
    String processId = new ObjectMapper().readTree(metadata.toFile()).get("processId").asText();
    try (KafkaProducer<byte[], byte[]> dead =
        deadWorker(config, kafka, stack.topics(), processId)) {
      String input = stack.topics().labelledImages();
      for (var partition : dead.partitionsFor(input)) {
        dead.send(new ProducerRecord<>(input, partition.partition(), null, new byte[] {1})).get();
      }
      Files.delete(only(dir, config.applicationId() + ".binding"));
      assertThat(ingest(stack, config, kafka, s3, images(12, 12)))
          .as("stored despite the open transaction")
          .isEqualTo(24);
      assertThat(Files.readString(metadata))
          .as("the process id the state was discarded around")
          .contains(processId);
    }
  }

  /** A producer in the middle of a transaction, as a worker killed while processing leaves it. */
  private static KafkaProducer<byte[], byte[]> deadWorker(
      IngestConfig config, KafkaConfig kafka, TopicNames topics, String processId) {
    Map<String, Object> props = new HashMap<>(kafka.clientProps());
    props.put(
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.applicationId() + "-" + processId + "-1");
    props.put(
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
        IngestTopology.properties(config, kafka, topics)
            .get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)));
    var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    producer.initTransactions();
    producer.beginTransaction();
    return producer;
  }

  private static Path only(Path dir, String name) throws IOException {
    try (var files = Files.walk(dir)) {
      return files
          .filter(f -> f.getFileName().toString().equals(name))
          .reduce(
              (a, b) -> {
                throw new IllegalStateException("two " + name + " under " + dir);
              })
          .orElseThrow();
    }
  }

  private static List<LabelledImage> images(int from, int count) {
    return IntStream.range(from, from + count)
        .mapToObj(
            i ->
                IngestTopologyTest.event(
                    "evt-" + i,
                    "model" + i % 3,
                    "class" + i % 4,
                    IngestTopologyTest.png(i + 1),
                    "image/png"))
        .toList();
  }

  /**
   * Runs ingest on {@code broker} until every event sent is decided; the examples then in the
   * bucket.
   */
  private static int ingest(
      Stack stack,
      IngestConfig config,
      EmbeddedKafka broker,
      S3Config s3,
      List<LabelledImage> events) {
    return ingest(stack, config, KafkaConfig.plaintext(broker.bootstrapServers()), s3, events);
  }

  private static int ingest(
      Stack stack,
      IngestConfig config,
      KafkaConfig kafka,
      S3Config s3,
      List<LabelledImage> events) {
    TopicNames topics = stack.topics();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (IngestApp app =
            IngestApp.start(
                config,
                kafka,
                stack.registry(),
                topics,
                new TopicPolicy(6, (short) 1, Duration.ofHours(1)),
                s3,
                meters);
        EventSender sender = new EventSender(kafka, stack.registry(), topics.labelledImages());
        MinioObjectStore store = new MinioObjectStore(s3)) {
      events.forEach(sender::send);
      sender.flush();
      await().atMost(Duration.ofSeconds(90)).until(() -> decided(meters) >= events.size());
      return store.list("examples/").size();
    } finally {
      meters.close();
    }
  }

  /** Events stored (new or relabelled) or skipped as duplicates. */
  private static double decided(SimpleMeterRegistry meters) {
    return meters.find(IngestMetrics.STORED).counters().stream().mapToDouble(Counter::count).sum()
        + meters.find(IngestMetrics.DUPLICATES).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }
}
