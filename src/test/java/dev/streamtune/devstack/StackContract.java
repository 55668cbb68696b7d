package dev.streamtune.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.testing.Stack;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/**
 * What every part of Streamtune relies on from the servers; run by {@code StackIT} and {@code
 * ContainerStackIT}.
 */
abstract class StackContract {

  @Test
  void produceAndConsume(Stack stack) throws Exception {
    String topic = stack.unique("plain");
    stack.createTopics(topic);
    try (var producer =
        new KafkaProducer<>(producerProps(stack), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
      }
    }
    assertThat(readCommitted(stack, topic, 10))
        .extracting(ConsumerRecord::value)
        .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
  }

  @Test
  void exactlyOnceStreamsAppRunsAndOnlyCommittedTransactionsAreSeen(Stack stack) throws Exception {
    String in = stack.unique("eos-in");
    String out = stack.unique("eos-out");
    stack.createTopics(in, out);
    StreamsBuilder b = new StreamsBuilder();
    b.stream(in, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(v -> v.toUpperCase(java.util.Locale.ROOT))
        .to(out, Produced.with(Serdes.String(), Serdes.String()));
    Map<String, Object> props = new HashMap<>(stack.kafka().clientProps());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, stack.unique("eos-app"));
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(
        StreamsConfig.STATE_DIR_CONFIG,
        Path.of("target", "streams-state", UUID.randomUUID().toString())
            .toAbsolutePath()
            .toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    try (KafkaStreams streams = new KafkaStreams(b.build(), new StreamsConfig(props))) {
      streams.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> streams.state() == KafkaStreams.State.RUNNING);

      Map<String, Object> tx = producerProps(stack);
      tx.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, stack.unique("tx"));
      try (var producer = new KafkaProducer<>(tx, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(in, "a", "aborted"));
        producer.flush();
        producer.abortTransaction();
        producer.beginTransaction();
        for (String v : List.of("one", "two", "three")) {
          producer.send(new ProducerRecord<>(in, v, v));
        }
        producer.commitTransaction();
      }
      assertThat(readCommitted(stack, out, 3))
          .extracting(ConsumerRecord::value)
          .containsExactly("ONE", "TWO", "THREE");
    }
  }

  @Test
  void objectStorageWithUserMetadata(Stack stack) throws Exception {
    String bucket = "it-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] data = "a tiny image".getBytes(StandardCharsets.UTF_8);
    try (MinioClient s3 = stack.minio()) {
      s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      s3.putObject(
          PutObjectArgs.builder().bucket(bucket).object("examples/m/cat/abc.png").stream(
                  new ByteArrayInputStream(data), data.length, -1)
              .contentType("image/png")
              .userMetadata(Map.of("event-id", "evt-1", "source", "it"))
              .build());
      var stat =
          s3.statObject(
              StatObjectArgs.builder().bucket(bucket).object("examples/m/cat/abc.png").build());
      assertThat(stat.size()).isEqualTo(data.length);
      assertThat(stat.userMetadata())
          .containsEntry("event-id", "evt-1")
          .containsEntry("source", "it");
      try (var in =
          s3.getObject(
              GetObjectArgs.builder().bucket(bucket).object("examples/m/cat/abc.png").build())) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      List<String> listed = new ArrayList<>();
      for (Result<Item> r :
          s3.listObjects(
              ListObjectsArgs.builder()
                  .bucket(bucket)
                  .prefix("examples/m/")
                  .recursive(true)
                  .build())) {
        listed.add(r.get().objectName());
      }
      assertThat(listed).containsExactly("examples/m/cat/abc.png");
      s3.removeObject(
          RemoveObjectArgs.builder().bucket(bucket).object("examples/m/cat/abc.png").build());
      assertThatThrownBy(
              () ->
                  s3.statObject(
                      StatObjectArgs.builder()
                          .bucket(bucket)
                          .object("examples/m/cat/abc.png")
                          .build()))
          .isInstanceOfSatisfying(
              ErrorResponseException.class,
              e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
      s3.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build());
    }
  }

  @Test
  void registerAndFetchASchema(Stack stack) {
    String subject = stack.unique("images") + "-value";
    try (var registry = new SchemaRegistryClient(stack.registry())) {
      int id = registry.register(subject, EventSchemas.text(LabelledImage.class));
      assertThat(registry.schemaById(id)).isEqualTo(EventSchemas.schema(LabelledImage.class));
      assertThat(registry.latest(subject).id()).isEqualTo(id);
    }
  }

  static Map<String, Object> producerProps(Stack stack) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return p;
  }

  static List<ConsumerRecord<String, String>> readCommitted(
      Stack stack, String topic, int expected) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, stack.unique("reader"));
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= expected;
              });
      consumer.poll(Duration.ofMillis(500)).forEach(got::add);
    }
    return got;
  }
}
