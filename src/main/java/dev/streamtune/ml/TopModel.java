package dev.streamtune.ml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fine-tuned top: the base model's layers above {@code cut} with their trained weights, and a
 * linear {@link Head} on the pooled output of {@code head.featureLayer()} (such as {@code
 * out_relu}). Layers below the cut, and BatchNormalization statistics, keep the base model's
 * weights; {@code weights} holds only what training changed, by manifest name.
 *
 * <p>{@link #weightsBytes()} is the {@code top.bin} artifact beside {@code head.json}, in the
 * layout of {@code WeightFile} with the header {@code
 * {"format":"streamtune-top/1","cut":…,"weights":[…]}}.
 *
 * @param cut the layer below which the network is frozen
 * @param weights trained weights by name
 * @param head the head on the pooled top
 */
public record TopModel(String cut, Map<String, float[]> weights, Head head) {
  private static final String FORMAT = "streamtune-top/1";

  /** Copies the map, keeping its order. */
  public TopModel {
    weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
  }

  /** The weights as the {@code top.bin} artifact. */
  public byte[] weightsBytes() {
    return WeightFile.write(WeightFile.header(FORMAT).put("cut", cut), weights);
  }

  /**
   * Reads {@code top.bin} bytes back, with the head stored beside them.
   *
   * @throws IllegalArgumentException if the bytes are not a top's weights
   */
  public static TopModel fromBytes(byte[] bytes, Head head) {
    WeightFile.Contents c = WeightFile.read(bytes, FORMAT, "a top's weights");
    return new TopModel(c.header().path("cut").asText(), c.arrays(), head);
  }

  /** The same top with another head (such as one grown with {@link Head#withLabels}). */
  public TopModel withHead(Head newHead) {
    return new TopModel(cut, weights, newHead);
  }
}
