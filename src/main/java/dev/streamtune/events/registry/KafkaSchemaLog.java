package dev.streamtune.events.registry;

import dev.streamtune.events.TopicManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The registry's log in a compacted, single-partition Kafka topic, as Confluent Schema Registry
 * keeps {@code _schemas}. The topic is created when missing; an existing one that is not compacted
 * or has more than one partition is refused, since it would lose or reorder schemas.
 */
final class KafkaSchemaLog implements SchemaLog {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final String topic;
  private final Map<String, Object> clientProps;
  private final KafkaProducer<byte[], byte[]> producer;

  KafkaSchemaLog(
      String bootstrapServers, String topic, short replicationFactor, Map<String, Object> extra) {
    this.topic = topic;
    this.clientProps = new HashMap<>(extra);
    clientProps.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    ensureTopic(replicationFactor);
    this.producer =
        new KafkaProducer<>(
            producerProps(clientProps), new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** The producer's properties: the shared client properties, idempotent, acks=all. */
  static Map<String, Object> producerProps(Map<String, Object> clientProps) {
    Map<String, Object> p = new HashMap<>(clientProps);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return p;
  }

  /** The replaying consumer's properties: the shared client properties, read-committed. */
  static Map<String, Object> consumerProps(Map<String, Object> clientProps) {
    Map<String, Object> c = new HashMap<>(clientProps);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }

  @Override
  public List<LogEntry> replay() {
    Map<String, Object> c = consumerProps(clientProps);
    List<LogEntry> out = new ArrayList<>();
    TopicPartition tp = new TopicPartition(topic, 0);
    try (var consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(tp, TIMEOUT) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Timed out reading " + topic + " up to offset " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Optional.ofNullable(LogEntry.parse(r.key(), r.value())).ifPresent(out::add);
        }
      }
    }
    return out;
  }

  @Override
  public void append(LogEntry entry) {
    try {
      producer
          .send(new ProducerRecord<>(topic, 0, entry.key(), entry.value()))
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while writing to " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new dev.streamtune.events.SchemaRegistryException(
          500, 50001, "Could not store the change in " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void ensureTopic(short replicationFactor) {
    Map<String, Object> a = new HashMap<>(clientProps);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(a)) {
      TopicManager.createMissing(
          admin,
          List.of(
              new NewTopic(topic, 1, replicationFactor)
                  .configs(
                      Map.of(
                          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
      TopicManager.TopicState t = TopicManager.describe(admin, List.of(topic)).get(topic);
      String policy = t.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (t.partitions() != 1 || !TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
        throw new IllegalStateException(
            "Topic "
                + topic
                + " must have 1 partition and cleanup.policy=compact,"
                + " but has "
                + t.partitions()
                + " partitions and cleanup.policy="
                + policy
                + "; fix it or choose another registry topic");
      }
    }
  }
}
