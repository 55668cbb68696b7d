package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fine-tuned top: the base model's layers above {@code cut} with their trained weights, and a
 * linear {@link Head} on the pooled output of {@code head.featureLayer()} (such as {@code
 * out_relu}). Layers below the cut, and BatchNormalization statistics, keep the base model's
 * weights; {@code weights} holds only what training changed, by manifest name.
 *
 * <p>{@link #weightsBytes()} is the {@code top.bin} artifact beside {@code head.json}: a 4-byte
 * little-endian header length, a UTF-8 JSON header ({@code
 * {"format":"streamtune-top/1","cut":…,"weights":[{"name":…,"length":…},…]}}), then the values as
 * little-endian float32 in header order.
 *
 * @param cut the layer below which the network is frozen
 * @param weights trained weights by name
 * @param head the head on the pooled top
 */
public record TopModel(String cut, Map<String, float[]> weights, Head head) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORMAT = "streamtune-top/1";

  /** Copies the map, keeping its order. */
  public TopModel {
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** The weights as the {@code top.bin} artifact. */
  public byte[] weightsBytes() {
    ObjectNode header = JSON.createObjectNode().put("format", FORMAT).put("cut", cut);
    var list = header.putArray("weights");
    int total = 0;
    for (Map.Entry<String, float[]> e : weights.entrySet()) {
      list.addObject().put("name", e.getKey()).put("length", e.getValue().length);
      total += e.getValue().length;
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(4 + h.length + 4 * total).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(h.length).put(h);
    int pos = 4 + h.length;
    for (float[] v : weights.values()) {
      buf.position(pos);
      buf.asFloatBuffer().put(v);
      pos += 4 * v.length;
    }
    return buf.array();
  }

  /**
   * Reads {@code top.bin} bytes back, with the head stored beside them.
   *
   * @throws IllegalArgumentException if the bytes are not a top's weights
   */
  public static TopModel fromBytes(byte[] bytes, Head head) {
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      int n = buf.getInt();
      if (n < 2 || n > bytes.length - 4) {
        throw new IllegalArgumentException("Not a top's weights: header length " + n);
      }
      JsonNode header = JSON.readTree(new String(bytes, 4, n, StandardCharsets.UTF_8));
      if (!FORMAT.equals(header.path("format").asText())) {
        throw new IllegalArgumentException("Not a top's weights: format " + header.path("format"));
      }
      buf.position(4 + n);
      Map<String, float[]> w = new LinkedHashMap<>();
      for (JsonNode spec : header.path("weights")) {
        float[] v = new float[spec.get("length").asInt()];
        if (buf.remaining() < 4L * v.length) {
          throw new IllegalArgumentException(
              "Top weights truncated at " + spec.get("name").asText());
        }
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + 4 * v.length);
        w.put(spec.get("name").asText(), v);
      }
      return new TopModel(header.get("cut").asText(), w, head);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("Not a top's weights: " + e, e);
    }
  }

  /** The same top with another head (such as one grown with {@link Head#withLabels}). */
  public TopModel withHead(Head newHead) {
    return new TopModel(cut, weights, newHead);
  }
}
