package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.events.MalformedPayloadException.Reason;
import dev.streamtune.events.registry.LocalSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
  private static final String TOPIC = "images.labelled";
  private final LocalSchemaRegistry registry = LocalSchemaRegistry.inMemory();
  private final ConfluentAvroSerde<LabelledImage> serde =
      new ConfluentAvroSerde<>(LabelledImage.class, registry, SubjectNameStrategy.TOPIC_NAME, true);

  @Test
  void encodesByteForByteAsTheNodeClientDoes() throws IOException {
    byte[] golden;
    try (InputStream in =
        getClass().getResourceAsStream("/golden/labelled-image-schema-id-1.hex")) {
      golden =
          HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
    }
    byte[] ours = serde.serializer().serialize(TOPIC, InteropFixture.event());
    assertThat(registry.latest(TOPIC + "-value").id()).isEqualTo(1);
    assertThat(HexFormat.of().formatHex(ours)).isEqualTo(HexFormat.of().formatHex(golden));
    assertSameEvent(serde.deserializer().deserialize(TOPIC, golden), InteropFixture.event());
  }

  /** Avro's record equality is sensitive to map order, which decoding does not keep. */
  static void assertSameEvent(LabelledImage actual, LabelledImage expected) {
    assertThat(actual.getAttributes()).isEqualTo(expected.getAttributes());
    actual.setAttributes(expected.getAttributes());
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void writesTheWireHeaderAndRegistersTheAvscText() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    assertThat(bytes[0]).isZero();
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.schemaById(id))
        .isEqualTo(new Schema.Parser().parse(EventSchemas.text(LabelledImage.class)));
    assertThat(registry.subjects()).containsExactly("images.labelled-value");
  }

  @Test
  void lookupOnlyModeFailsClearlyWhenTheSchemaIsNotRegistered() {
    var lookupOnly =
        new ConfluentAvroSerializer<>(
            LabelledImage.class, registry, SubjectNameStrategy.TOPIC_NAME, false);
    assertThatThrownBy(() -> lookupOnly.serialize(TOPIC, InteropFixture.event()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessageContaining("images.labelled-value");
    serde.serializer().serialize(TOPIC, InteropFixture.event());
    assertThat(lookupOnly.serialize(TOPIC, InteropFixture.event())).isNotEmpty();
  }

  @Test
  void recordNameStrategyUsesTheFullName() {
    var s =
        new ConfluentAvroSerializer<>(
            LabelledImage.class, registry, SubjectNameStrategy.RECORD_NAME, true);
    s.serialize(TOPIC, InteropFixture.event());
    assertThat(registry.subjects()).containsExactly("dev.streamtune.events.LabelledImage");
  }

  @Test
  void readsDataWrittenWithAnOlderSchemaFillingTheDefault() throws IOException {
    Schema full = EventSchemas.schema(LabelledImage.class);
    Schema older = withoutField(full, "attributes");
    int olderId = registry.register("images.labelled-value", older.toString());
    GenericRecord image = new GenericData.Record(full.getField("image").schema().getTypes().get(0));
    image.put("data", ByteBuffer.wrap(InteropFixture.IMAGE));
    image.put("contentType", "image/png");
    GenericRecord old = new GenericData.Record(older);
    old.put("eventId", "evt-old");
    old.put("modelId", "shapes");
    old.put("label", "square");
    old.put("image", image);
    old.put("capturedAt", 1767225600000L);

    LabelledImage read = serde.deserializer().deserialize(TOPIC, wire(olderId, older, old));

    assertThat(read.getEventId()).isEqualTo("evt-old");
    assertThat(read.getLabel()).isEqualTo("square");
    assertThat(read.getCapturedAt()).isEqualTo(Instant.ofEpochMilli(1767225600000L));
    assertThat(read.getAttributes()).isEqualTo(Map.of());
    assertThat(read.getImage()).isInstanceOf(InlineImage.class);
  }

  @Test
  void emptyPayload() {
    assertReason(new byte[0], Reason.EMPTY);
  }

  @Test
  void oneByte() {
    assertReason(new byte[] {0}, Reason.TRUNCATED_HEADER);
  }

  @Test
  void fourBytes() {
    assertReason(new byte[] {0, 0, 0, 1}, Reason.TRUNCATED_HEADER);
  }

  @Test
  void wrongMagicByte() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    bytes[0] = 1;
    assertReason(bytes, Reason.WRONG_MAGIC_BYTE);
  }

  @Test
  void unknownSchemaId() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    ByteBuffer.wrap(bytes).putInt(1, 4242);
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            MalformedPayloadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
              assertThat(e.schemaId()).isEqualTo(4242);
            });
  }

  @Test
  void truncatedAvroBody() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    for (int cut : new int[] {6, bytes.length / 2, bytes.length - 1}) {
      assertReason(Arrays.copyOf(bytes, cut), Reason.TRUNCATED_BODY);
    }
  }

  @Test
  void trailingBytesAreCorrupt() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    assertReason(Arrays.copyOf(bytes, bytes.length + 3), Reason.CORRUPT_BODY);
  }

  @Test
  void badUnionIndexIsCorrupt() {
    byte[] bytes = serde.serializer().serialize(TOPIC, InteropFixture.event());
    int unionAt = 5 + 1 + 8 + 1 + 6 + 1 + 6;
    assertThat(bytes[unionAt]).isZero();
    bytes[unionAt] = 0x0e;
    assertReason(bytes, Reason.CORRUPT_BODY);
  }

  @Test
  void absurdDeclaredLengthIsCorruptNotAnAllocation() {
    byte[] bytes = HexFormat.of().parseHex("0000000001" + "feffffff0f");
    serde.serializer().serialize(TOPIC, InteropFixture.event());
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            MalformedPayloadException.class,
            e -> assertThat(e.kind()).isIn(Reason.CORRUPT_BODY, Reason.TRUNCATED_BODY));
  }

  @Test
  void aDeclaredLengthPastTheEndIsRefusedWithoutAllocatingIt() {
    serde.serializer().serialize(TOPIC, InteropFixture.event());
    long length = 15L << 20;
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    b.writeBytes(HexFormat.of().parseHex("0000000001"));
    for (long z = length << 1; ; z >>>= 7) {
      if ((z & ~0x7FL) == 0) {
        b.write((int) z);
        break;
      }
      b.write((int) ((z & 0x7F) | 0x80));
    }
    b.writeBytes(new byte[] {'a', 'b', 'c'});
    byte[] bytes = b.toByteArray();
    var threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    assertReason(bytes, Reason.TRUNCATED_BODY);
    long before = threads.getCurrentThreadAllocatedBytes();
    assertReason(bytes, Reason.TRUNCATED_BODY);
    assertThat(threads.getCurrentThreadAllocatedBytes() - before)
        .as("bytes allocated")
        .isLessThan(1L << 20);
  }

  @Test
  void writerSchemaOfAnotherTypeIsIncompatible() throws IOException {
    Schema other =
        SchemaBuilder.record("Other").namespace("x").fields().requiredLong("n").endRecord();
    int id = registry.register("other-value", other.toString());
    GenericRecord r = new GenericData.Record(other);
    r.put("n", 7L);
    assertReason(wire(id, other, r), Reason.INCOMPATIBLE_SCHEMA);
  }

  @Test
  void nullIsATombstone() {
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
  }

  @Test
  void malformedPayloadsAreDeadLettered() {
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {7}))
        .satisfies(
            e -> assertThat(Failures.classify(e)).isEqualTo(Failures.Disposition.DEAD_LETTER));
  }

  private void assertReason(byte[] bytes, Reason reason) {
    assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
        .isInstanceOfSatisfying(
            MalformedPayloadException.class, e -> assertThat(e.kind()).isEqualTo(reason))
        .hasMessageStartingWith(reason.name());
  }

  private static Schema withoutField(Schema full, String drop) {
    var fields =
        full.getFields().stream()
            .filter(f -> !f.name().equals(drop))
            .map(f -> new Schema.Field(f, f.schema()))
            .toList();
    return Schema.createRecord(full.getName(), full.getDoc(), full.getNamespace(), false, fields);
  }

  private static byte[] wire(int id, Schema schema, GenericRecord record) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, enc);
    enc.flush();
    return out.toByteArray();
  }
}
