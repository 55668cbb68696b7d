package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.digest.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Keras functional model in TF.js layers format ({@code model.json} plus binary weight shards),
 * with its weights dequantized to float32 and keyed by name (the manifest is not in network order).
 */
final class KerasLayersModel {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The last model read (immutable), since a training run builds several graphs from it. */
  private static final Map<String, KerasLayersModel> CACHE = new java.util.HashMap<>();

  /** One layer of the functional model, in the topological order of the config. */
  record Layer(String name, String className, JsonNode config, List<String> inbound) {}

  /** One weight tensor, row-major, float32. */
  record Weight(long[] shape, float[] values) {}

  private final List<Layer> layers;
  private final Map<String, Weight> weights;
  private final String digest;

  private KerasLayersModel(List<Layer> layers, Map<String, Weight> weights, String digest) {
    this.layers = layers;
    this.weights = weights;
    this.digest = digest;
  }

  /**
   * Reads {@code model.json} and its shards from a directory.
   *
   * @throws IllegalArgumentException naming the file when the model is not a layers model
   */
  static KerasLayersModel read(Path dir) {
    Path modelJson = dir.resolve("model.json");
    String key;
    try {
      key = modelJson.toAbsolutePath() + "@" + Files.getLastModifiedTime(modelJson).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the TF.js layers model in " + dir, e);
    }
    synchronized (CACHE) {
      KerasLayersModel cached = CACHE.get(key);
      if (cached == null) {
        cached = parse(dir, modelJson);
        CACHE.clear();
        CACHE.put(key, cached);
      }
      return cached;
    }
  }

  private static KerasLayersModel parse(Path dir, Path modelJson) {
    try {
      byte[] jsonBytes = Files.readAllBytes(modelJson);
      JsonNode root = JSON.readTree(jsonBytes);
      JsonNode config = root.path("modelTopology").path("model_config");
      if (!config.path("class_name").asText().equals("Model")
          && !config.path("class_name").asText().equals("Functional")) {
        throw new IllegalArgumentException(
            modelJson
                + " is not a Keras functional model (class_name "
                + config.path("class_name").asText()
                + ")");
      }
      MessageDigest sha = sha256();
      sha.update(jsonBytes);
      List<Layer> layers = new ArrayList<>();
      for (JsonNode l : config.path("config").path("layers")) {
        List<String> inbound = new ArrayList<>();
        for (JsonNode node : l.path("inbound_nodes")) {
          for (JsonNode in : node) {
            inbound.add(in.get(0).asText());
          }
        }
        layers.add(
            new Layer(
                l.get("name").asText(),
                l.get("class_name").asText(),
                l.path("config"),
                List.copyOf(inbound)));
      }
      Map<String, Weight> weights = new LinkedHashMap<>();
      for (JsonNode group : root.path("weightsManifest")) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (JsonNode p : group.path("paths")) {
          byte[] shard = Files.readAllBytes(dir.resolve(p.asText()));
          sha.update(shard);
          data.writeBytes(shard);
        }
        readGroup(
            group.path("weights"),
            ByteBuffer.wrap(data.toByteArray()).order(ByteOrder.LITTLE_ENDIAN),
            weights);
      }
      return new KerasLayersModel(
          List.copyOf(layers), weights, HexFormat.of().formatHex(sha.digest()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the TF.js layers model in " + dir, e);
    }
  }

  private static void readGroup(JsonNode specs, ByteBuffer buf, Map<String, Weight> out) {
    for (JsonNode spec : specs) {
      String name = spec.get("name").asText();
      long[] shape = new long[spec.get("shape").size()];
      int n = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = spec.get("shape").get(i).asLong();
        n *= (int) shape[i];
      }
      float[] v = new float[n];
      JsonNode q = spec.get("quantization");
      String dtype = q == null ? spec.path("dtype").asText("float32") : q.get("dtype").asText();
      if (q != null && dtype.equals("uint8")) {
        double scale = q.get("scale").asDouble();
        double min = q.get("min").asDouble();
        for (int i = 0; i < n; i++) {
          v[i] = (float) ((buf.get() & 0xff) * scale + min);
        }
      } else if (q != null && dtype.equals("uint16")) {
        double scale = q.get("scale").asDouble();
        double min = q.get("min").asDouble();
        for (int i = 0; i < n; i++) {
          v[i] = (float) ((buf.getShort() & 0xffff) * scale + min);
        }
      } else if (dtype.equals("float32")) {
        buf.asFloatBuffer().get(v);
        buf.position(buf.position() + 4 * n);
      } else {
        throw new IllegalArgumentException(
            "Weight "
                + name
                + " has dtype "
                + dtype
                + "; supported: float32, and uint8 or uint16 quantization");
      }
      out.put(name, new Weight(shape, v));
    }
  }

  /** The layers in config order. */
  List<Layer> layers() {
    return layers;
  }

  /** A weight by its manifest name, such as {@code Conv1/kernel}. */
  Weight weight(String name) {
    Weight w = weights.get(name);
    if (w == null) {
      throw new IllegalArgumentException("The model has no weight named " + name);
    }
    return w;
  }

  /**
   * The same model with some weights replaced by value (same shapes), such as a fine-tuned top's;
   * its digest covers the replacements.
   *
   * @throws IllegalArgumentException naming a replacement the model has no weight for, or whose
   *     length differs from the original's
   */
  KerasLayersModel withWeights(Map<String, float[]> replaced) {
    if (replaced.isEmpty()) {
      return this;
    }
    Map<String, Weight> copy = new LinkedHashMap<>(weights);
    MessageDigest sha = sha256();
    sha.update(digest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (Map.Entry<String, float[]> e : new java.util.TreeMap<>(replaced).entrySet()) {
      Weight old = weight(e.getKey());
      if (old.values().length != e.getValue().length) {
        throw new IllegalArgumentException(
            "Weight "
                + e.getKey()
                + " has "
                + old.values().length
                + " values; the "
                + "replacement has "
                + e.getValue().length);
      }
      copy.put(e.getKey(), new Weight(old.shape(), e.getValue()));
      sha.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      ByteBuffer bytes =
          ByteBuffer.allocate(4 * e.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(e.getValue());
      sha.update(bytes.array());
    }
    return new KerasLayersModel(layers, copy, HexFormat.of().formatHex(sha.digest()));
  }

  /** Whether a weight exists. */
  boolean hasWeight(String name) {
    return weights.containsKey(name);
  }

  /** sha256 over model.json and the shards, in manifest order. */
  String digest() {
    return digest;
  }

  static MessageDigest sha256() {
    return Sha256.digest();
  }
}
