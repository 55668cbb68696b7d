package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one layout of Streamtune's named float arrays ({@code top.bin}, {@code optimizer.bin}): a
 * 4-byte little-endian header length, a UTF-8 JSON header ({@code {"format":…, …,
 * "weights":[{"name":…,"length":…},…]}}), then the values as little-endian float32 in header order.
 */
final class WeightFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private WeightFile() {}

  /**
   * A file read back.
   *
   * @param header the JSON header, with the format and any fields the writer added
   * @param arrays the arrays by name, in file order
   */
  record Contents(JsonNode header, Map<String, float[]> arrays) {}

  /** A header of {@code format}, to which a writer adds its own fields. */
  static ObjectNode header(String format) {
    return JSON.createObjectNode().put("format", format);
  }

  /** The bytes of {@code arrays} under {@code header}. */
  static byte[] write(ObjectNode header, Map<String, float[]> arrays) {
    var list = header.putArray("weights");
    long total = 0;
    for (Map.Entry<String, float[]> e : arrays.entrySet()) {
      list.addObject().put("name", e.getKey()).put("length", e.getValue().length);
      total += e.getValue().length;
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    long size = 4L + h.length + 4 * total;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("Weights of " + size + " bytes do not fit one file");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(h.length).put(h);
    int pos = 4 + h.length;
    for (float[] v : arrays.values()) {
      buf.position(pos);
      buf.asFloatBuffer().put(v);
      pos += 4 * v.length;
    }
    return buf.array();
  }

  /**
   * Reads bytes of {@code format}.
   *
   * @param what what the bytes should be, for messages ("a top's weights")
   * @throws IllegalArgumentException if they are not
   */
  static Contents read(byte[] bytes, String format, String what) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int n = buf.getInt();
      if (n < 2 || n > bytes.length - 4) {
        throw new IllegalArgumentException("Not " + what + ": header length " + n);
      }
      JsonNode header = JSON.readTree(new String(bytes, 4, n, StandardCharsets.UTF_8));
      if (!format.equals(header.path("format").asText())) {
        throw new IllegalArgumentException("Not " + what + ": format " + header.path("format"));
      }
      buf.position(4 + n);
      Map<String, float[]> arrays = new LinkedHashMap<>();
      for (JsonNode spec : header.path("weights")) {
        int length = spec.get("length").asInt();
        if (length < 0 || buf.remaining() < 4L * length) {
          throw new IllegalArgumentException(
              what.substring(0, 1).toUpperCase(java.util.Locale.ROOT)
                  + what.substring(1)
                  + " truncated at "
                  + spec.get("name").asText());
        }
        float[] v = new float[length];
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + 4 * length);
        arrays.put(spec.get("name").asText(), v);
      }
      return new Contents(header, arrays);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Not " + what + ": " + e, e);
    }
  }
}
