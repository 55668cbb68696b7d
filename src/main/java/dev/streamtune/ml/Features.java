package dev.streamtune.ml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the backbone says about one image: the globally pooled activations of each candidate layer,
 * and the probabilities of the base model's own head.
 *
 * @param layers pooled vector per candidate layer, in the backbone's order
 * @param logits the base model's own class probabilities (empty if it has no head)
 */
public record Features(Map<String, float[]> layers, float[] logits) {
  /** Keeps the layer order. */
  public Features {
    layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
  }

  /** The vector of one layer. */
  public float[] layer(String name) {
    float[] v = layers.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "No features for layer " + name + "; have " + layers.keySet());
    }
    return v;
  }
}
