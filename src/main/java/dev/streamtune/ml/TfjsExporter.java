package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.ml.KerasLayersModel.Layer;
import dev.streamtune.ml.KerasLayersModel.Weight;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Exports a base model and a {@link Head} as one TF.js layers model, for browsers and Node: {@code
 * tf.loadLayersModel} takes images and returns class probabilities, as the SavedModel of {@link
 * ClassifierExporter} does.
 *
 * <p>The output directory gets {@code model.json} ({@code format: "layers-model"}, the Keras
 * functional model config in {@code modelTopology}, and {@code weightsManifest}) and one shard,
 * {@value #SHARD}, of little-endian float32 values. The topology is:
 *
 * <ol>
 *   <li>the base model's layers that the head's feature layer depends on (its ancestors and itself,
 *       in the original order, with their original configs); later layers, such as the base model's
 *       own head, are dropped, and the weights of the kept ones are written dequantized to float32
 *       under their original manifest names;
 *   <li>{@value #POOL}, a GlobalAveragePooling2D (the pooled features the head was trained on);
 *   <li>for an MLP head, {@value #HIDDEN}, a ReLU Dense layer;
 *   <li>{@value #OUTPUT}, a softmax Dense layer, whose outputs are in the order of {@link
 *       Head#labels()}.
 * </ol>
 *
 * <p>The head's z-score is folded into the first Dense layer, an exact identity up to float
 * rounding: {@code W'[i][j] = W[i][j] / std[i]} and {@code b'[j] = b[j] - Σ_i mean[i] / std[i] ·
 * W[i][j]}, computed in double precision and stored as float32. BatchNormalization stays unfolded,
 * as in the base model. The input is what {@link ClassifierExporter}'s takes: float32
 * [N,224,224,3], RGB scaled to [0,1] and resized bilinearly with {@code alignCorners=true}. The
 * labels, the feature layer and that input contract are also kept in {@code model.json}'s {@code
 * userDefinedMetadata}.
 */
public final class TfjsExporter {
  /** The weight shard's file name. */
  public static final String SHARD = "group1-shard1of1.bin";

  /** Name of the pooling layer after the feature layer. */
  public static final String POOL = "streamtune_pool";

  /** Name of the hidden Dense layer of an MLP head. */
  public static final String HIDDEN = "streamtune_hidden";

  /** Name of the softmax output layer. */
  public static final String OUTPUT = "streamtune_output";

  private static final ObjectMapper JSON = new ObjectMapper();

  private TfjsExporter() {}

  /**
   * Writes {@code model.json} and {@value #SHARD} into {@code outDir}, creating it if needed.
   *
   * @param baseModelDir the TF.js layers base model ({@code model.json} and its shards) whose
   *     conversion gave the head's features (a SavedModel base model cannot be exported this way)
   * @throws IllegalArgumentException if the head's feature layer is not in the base model, is not a
   *     4-D feature map, or has another width than {@code head.inputs()}
   */
  public static void export(Path baseModelDir, Head head, Path outDir) {
    export(baseModelDir, Map.of(), head, outDir);
  }

  /**
   * Writes a fine-tuned top as {@link #export(Path, Head, Path)} writes a head: the same topology,
   * with the top's trained weights in place of the base model's.
   */
  public static void export(Path baseModelDir, TopModel top, Path outDir) {
    export(baseModelDir, top.weights(), top.head(), outDir);
  }

  private static void export(
      Path baseModelDir, Map<String, float[]> tuned, Head head, Path outDir) {
    KerasLayersModel model = KerasLayersModel.read(baseModelDir).withWeights(tuned);
    List<Layer> kept = ancestors(model.layers(), head.featureLayer());
    int width = channels(model.layers(), head.featureLayer(), new HashMap<>());
    if (width != head.inputs()) {
      throw new IllegalArgumentException(
          "The base model's layer "
              + head.featureLayer()
              + " has "
              + width
              + " channels; the head takes "
              + head.inputs());
    }
    Set<String> keptNames = new HashSet<>();
    kept.forEach(l -> keptNames.add(l.name()));
    try {
      JsonNode source = JSON.readTree(baseModelDir.resolve("model.json").toFile());
      JsonNode config = source.path("modelTopology").path("model_config");
      ArrayNode layers = JSON.createArrayNode();
      config
          .path("config")
          .path("layers")
          .forEach(
              l -> {
                if (keptNames.contains(l.get("name").asText())) {
                  layers.add(l.deepCopy());
                }
              });
      layers.add(
          layer(
              POOL,
              "GlobalAveragePooling2D",
              head.featureLayer(),
              JSON.createObjectNode()
                  .put("name", POOL)
                  .put("trainable", true)
                  .put("data_format", "channels_last")));
      Map<String, Weight> weights = new LinkedHashMap<>();
      for (JsonNode group : source.path("weightsManifest")) {
        for (JsonNode spec : group.path("weights")) {
          String name = spec.get("name").asText();
          if (name.indexOf('/') > 0 && keptNames.contains(name.substring(0, name.indexOf('/')))) {
            weights.put(name, model.weight(name));
          }
        }
      }
      float[][] folded = fold(head);
      String first = head.hidden() > 0 ? HIDDEN : OUTPUT;
      layers.add(
          dense(
              first, POOL, head.hidden() > 0 ? "relu" : "softmax", head.inputs(), folded, weights));
      if (head.hidden() > 0) {
        float[][] second = {head.params().get(2), head.params().get(3)};
        layers.add(dense(OUTPUT, HIDDEN, "softmax", head.hidden(), second, weights));
      }

      ObjectNode root =
          JSON.createObjectNode()
              .put("format", "layers-model")
              .put("generatedBy", source.path("generatedBy").asText("keras"))
              .put("convertedBy", "streamtune TfjsExporter");
      ObjectNode topology =
          root.putObject("modelTopology")
              .put(
                  "keras_version",
                  source.path("modelTopology").path("keras_version").asText("2.2.4"))
              .put("backend", "tensorflow");
      ObjectNode c =
          topology
              .putObject("model_config")
              .put("class_name", config.path("class_name").asText())
              .putObject("config")
              .put("name", "streamtune_classifier");
      c.set("layers", layers);
      ArrayNode inputs = c.putArray("input_layers");
      config
          .path("config")
          .path("input_layers")
          .forEach(
              in -> {
                if (keptNames.contains(in.get(0).asText())) {
                  inputs.add(in.deepCopy());
                }
              });
      c.putArray("output_layers").addArray().add(OUTPUT).add(0).add(0);
      Files.createDirectories(outDir);
      ObjectNode group = root.putArray("weightsManifest").addObject();
      group.putArray("paths").add(SHARD);
      group.set("weights", writeShard(weights, outDir.resolve(SHARD)));
      ObjectNode meta =
          root.putObject("userDefinedMetadata")
              .put("featureLayer", head.featureLayer())
              .put(
                  "input",
                  "image: float32 [N,224,224,3], RGB /255, bilinear resize with alignCorners=true")
              .put("output", "probabilities: float32 [N,classes], in labels order");
      head.labels().forEach(meta.putArray("labels")::add);
      JSON.writeValue(outDir.resolve("model.json").toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export the TF.js model to " + outDir, e);
    }
  }

  /** The first Dense layer with the z-score folded in: {@code [kernel (inputs × units), bias]}. */
  static float[][] fold(Head head) {
    float[] w = head.params().get(0);
    float[] b = head.params().get(1);
    int units = b.length;
    float[] kernel = new float[w.length];
    float[] bias = new float[units];
    for (int j = 0; j < units; j++) {
      double sum = b[j];
      for (int i = 0; i < head.inputs(); i++) {
        double wij = w[i * units + j] / (double) head.std()[i];
        kernel[i * units + j] = (float) wij;
        sum -= head.mean()[i] * wij;
      }
      bias[j] = (float) sum;
    }
    return new float[][] {kernel, bias};
  }

  /** The layer named {@code target} and every layer it depends on, in the model's order. */
  static List<Layer> ancestors(List<Layer> layers, String target) {
    Map<String, Layer> byName = new HashMap<>();
    layers.forEach(l -> byName.put(l.name(), l));
    if (!byName.containsKey(target)) {
      throw new IllegalArgumentException(
          "The base model has no layer " + target + " to take features from");
    }
    Set<String> needed = new HashSet<>();
    List<String> todo = new ArrayList<>(List.of(target));
    while (!todo.isEmpty()) {
      String name = todo.remove(todo.size() - 1);
      if (needed.add(name)) {
        todo.addAll(byName.get(name).inbound());
      }
    }
    return layers.stream().filter(l -> needed.contains(l.name())).toList();
  }

  /** The channel count of a layer's 4-D output, inferred from the configs. */
  static int channels(List<Layer> layers, String name, Map<String, Integer> memo) {
    Integer known = memo.get(name);
    if (known != null) {
      return known;
    }
    Layer l = layers.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
    JsonNode c = l.config();
    int n =
        switch (l.className()) {
          case "InputLayer" -> {
            if (c.path("batch_input_shape").size() != 4) {
              throw notAFeatureMap(l);
            }
            yield c.get("batch_input_shape").get(3).asInt();
          }
          case "Conv2D", "SeparableConv2D", "Conv2DTranspose" -> c.get("filters").asInt();
          case "DepthwiseConv2D" ->
              channels(layers, l.inbound().get(0), memo) * c.path("depth_multiplier").asInt(1);
          case "Concatenate" ->
              l.inbound().stream().mapToInt(in -> channels(layers, in, memo)).sum();
          case "BatchNormalization",
              "ReLU",
              "Activation",
              "Add",
              "Multiply",
              "Average",
              "Maximum",
              "Dropout",
              "ZeroPadding2D",
              "AveragePooling2D",
              "MaxPooling2D",
              "LeakyReLU",
              "PReLU",
              "UpSampling2D" ->
              channels(layers, l.inbound().get(0), memo);
          default -> throw notAFeatureMap(l);
        };
    memo.put(name, n);
    return n;
  }

  private static IllegalArgumentException notAFeatureMap(Layer l) {
    return new IllegalArgumentException(
        "Layer "
            + l.name()
            + " is a "
            + l.className()
            + ": the head's feature layer must be a 4-D feature map of convolutional layers, to be pooled");
  }

  private static ObjectNode layer(
      String name, String className, String inbound, ObjectNode config) {
    ObjectNode l = JSON.createObjectNode().put("name", name).put("class_name", className);
    l.set("config", config);
    l.putArray("inbound_nodes").addArray().addArray().add(inbound).add(0).add(0).addObject();
    return l;
  }

  /** A Dense layer reading {@code inbound}; its {@code [kernel, bias]} go into {@code weights}. */
  private static ObjectNode dense(
      String name,
      String inbound,
      String activation,
      int inputs,
      float[][] params,
      Map<String, Weight> weights) {
    int units = params[1].length;
    weights.put(name + "/kernel", new Weight(new long[] {inputs, units}, params[0]));
    weights.put(name + "/bias", new Weight(new long[] {units}, params[1]));
    ObjectNode c =
        JSON.createObjectNode()
            .put("name", name)
            .put("trainable", true)
            .put("units", units)
            .put("activation", activation)
            .put("use_bias", true);
    c.putObject("kernel_initializer").put("class_name", "Zeros").putObject("config");
    c.putObject("bias_initializer").put("class_name", "Zeros").putObject("config");
    c.putNull("kernel_regularizer")
        .putNull("bias_regularizer")
        .putNull("activity_regularizer")
        .putNull("kernel_constraint")
        .putNull("bias_constraint");
    return layer(name, "Dense", inbound, c);
  }

  /** Writes the weights as little-endian float32, in order, and returns their manifest entries. */
  private static ArrayNode writeShard(Map<String, Weight> weights, Path file) throws IOException {
    ArrayNode specs = JSON.createArrayNode();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      for (var e : weights.entrySet()) {
        ObjectNode spec = specs.addObject().put("name", e.getKey());
        ArrayNode shape = spec.putArray("shape");
        for (long x : e.getValue().shape()) {
          shape.add(x);
        }
        spec.put("dtype", "float32");
        ByteBuffer le =
            ByteBuffer.allocate(e.getValue().values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        le.asFloatBuffer().put(e.getValue().values());
        out.write(le.array());
      }
    }
    return specs;
  }
}
