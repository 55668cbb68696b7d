package dev.streamtune.events;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.streamtune.events.registry.LocalSchemaRegistry;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

/**
 * Fuzzes the Confluent wire-format decoder: whatever the bytes, it returns an event or throws
 * {@link MalformedPayloadException} (which ingest dead-letters); any other exception, a hang or
 * running out of memory is a finding. Without {@code JAZZER_FUZZ} this runs the seeds under {@code
 * src/test/resources/dev/streamtune/events/WireFormatFuzzTestInputs/} as a regression test; {@code
 * JAZZER_FUZZ=1 mvn test -Dtest=WireFormatFuzzTest} fuzzes for {@code maxDuration} (CI does, see
 * {@code .ci/run}).
 */
class WireFormatFuzzTest {
  private static final ConfluentAvroSerde<LabelledImage> SERDE = serde();

  private static ConfluentAvroSerde<LabelledImage> serde() {
    ConfluentAvroSerde<LabelledImage> s =
        new ConfluentAvroSerde<>(
            LabelledImage.class,
            LocalSchemaRegistry.inMemory(),
            SubjectNameStrategy.TOPIC_NAME,
            true);
    s.serializer()
        .serialize(
            "images.labelled",
            LabelledImage.newBuilder()
                .setEventId("e")
                .setModelId("m")
                .setLabel("l")
                .setImage(new InlineImage(ByteBuffer.wrap(new byte[] {1}), "image/png"))
                .setCapturedAt(Instant.EPOCH)
                .setAttributes(Map.of())
                .build());
    return s;
  }

  @FuzzTest(maxDuration = "60s")
  void decodesOrRefusesAsMalformed(byte[] data) {
    try {
      SERDE.deserializer().deserialize("images.labelled", data);
    } catch (MalformedPayloadException expected) {
      // bad data, dead-lettered with its reason
    }
  }
}
