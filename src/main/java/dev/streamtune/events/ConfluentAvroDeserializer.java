package dev.streamtune.events;

import dev.streamtune.events.MalformedPayloadException.Reason;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format into a generated Avro class, resolving the writer's schema (fetched
 * by id and cached) into the reader class, so older and newer producers both decode.
 *
 * <p>Every way the bytes can be wrong is a {@link MalformedPayloadException} with its reason; a
 * registry that cannot be reached is a {@link SchemaRegistryException}, which is not bad data.
 * Thread-safe.
 */
public final class ConfluentAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
  private static final int HEADER = 5;
  private final SchemaRegistry registry;
  private final Class<T> type;
  private final Schema readerSchema;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  /**
   * @param type the generated class to read into
   * @param registry where writer schemas come from
   */
  public ConfluentAvroDeserializer(Class<T> type, SchemaRegistry registry) {
    this.type = type;
    this.registry = registry;
    this.readerSchema = SpecificData.getForClass(type).getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new MalformedPayloadException(Reason.EMPTY, -1, "the payload is empty", null);
    }
    if (data[0] != 0) {
      throw new MalformedPayloadException(
          Reason.WRONG_MAGIC_BYTE,
          -1,
          String.format(
              "first byte is 0x%02x, the Confluent wire format starts with 0x00", data[0]),
          null);
    }
    if (data.length < HEADER) {
      throw new MalformedPayloadException(
          Reason.TRUNCATED_HEADER,
          -1,
          "the payload has "
              + data.length
              + " bytes; the wire format needs 5 header bytes before the Avro body",
          null);
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    SpecificDatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, HEADER, data.length - HEADER, null);
    T value;
    try {
      AvroBounds.check(reader.getSchema(), data, HEADER);
    } catch (AvroBounds.Violation v) {
      throw new MalformedPayloadException(
          v.truncated ? Reason.TRUNCATED_BODY : Reason.CORRUPT_BODY,
          id,
          "the Avro body does not fit writer schema " + id + ": " + v.getMessage(),
          null);
    }
    try {
      value = reader.read(null, decoder);
    } catch (EOFException e) {
      throw new MalformedPayloadException(
          Reason.TRUNCATED_BODY,
          id,
          "the Avro body (" + (data.length - HEADER) + " bytes) ends early for writer schema " + id,
          e);
    } catch (RuntimeException | java.io.IOException e) {
      throw new MalformedPayloadException(
          Reason.CORRUPT_BODY,
          id,
          "the Avro body does not decode with writer schema " + id + ": " + e,
          e);
    }
    if (!isEnd(decoder)) {
      throw new MalformedPayloadException(
          Reason.CORRUPT_BODY,
          id,
          "bytes left over after the record decoded with writer schema " + id,
          null);
    }
    return value;
  }

  private static boolean isEnd(BinaryDecoder decoder) {
    try {
      return decoder.isEnd();
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private SpecificDatumReader<T> readerFor(int id) {
    Schema writer;
    try {
      writer = registry.schemaById(id);
    } catch (SchemaRegistryException e) {
      if (e.status() == 404) {
        throw new MalformedPayloadException(
            Reason.UNKNOWN_SCHEMA_ID, id, "the registry has no schema with id " + id, e);
      }
      throw e;
    }
    var result = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
    if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new MalformedPayloadException(
          Reason.INCOMPATIBLE_SCHEMA,
          id,
          "writer schema "
              + id
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + type.getName()
              + ": "
              + result.getResult().getIncompatibilities().stream()
                  .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                  .limit(5)
                  .toList(),
          null);
    }
    return new SpecificDatumReader<>(writer, readerSchema);
  }
}
