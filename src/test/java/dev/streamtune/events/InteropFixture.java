package dev.streamtune.events;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** The fixed event that {@code src/test/node/interop.mjs} also builds, field for field. */
public final class InteropFixture {
  /** The PNG signature and a few more bytes, including 0xfe 0xff. */
  public static final byte[] IMAGE = HexFormat.of().parseHex("89504e470d0a1a0a00010203feff");

  private InteropFixture() {}

  /** The event of {@code fixedEvent()} in interop.mjs. */
  public static LabelledImage event() {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("source", "node-app");
    attributes.put("device", "cam-7");
    return LabelledImage.newBuilder()
        .setEventId("evt-0001")
        .setModelId("shapes")
        .setLabel("circle")
        .setImage(
            InlineImage.newBuilder()
                .setData(ByteBuffer.wrap(IMAGE))
                .setContentType("image/png")
                .build())
        .setCapturedAt(Instant.ofEpochMilli(1767225600000L))
        .setAttributes(attributes)
        .build();
  }
}
