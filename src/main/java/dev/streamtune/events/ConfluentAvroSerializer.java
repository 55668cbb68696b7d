package dev.streamtune.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a generated Avro record in Confluent's wire format: byte 0, the schema id as 4 bytes
 * big-endian, then the Avro binary encoding.
 *
 * <p>The schema id comes from registering (auto-register on) or looking up (off) the type's {@code
 * .avsc} text under the subject that the {@link SubjectNameStrategy} names; it is cached per
 * subject. Thread-safe.
 */
public final class ConfluentAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
  private final SchemaRegistry registry;
  private final SubjectNameStrategy strategy;
  private final boolean autoRegister;
  private final String schemaText;
  private final Schema schema;
  private final SpecificDatumWriter<T> writer;
  private final Map<String, Integer> idBySubject = new ConcurrentHashMap<>();
  private volatile boolean isKey;

  /**
   * @param type the generated class
   * @param registry where ids come from
   * @param strategy how subjects are named
   * @param autoRegister register the schema when missing (dev), or only look it up (production)
   */
  public ConfluentAvroSerializer(
      Class<T> type, SchemaRegistry registry, SubjectNameStrategy strategy, boolean autoRegister) {
    this.registry = registry;
    this.strategy = strategy;
    this.autoRegister = autoRegister;
    this.schemaText = EventSchemas.text(type);
    this.schema = EventSchemas.schema(type);
    this.writer = new SpecificDatumWriter<>(type);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    String subject = strategy.subject(topic, isKey, schema);
    int id = idBySubject.computeIfAbsent(subject, this::schemaId);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    try {
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      writer.write(data, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot encode " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(),
          e);
    }
    return out.toByteArray();
  }

  private int schemaId(String subject) {
    return autoRegister
        ? registry.register(subject, schemaText)
        : registry.lookup(subject, schemaText).id();
  }
}
