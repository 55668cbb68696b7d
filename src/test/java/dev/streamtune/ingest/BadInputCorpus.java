package dev.streamtune.ingest;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.image.PngHeaders;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A generated corpus of bad records for {@code images.labelled} (no blobs in the repository), each
 * with the dead-letter reason ingest must give it: random bytes, every wire-format fault, Avro with
 * absurd declared lengths and trailing bytes, another event type, truncated and corrupt JPEG, PNG
 * and GIF, a PNG declaring 50,000×50,000 pixels, a GIF of 10,000 frames, model ids and labels with
 * path tricks, control characters, non-ASCII and 65 characters, and ImageRefs outside the allowed
 * buckets, to {@code http://} and {@code file://}, to missing objects or with a wrong sha256.
 * Deterministic for a seed.
 */
final class BadInputCorpus {
  /**
   * Where the corpus's ImageRefs to existing objects point; the caller stores {@link #REF_OBJECT}
   * there.
   */
  static final String REF_KEY = "uploads/corpus/existing.png";

  static final byte[] REF_OBJECT = png(new Random(7), 8, 8);

  /**
   * One bad record.
   *
   * @param kind what is wrong, for messages
   * @param value the record value as sent
   * @param reason the {@code streamtune.reason} header the dead letter must carry
   */
  record Case(String kind, byte[] value, String reason) {}

  private final ConfluentAvroSerde<LabelledImage> serde;
  private final ConfluentAvroSerde<TrainingRequest> other;
  private final String topic;
  private final String bucket;
  private final Random r;
  private int n;

  BadInputCorpus(
      ConfluentAvroSerde<LabelledImage> serde,
      ConfluentAvroSerde<TrainingRequest> other,
      String topic,
      String bucket,
      long seed) {
    this.serde = serde;
    this.other = other;
    this.topic = topic;
    this.bucket = bucket;
    this.r = new Random(seed);
  }

  /** The whole corpus, over 1,000 records, in a seeded shuffle. */
  List<Case> generate() {
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[1 + r.nextInt(200)];
      r.nextBytes(b);
      b[0] = (byte) (1 + r.nextInt(255));
      out.add(new Case("random bytes", b, "WRONG_MAGIC_BYTE"));
    }
    for (int i = 0; i < 5; i++) {
      out.add(new Case("empty", new byte[0], "EMPTY"));
    }
    for (int i = 0; i < 50; i++) {
      byte[] b = good();
      b[0] = (byte) (1 + r.nextInt(255));
      out.add(new Case("wrong magic byte", b, "WRONG_MAGIC_BYTE"));
    }
    for (int i = 0; i < 20; i++) {
      out.add(new Case("truncated header", Arrays.copyOf(good(), 1 + i % 4), "TRUNCATED_HEADER"));
    }
    for (int i = 0; i < 50; i++) {
      byte[] b = good();
      ByteBuffer.wrap(b, 1, 4).putInt(1_000_000 + r.nextInt(1_000_000));
      out.add(new Case("unknown schema id", b, "UNKNOWN_SCHEMA_ID"));
    }
    for (int i = 0; i < 150; i++) {
      byte[] b = good();
      out.add(
          new Case(
              "truncated Avro body",
              Arrays.copyOf(b, 5 + r.nextInt(b.length - 5)),
              "TRUNCATED_BODY"));
    }
    for (int i = 0; i < 30; i++) {
      byte[] b = good();
      byte[] longer = Arrays.copyOf(b, b.length + 1 + r.nextInt(20));
      out.add(new Case("trailing bytes", longer, "CORRUPT_BODY"));
    }
    for (int i = 0; i < 20; i++) {
      TrainingRequest req =
          TrainingRequest.newBuilder()
              .setRequestId("r" + i)
              .setModelId("m")
              .setNewExamples(i)
              .setReason(TrainingReason.MANUAL)
              .setRequestedAt(Instant.EPOCH)
              .build();
      out.add(
          new Case(
              "another event type",
              other.serializer().serialize("training.requests", req),
              "INCOMPATIBLE_SCHEMA"));
    }
    for (int i = 0; i < 50; i++) {
      byte[] b = good();
      long length = i % 2 == 0 ? 2_000_000_000L + r.nextInt(1000) : -(1 + r.nextInt(1000));
      byte[] absurd = concat(Arrays.copyOf(b, 5), zigzagVarint(length), new byte[] {1, 2, 3});
      out.add(
          new Case(
              "absurd declared length", absurd, length < 0 ? "CORRUPT_BODY" : "TRUNCATED_BODY"));
    }
    images(out);
    names(out);
    refs(out);
    java.util.Collections.shuffle(out, r);
    return out;
  }

  private void images(List<Case> out) {
    for (int i = 0; i < 60; i++) {
      byte[] p = png(r, 8 + r.nextInt(16), 8 + r.nextInt(16));
      out.add(
          inline(
              "truncated PNG",
              Arrays.copyOf(p, 40 + r.nextInt(p.length - 45)),
              "image/png",
              "CORRUPT_IMAGE"));
    }
    for (int i = 0; i < 60; i++) {
      byte[] j = encode(image(r, 16 + r.nextInt(32), 16 + r.nextInt(32)), "jpeg");
      out.add(
          inline(
              "truncated JPEG",
              Arrays.copyOf(j, j.length / 2 + r.nextInt(j.length / 2 - 2)),
              "image/jpeg",
              "CORRUPT_IMAGE"));
    }
    for (int i = 0; i < 40; i++) {
      byte[] g = encode(image(r, 8 + r.nextInt(16), 8 + r.nextInt(16)), "gif");
      out.add(
          inline(
              "truncated GIF",
              Arrays.copyOf(g, 30 + r.nextInt(g.length - 31)),
              "image/gif",
              "CORRUPT_IMAGE"));
    }
    for (int i = 0; i < 40; i++) {
      byte[] p = png(r, 8 + r.nextInt(16), 8 + r.nextInt(16));
      p[40 + r.nextInt(p.length - 52)] ^= (byte) (1 + r.nextInt(255));
      out.add(inline("corrupt PNG (a flipped byte)", p, "image/png", "CORRUPT_IMAGE"));
    }
    for (int i = 0; i < 30; i++) {
      byte[] b = new byte[20 + r.nextInt(200)];
      r.nextBytes(b);
      b[0] = 0x13;
      out.add(inline("random bytes called a PNG", b, "image/png", "UNSUPPORTED_CONTENT_TYPE"));
    }
    for (int i = 0; i < 10; i++) {
      out.add(
          inline(
              "PNG declaring 50,000x50,000",
              PngHeaders.declaring(50_000 + i, 50_000),
              "image/png",
              "TOO_MANY_PIXELS"));
    }
    for (int i = 0; i < 5; i++) {
      out.add(
          inline("GIF of 10,000 frames", gifOfFrames(10_000 + i), "image/gif", "TOO_MANY_FRAMES"));
    }
    for (int i = 0; i < 20; i++) {
      out.add(inline("PNG called a JPEG", png(r, 8, 8 + i), "image/jpeg", "CONTENT_TYPE_MISMATCH"));
    }
  }

  private void names(List<Case> out) {
    List<String> bad =
        List.of(
            "../x",
            "a/b",
            "",
            "x".repeat(65),
            "ctl\u0001",
            "new\nline",
            "caf\u00e9",
            "\u4e2d",
            ".hidden",
            "a b");
    for (int round = 0; round < 5; round++) {
      for (String name : bad) {
        byte[] img = png(r, 8, 8);
        out.add(
            new Case(
                "model id " + printable(name),
                bytes(event(name, "cat", img, "image/png")),
                "BAD_MODEL_ID"));
        out.add(
            new Case(
                "label " + printable(name),
                bytes(event("m", name, img, "image/png")),
                "BAD_LABEL"));
      }
    }
  }

  private void refs(List<Case> out) {
    String sha = Validator.sha256(REF_OBJECT);
    List<String[]> cases =
        List.of(
            new String[] {"s3://elsewhere/x.png", sha, "REF_NOT_ALLOWED"},
            new String[] {"http://" + bucket + ".example/" + REF_KEY, sha, "REF_NOT_ALLOWED"},
            new String[] {"file:///etc/passwd", sha, "REF_NOT_ALLOWED"},
            new String[] {"::not a uri::", sha, "REF_NOT_ALLOWED"},
            new String[] {"s3://" + bucket + "/uploads/corpus/missing.png", sha, "REF_MISSING"},
            new String[] {"s3://" + bucket + "/" + REF_KEY, "0".repeat(64), "REF_SHA_MISMATCH"},
            new String[] {"s3://" + bucket + "/" + REF_KEY, "f".repeat(64), "REF_SHA_MISMATCH"},
            new String[] {
              "s3://" + bucket + "/" + REF_KEY,
              (sha.charAt(0) == '0' ? "1" : "0") + sha.substring(1),
              "REF_SHA_MISMATCH"
            });
    for (int round = 0; round < 10; round++) {
      for (String[] c : cases) {
        LabelledImage e =
            LabelledImage.newBuilder()
                .setEventId("bad-" + n++)
                .setModelId("m")
                .setLabel("cat")
                .setImage(
                    dev.streamtune.events.ImageRef.newBuilder()
                        .setUri(c[0])
                        .setSha256(c[1])
                        .setContentType("image/png")
                        .build())
                .setCapturedAt(Instant.EPOCH)
                .build();
        out.add(new Case("ImageRef " + c[0], bytes(e), c[2]));
      }
    }
  }

  /** The serialized bytes of a good event, to damage. */
  private byte[] good() {
    return bytes(event("m", "cat", png(r, 8, 8), "image/png"));
  }

  private Case inline(String kind, byte[] image, String contentType, String reason) {
    return new Case(kind, bytes(event("m", "cat", image, contentType)), reason);
  }

  private LabelledImage event(String model, String label, byte[] image, String contentType) {
    return IngestTopologyTest.event("bad-" + n++, model, label, image, contentType);
  }

  private byte[] bytes(LabelledImage e) {
    return serde.serializer().serialize(topic, e);
  }

  /** A small random PNG. */
  static byte[] png(Random r, int w, int h) {
    return encode(image(r, w, h), "png");
  }

  private static BufferedImage image(Random r, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(img, format, b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A whole GIF of {@code frames} 1×1 frames. */
  static byte[] gifOfFrames(int frames) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(
        new byte[] {
          'G',
          'I',
          'F',
          '8',
          '9',
          'a',
          1,
          0,
          1,
          0,
          (byte) 0x80,
          0,
          0,
          0,
          0,
          0,
          (byte) 0xff,
          (byte) 0xff,
          (byte) 0xff
        });
    byte[] frame = {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0};
    for (int i = 0; i < frames; i++) {
      b.writeBytes(frame);
    }
    b.write(0x3B);
    return b.toByteArray();
  }

  private static byte[] zigzagVarint(long v) {
    long z = (v << 1) ^ (v >> 63);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      b.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    b.write((int) z);
    return b.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            c ->
                b.append(
                    c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return b.append('"').toString();
  }
}
