package dev.streamtune.events;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka {@link Serde} for generated Avro records in Confluent Schema Registry's wire format:
 * magic byte 0, 4-byte big-endian schema id, Avro binary. Bytes it writes decode in Confluent's
 * Java, Node (kafkajs with {@code @kafkajs/confluent-schema-registry}) and Python clients, and
 * theirs decode here.
 *
 * <pre>{@code
 * try (SchemaRegistry registry = new SchemaRegistryClient(RegistryConfig.from(source))) {
 *   Serde<LabelledImage> serde = ConfluentAvroSerde.of(LabelledImage.class, registry, config);
 * }
 * }</pre>
 *
 * @param <T> the generated record class
 */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final ConfluentAvroSerializer<T> serializer;
  private final ConfluentAvroDeserializer<T> deserializer;

  /**
   * @param type the generated class
   * @param registry where schema ids are registered and resolved
   * @param strategy how subjects are named
   * @param autoRegister register the schema when missing
   */
  public ConfluentAvroSerde(
      Class<T> type, SchemaRegistry registry, SubjectNameStrategy strategy, boolean autoRegister) {
    this.serializer = new ConfluentAvroSerializer<>(type, registry, strategy, autoRegister);
    this.deserializer = new ConfluentAvroDeserializer<>(type, registry);
  }

  /** A serde with the subject strategy and auto-register choice of a registry config. */
  public static <T extends SpecificRecord> ConfluentAvroSerde<T> of(
      Class<T> type, SchemaRegistry registry, RegistryConfig config) {
    return new ConfluentAvroSerde<>(
        type, registry, config.subjectStrategy(), config.autoRegister());
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
