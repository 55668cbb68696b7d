package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Live interop with an independent Confluent client: kafkajs with
 * {@code @kafkajs/confluent-schema-registry} (avsc), run from {@code src/test/node/interop.mjs}
 * against the embedded broker and registry.
 */
@WithStack
class NodeInteropIT {

  @Test
  void nodeEncodesWhatJavaDecodesAndJavaEncodesTheSameBytes(Stack stack) throws Exception {
    String topic = stack.unique("interop-from-node");
    stack.createTopics(topic);

    JsonNode produced =
        node(
            "produce",
            stack.bootstrapServers(),
            stack.registryUrl().toString(),
            topic,
            NodeScript.avsc());
    int id = produced.get("id").asInt();
    byte[] nodeBytes = HexFormat.of().parseHex(produced.get("hex").asText());

    ConsumerRecord<String, byte[]> record = consumeOne(stack, topic);
    assertThat(record.key()).isEqualTo("interop");
    assertThat(record.value()).isEqualTo(nodeBytes);

    try (var registry = new SchemaRegistryClient(stack.registry())) {
      var serde = ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry());
      ConfluentAvroSerdeTest.assertSameEvent(
          serde.deserializer().deserialize(topic, record.value()), InteropFixture.event());
      byte[] javaBytes = serde.serializer().serialize(topic, InteropFixture.event());
      assertThat(java.nio.ByteBuffer.wrap(javaBytes, 1, 4).getInt()).isEqualTo(id);
      assertThat(HexFormat.of().formatHex(javaBytes))
          .isEqualTo(HexFormat.of().formatHex(nodeBytes));
    }
  }

  @Test
  void javaEncodesWhatNodeDecodes(Stack stack) throws Exception {
    String topic = stack.unique("interop-from-java");
    stack.createTopics(topic);
    LabelledImage byRef =
        LabelledImage.newBuilder(InteropFixture.event())
            .setEventId("evt-ref-0002")
            .setLabel("square")
            .setImage(
                ImageRef.newBuilder()
                    .setUri("s3://streamtune/uploads/big.jpg")
                    .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                    .setContentType("image/jpeg")
                    .build())
            .build();
    try (var registry = new SchemaRegistryClient(stack.registry());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .serializer())) {
      producer.send(new ProducerRecord<>(topic, "k1", InteropFixture.event())).get();
      producer.send(new ProducerRecord<>(topic, "k2", byRef)).get();
    }

    JsonNode first =
        node("consume", stack.bootstrapServers(), stack.registryUrl().toString(), topic);

    assertThat(first.get("key").asText()).isEqualTo("k1");
    JsonNode v = first.get("value");
    assertThat(v.get("eventId").asText()).isEqualTo("evt-0001");
    assertThat(v.get("modelId").asText()).isEqualTo("shapes");
    assertThat(v.get("label").asText()).isEqualTo("circle");
    assertThat(v.get("capturedAt").asLong())
        .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    assertThat(v.get("attributes").get("device").asText()).isEqualTo("cam-7");
    assertThat(v.get("image").get("type").asText()).isEqualTo("dev.streamtune.events.InlineImage");
    assertThat(Base64.getDecoder().decode(v.get("image").get("data").asText()))
        .isEqualTo(InteropFixture.IMAGE);
    assertThat(v.get("image").get("contentType").asText()).isEqualTo("image/png");
  }

  /**
   * A fenced trainer's version is written and then aborted: the documented Node subscriber reads
   * {@code read_committed} and never sees it, only the committed version after it.
   */
  @Test
  void nodeSubscriberNeverSeesAnAbortedVersion(Stack stack) throws Exception {
    String topic = stack.unique("interop-versions");
    stack.createTopics(topic);
    LabelledImage aborted =
        LabelledImage.newBuilder(InteropFixture.event()).setEventId("aborted").build();
    LabelledImage committed =
        LabelledImage.newBuilder(InteropFixture.event()).setEventId("committed").build();
    try (var registry = new SchemaRegistryClient(stack.registry());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, stack.unique("tx")),
                new StringSerializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .serializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "m/1", aborted)).get();
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, "m/2", committed));
      producer.commitTransaction();
    }

    JsonNode first =
        node("consume", stack.bootstrapServers(), stack.registryUrl().toString(), topic);

    assertThat(first.get("key").asText()).isEqualTo("m/2");
    assertThat(first.get("value").get("eventId").asText()).isEqualTo("committed");
  }

  private static ConsumerRecord<String, byte[]> consumeOne(Stack stack, String topic) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            stack.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            stack.unique("g"),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    try (var consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(250)).forEach(got::add);
      }
      assertThat(got).as("a record on " + topic).isNotEmpty();
      return got.get(0);
    }
  }

  private static JsonNode node(String... args) {
    return NodeScript.run(args);
  }
}
