package dev.streamtune.ml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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

  /**
   * The weights {@code this + share·(toward − this)}, tensor by tensor, the head's parameters too
   * (the head's labels and z-score are this one's): weight-space interpolation between two tops of
   * one lineage, such as a warm start's candidate and its parent, which usually keeps most of what
   * the candidate learnt and loses the noise of its last steps (WiSE-FT). A weight only one of them
   * holds is taken from the one that has it.
   *
   * @param toward a top with the same cut and head shapes
   * @param share 0 gives this top, 1 gives {@code toward}'s weights
   * @throws IllegalArgumentException if the cuts or a tensor's size differ
   */
  public TopModel interpolate(TopModel toward, double share) {
    if (!cut.equals(toward.cut())) {
      throw new IllegalArgumentException("Cuts differ: " + cut + " and " + toward.cut());
    }
    Map<String, float[]> mixed = new LinkedHashMap<>(toward.weights());
    weights.forEach((name, w) -> mixed.put(name, mix(name, w, toward.weights().get(name), share)));
    List<float[]> params = new ArrayList<>();
    for (int i = 0; i < head.params().size(); i++) {
      params.add(mix("head", head.params().get(i), toward.head().params().get(i), share));
    }
    return new TopModel(cut, mixed, head.withParams(params));
  }

  private static float[] mix(String name, float[] from, float[] to, double share) {
    if (to == null) {
      return from;
    }
    if (to.length != from.length) {
      throw new IllegalArgumentException(
          name + " has " + from.length + " values in one top and " + to.length + " in the other");
    }
    float[] out = new float[from.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (from[i] + share * (to[i] - from[i]));
    }
    return out;
  }

  /** The same top with another head (such as one grown with {@link Head#withLabels}). */
  public TopModel withHead(Head newHead) {
    return new TopModel(cut, weights, newHead);
  }
}
