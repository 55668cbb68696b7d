package dev.streamtune.ml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam's state after a fine-tuning run, kept with the weights (the {@code optimizer.bin} artifact
 * beside {@code top.bin}) so that the next warm start resumes it: with the moments of a converged
 * run, the first steps of a light epoch are as small as the gradients warrant, where fresh moments
 * move every weight by the whole learning rate (Adam's first step is {@code lr·sign(g)}).
 *
 * <p>The bytes are the {@code WeightFile} layout with the header {@code
 * {"format":"streamtune-adam/1","step":…,"weights":[{"name":"m/…"},{"name":"v/…"},…]}}.
 *
 * @param step the steps taken so far, for the bias correction of the next one
 * @param m the first moments by trainable weight name
 * @param v the second moments by trainable weight name
 */
public record AdamState(long step, Map<String, float[]> m, Map<String, float[]> v) {
  private static final String FORMAT = "streamtune-adam/1";

  /** Copies the maps, keeping their order; both must name the same weights. */
  public AdamState {
    if (step < 0 || !m.keySet().equals(v.keySet())) {
      throw new IllegalArgumentException(
          "Adam state needs a step ≥ 0 and both moments for the same weights: " + step);
    }
    m = Collections.unmodifiableMap(new LinkedHashMap<>(m));
    v = Collections.unmodifiableMap(new LinkedHashMap<>(v));
  }

  /** The state as the {@code optimizer.bin} artifact. */
  public byte[] toBytes() {
    Map<String, float[]> arrays = new LinkedHashMap<>();
    m.forEach((name, values) -> arrays.put("m/" + name, values));
    v.forEach((name, values) -> arrays.put("v/" + name, values));
    return WeightFile.write(WeightFile.header(FORMAT).put("step", step), arrays);
  }

  /**
   * Reads {@code optimizer.bin} bytes back.
   *
   * @throws IllegalArgumentException if they are not Adam's state
   */
  public static AdamState fromBytes(byte[] bytes) {
    WeightFile.Contents c = WeightFile.read(bytes, FORMAT, "Adam's state");
    Map<String, float[]> m = new LinkedHashMap<>();
    Map<String, float[]> v = new LinkedHashMap<>();
    c.arrays()
        .forEach(
            (name, values) -> {
              if (name.startsWith("m/")) {
                m.put(name.substring(2), values);
              } else if (name.startsWith("v/")) {
                v.put(name.substring(2), values);
              } else {
                throw new IllegalArgumentException("Not Adam's state: a weight named " + name);
              }
            });
    return new AdamState(c.header().path("step").asLong(-1), m, v);
  }
}
