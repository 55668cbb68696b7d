package dev.streamtune.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary without a registry, for Streamtune's own internal topics (repartitions,
 * changelogs), which only the same version of the same app reads; external topics use {@link
 * ConfluentAvroSerde}.
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;

  /** A serde for a generated class. */
  public AvroBinarySerde(Class<T> type) {
    var schema = SpecificData.getForClass(type).getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema);
    this.reader = new SpecificDatumReader<>(schema);
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(data, enc);
        enc.flush();
        return out.toByteArray();
      } catch (IOException e) {
        throw new SerializationException("Cannot encode for " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> {
      if (data == null) {
        return null;
      }
      try {
        return reader.read(null, DecoderFactory.get().binaryDecoder(data, null));
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("Cannot decode a record of " + topic, e);
      }
    };
  }
}
