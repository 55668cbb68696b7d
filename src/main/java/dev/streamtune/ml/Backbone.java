package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A converted backbone on disk: a SavedModel for feature extraction (BatchNorm folded) and one with
 * the model's own variables for fine-tuning, plus what they output.
 *
 * <p>Its {@link #digest()} keys the feature cache: features from two backbones never mix.
 *
 * @param dir the conversion's directory
 * @param name a human name, such as {@code nsfwjs@4.4.0 mobilenet_v2}
 * @param digest sha256 of the source model, the converter version and the candidate layers
 * @param featureDims the candidate layers, in order, with the length of their pooled vectors
 * @param classNames the classes of the model's own head, in output order; empty if it has none
 */
public record Backbone(
    Path dir,
    String name,
    String digest,
    Map<String, Integer> featureDims,
    List<String> classNames) {
  /** The input side in pixels; images are resized to this square. */
  public static final int INPUT_SIZE = 224;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Copies the map, keeping its order. */
  public Backbone {
    featureDims = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(featureDims));
    classNames = List.copyOf(classNames);
  }

  /** The number of outputs of the model's own head. */
  public int classes() {
    return classNames.size();
  }

  /** The candidate layers, in order. */
  public List<String> featureLayers() {
    return new ArrayList<>(featureDims.keySet());
  }

  /** The folded SavedModel that feature extraction loads. */
  Path featuresModel() {
    return dir.resolve("features");
  }

  /** The SavedModel with the source model's variables, unfolded, for fine-tuning. */
  public Path trainableModel() {
    return dir.resolve("savedmodel");
  }

  /** Reads {@code backbone.json} from a conversion directory. */
  static Backbone read(Path dir) {
    try {
      JsonNode n = JSON.readTree(dir.resolve("backbone.json").toFile());
      Map<String, Integer> dims = new LinkedHashMap<>();
      n.get("featureDims")
          .fields()
          .forEachRemaining(e -> dims.put(e.getKey(), e.getValue().asInt()));
      List<String> classNames = new ArrayList<>();
      n.path("classNames").forEach(c -> classNames.add(c.asText()));
      return new Backbone(dir, n.get("name").asText(), n.get("digest").asText(), dims, classNames);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + dir.resolve("backbone.json"), e);
    }
  }

  /** Writes {@code backbone.json}. */
  void write() {
    var n =
        JSON.createObjectNode()
            .put("name", name)
            .put("digest", digest)
            .put("inputSize", INPUT_SIZE)
            .put(
                "preprocessing",
                "RGB, alpha dropped, /255, bilinear resize to 224 with alignCorners=true");
    classNames.forEach(n.putArray("classNames")::add);
    var dims = n.putObject("featureDims");
    featureDims.forEach(dims::put);
    try {
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("backbone.json").toFile(), n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
