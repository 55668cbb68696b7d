package dev.streamtune.ingest;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What an upstream app does with the events {@link DatasetPublisher} makes: sends each {@code
 * LabelledImage} to {@code images.labelled}, keyed by model id, with an idempotent producer and the
 * registry's wire format. Close it to flush and release the producer and the registry client.
 */
public final class EventSender implements AutoCloseable {
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, LabelledImage> producer;
  private final String topic;

  /** Opens a sender to {@code topic}. */
  public EventSender(KafkaConfig kafka, RegistryConfig registryConfig, String topic) {
    Map<String, Object> props = kafka.idempotentProducerProps();
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    this.registry = new SchemaRegistryClient(registryConfig);
    this.producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig).serializer());
    this.topic = topic;
  }

  /** Sends one event, asynchronously. */
  public void send(LabelledImage e) {
    producer.send(new ProducerRecord<>(topic, e.getModelId(), e));
  }

  /** Waits until every event sent so far is acknowledged. */
  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
    registry.close();
  }
}
