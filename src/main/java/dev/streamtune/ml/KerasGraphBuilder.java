package dev.streamtune.ml;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streamtune.ml.KerasLayersModel.Layer;
import dev.streamtune.ml.KerasLayersModel.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Builds the TensorFlow graph of a Keras functional model, layer by layer, with the TensorFlow Java
 * {@link Ops} API. Weights become variables, so the graph can be saved, restored and fine-tuned.
 *
 * <p>With {@code foldBatchNorm}, each BatchNormalization that directly follows a convolution is
 * folded into that convolution's kernel and a bias (inference only, about 1.7× faster); without it,
 * BatchNormalization is computed from its four variables, as a fine-tuning graph needs.
 */
final class KerasGraphBuilder {
  /** The layers this builder knows; any other is an error naming it. */
  static final Set<String> SUPPORTED =
      Set.of(
          "InputLayer",
          "ZeroPadding2D",
          "Conv2D",
          "DepthwiseConv2D",
          "BatchNormalization",
          "ReLU",
          "Add",
          "AveragePooling2D",
          "GlobalAveragePooling2D",
          "Flatten",
          "Dense",
          "Dropout",
          "Activation");

  private final Ops tf;
  private final KerasLayersModel model;
  private final boolean foldBatchNorm;
  private final Map<String, Operand<TFloat32>> outputs = new HashMap<>();
  private final Map<String, List<String>> consumers = new HashMap<>();
  private final Map<String, Operand<TFloat32>> variables = new java.util.LinkedHashMap<>();

  private KerasGraphBuilder(Ops tf, KerasLayersModel model, boolean foldBatchNorm) {
    this.tf = tf;
    this.model = model;
    this.foldBatchNorm = foldBatchNorm;
    for (Layer l : model.layers()) {
      for (String in : l.inbound()) {
        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(l.name());
      }
    }
  }

  /**
   * Builds every layer on top of {@code input}.
   *
   * @return each layer's output by layer name
   * @throws IllegalArgumentException naming the first unsupported layer or option
   */
  static Map<String, Operand<TFloat32>> build(
      Ops tf, KerasLayersModel model, Operand<TFloat32> input, boolean foldBatchNorm) {
    for (Layer l : model.layers()) {
      if (!SUPPORTED.contains(l.className())) {
        throw new IllegalArgumentException(
            "Layer "
                + l.name()
                + " is a "
                + l.className()
                + ", which Streamtune cannot convert; supported layers: "
                + new java.util.TreeSet<>(SUPPORTED));
      }
    }
    KerasGraphBuilder b = new KerasGraphBuilder(tf, model, foldBatchNorm);
    for (Layer l : model.layers()) {
      b.outputs.put(l.name(), b.layer(l, input));
    }
    return b.outputs;
  }

  /**
   * The network above a cut: the layers downstream of {@code cut}, built on {@code cutValue} as the
   * cut layer's output, BatchNormalization unfolded (its statistics frozen), every weight a
   * variable. It is the trainable top of a fine-tuning, whose bottom's activations are cached.
   *
   * @param outputs each built layer's output by name, the cut included
   * @param variables each weight's variable by weight name, in build order
   */
  record Top(Map<String, Operand<TFloat32>> outputs, Map<String, Operand<TFloat32>> variables) {}

  /**
   * Builds the layers above {@code cut}.
   *
   * @throws IllegalArgumentException if the cut does not separate the network (a layer above it
   *     reads a layer below it other than the cut), or a layer is unsupported
   */
  static Top buildFrom(Ops tf, KerasLayersModel model, String cut, Operand<TFloat32> cutValue) {
    Set<String> below = new java.util.HashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(cut));
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (below.add(name)) {
        model.layers().stream()
            .filter(x -> x.name().equals(name))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("The model has no layer " + cut))
            .inbound()
            .forEach(todo::push);
      }
    }
    KerasGraphBuilder b = new KerasGraphBuilder(tf, model, false);
    b.outputs.put(cut, cutValue);
    for (Layer l : model.layers()) {
      if (below.contains(l.name())) {
        continue;
      }
      for (String in : l.inbound()) {
        if (below.contains(in) && !in.equals(cut)) {
          throw new IllegalArgumentException(
              "Layer "
                  + l.name()
                  + " reads "
                  + in
                  + " from below the cut "
                  + cut
                  + "; the cut must separate the network");
        }
      }
      if (!SUPPORTED.contains(l.className())) {
        throw unsupported(l, "class");
      }
      b.outputs.put(l.name(), b.layer(l, cutValue));
    }
    return new Top(b.outputs, b.variables);
  }

  private Operand<TFloat32> layer(Layer l, Operand<TFloat32> input) {
    JsonNode c = l.config();
    Ops named = tf.withSubScope(l.name());
    return switch (l.className()) {
      case "InputLayer" -> input;
      case "ZeroPadding2D" -> {
        JsonNode p = c.get("padding");
        int[][] pad = {
          {0, 0},
          {p.get(0).get(0).asInt(), p.get(0).get(1).asInt()},
          {p.get(1).get(0).asInt(), p.get(1).get(1).asInt()},
          {0, 0}
        };
        yield named.pad(in(l, 0), named.constant(pad), named.constant(0f));
      }
      case "Conv2D", "DepthwiseConv2D" -> convolution(l, named);
      case "BatchNormalization" -> isFolded(l) ? in(l, 0) : batchNorm(l, named, in(l, 0));
      case "ReLU" -> relu(l, named, in(l, 0));
      case "Add" -> {
        Operand<TFloat32> sum = in(l, 0);
        for (int i = 1; i < l.inbound().size(); i++) {
          sum = named.math.add(sum, in(l, i));
        }
        yield sum;
      }
      case "AveragePooling2D" -> {
        if (!c.path("padding").asText("valid").equals("valid")
            && !c.path("padding").asText().equals("same")) {
          throw unsupported(l, "padding " + c.path("padding").asText());
        }
        List<Long> pool =
            List.of(1L, c.get("pool_size").get(0).asLong(), c.get("pool_size").get(1).asLong(), 1L);
        JsonNode s = c.hasNonNull("strides") ? c.get("strides") : c.get("pool_size");
        yield named.nn.avgPool(
            in(l, 0),
            pool,
            List.of(1L, s.get(0).asLong(), s.get(1).asLong(), 1L),
            c.path("padding").asText("valid").toUpperCase(java.util.Locale.ROOT));
      }
      case "GlobalAveragePooling2D" -> named.math.mean(in(l, 0), named.constant(new int[] {1, 2}));
      case "Flatten" -> {
        Shape s = in(l, 0).shape();
        long n = 1;
        for (int i = 1; i < s.numDimensions(); i++) {
          n *= s.size(i);
        }
        yield named.reshape(in(l, 0), named.constant(new long[] {-1, n}));
      }
      case "Dense" -> {
        Operand<TFloat32> y = named.linalg.matMul(in(l, 0), param(named, l.name() + "/kernel"));
        if (c.path("use_bias").asBoolean(true)) {
          y = named.nn.biasAdd(y, param(named, l.name() + "/bias"));
        }
        yield activation(l, named, y, c.path("activation").asText("linear"));
      }
      case "Dropout" -> named.identity(in(l, 0));
      case "Activation" -> activation(l, named, in(l, 0), c.path("activation").asText());
      default -> throw unsupported(l, "class");
    };
  }

  private Operand<TFloat32> convolution(Layer l, Ops named) {
    JsonNode c = l.config();
    boolean depthwise = l.className().equals("DepthwiseConv2D");
    if (c.path("dilation_rate").get(0).asInt(1) != 1
        || c.path("dilation_rate").get(1).asInt(1) != 1) {
      throw unsupported(l, "dilation_rate " + c.path("dilation_rate"));
    }
    List<Long> strides =
        List.of(1L, c.get("strides").get(0).asLong(), c.get("strides").get(1).asLong(), 1L);
    String padding = c.get("padding").asText().toUpperCase(java.util.Locale.ROOT);
    String kernelName = l.name() + (depthwise ? "/depthwise_kernel" : "/kernel");
    Weight kernel = model.weight(kernelName);
    boolean bias = c.path("use_bias").asBoolean(!depthwise);
    String bn = foldableBatchNorm(l);
    Operand<TFloat32> y;
    if (bn == null) {
      Operand<TFloat32> k = variable(named, kernelName, kernel);
      y =
          depthwise
              ? named.nn.depthwiseConv2dNative(in(l, 0), k, strides, padding)
              : named.nn.conv2d(in(l, 0), k, strides, padding);
      if (bias) {
        y = named.nn.biasAdd(y, param(named, l.name() + "/bias"));
      }
    } else {
      Folded folded = fold(kernel, bias ? model.weight(l.name() + "/bias") : null, bn);
      Operand<TFloat32> k = variable(named, kernelName, folded.kernel());
      y =
          depthwise
              ? named.nn.depthwiseConv2dNative(in(l, 0), k, strides, padding)
              : named.nn.conv2d(in(l, 0), k, strides, padding);
      y = named.nn.biasAdd(y, variable(named, bn + "/folded_bias", folded.bias()));
    }
    return activation(l, named, y, c.path("activation").asText("linear"));
  }

  /** The BatchNormalization layer to fold into this convolution, or null. */
  private String foldableBatchNorm(Layer conv) {
    if (!foldBatchNorm || !conv.config().path("activation").asText("linear").equals("linear")) {
      return null;
    }
    List<String> next = consumers.getOrDefault(conv.name(), List.of());
    if (next.size() != 1) {
      return null;
    }
    Layer n = layerNamed(next.get(0));
    return n.className().equals("BatchNormalization") && n.inbound().size() == 1 ? n.name() : null;
  }

  private boolean isFolded(Layer bn) {
    Layer producer = layerNamed(bn.inbound().get(0));
    return (producer.className().equals("Conv2D") || producer.className().equals("DepthwiseConv2D"))
        && bn.name().equals(foldableBatchNorm(producer));
  }

  /** A convolution with a BatchNormalization folded in: its scaled kernel and its bias. */
  private record Folded(Weight kernel, Weight bias) {}

  /** Scales each output channel of the kernel and builds the bias of {@code conv → BN}. */
  private Folded fold(Weight kernel, Weight convBias, String bn) {
    double eps = layerNamed(bn).config().path("epsilon").asDouble(1e-3);
    float[] mean = model.weight(bn + "/moving_mean").values();
    float[] var = model.weight(bn + "/moving_variance").values();
    float[] gamma = model.hasWeight(bn + "/gamma") ? model.weight(bn + "/gamma").values() : null;
    float[] beta = model.hasWeight(bn + "/beta") ? model.weight(bn + "/beta").values() : null;
    int channels = mean.length;
    double[] scale = new double[channels];
    float[] bias = new float[channels];
    for (int ch = 0; ch < channels; ch++) {
      scale[ch] = (gamma == null ? 1.0 : gamma[ch]) / Math.sqrt(var[ch] + eps);
      double b = convBias == null ? 0 : convBias.values()[ch];
      bias[ch] = (float) ((b - mean[ch]) * scale[ch] + (beta == null ? 0 : beta[ch]));
    }
    float[] k = kernel.values().clone();
    for (int i = 0; i < k.length; i++) {
      k[i] = (float) (k[i] * scale[i % channels]);
    }
    return new Folded(new Weight(kernel.shape(), k), new Weight(new long[] {channels}, bias));
  }

  private Operand<TFloat32> batchNorm(Layer l, Ops named, Operand<TFloat32> x) {
    float eps = (float) l.config().path("epsilon").asDouble(1e-3);
    String n = l.name();
    Operand<TFloat32> invStd =
        named.math.rsqrt(named.math.add(param(named, n + "/moving_variance"), named.constant(eps)));
    Operand<TFloat32> scale =
        model.hasWeight(n + "/gamma") ? named.math.mul(invStd, param(named, n + "/gamma")) : invStd;
    Operand<TFloat32> y =
        named.math.mul(named.math.sub(x, param(named, n + "/moving_mean")), scale);
    return model.hasWeight(n + "/beta") ? named.math.add(y, param(named, n + "/beta")) : y;
  }

  private Operand<TFloat32> relu(Layer l, Ops named, Operand<TFloat32> x) {
    JsonNode c = l.config();
    if (c.path("negative_slope").asDouble(0) != 0 || c.path("threshold").asDouble(0) != 0) {
      throw unsupported(l, "negative_slope or threshold");
    }
    if (!c.hasNonNull("max_value")) {
      return named.nn.relu(x);
    }
    double max = c.get("max_value").asDouble();
    return max == 6.0
        ? named.nn.relu6(x)
        : named.math.minimum(named.nn.relu(x), named.constant((float) max));
  }

  private Operand<TFloat32> activation(Layer l, Ops named, Operand<TFloat32> x, String name) {
    return switch (name) {
      case "linear" -> x;
      case "relu" -> named.nn.relu(x);
      case "relu6" -> named.nn.relu6(x);
      case "softmax" -> named.nn.softmax(x);
      case "sigmoid" -> named.math.sigmoid(x);
      case "tanh" -> named.math.tanh(x);
      default -> throw unsupported(l, "activation " + name);
    };
  }

  private Operand<TFloat32> param(Ops named, String weightName) {
    return variable(named, weightName, model.weight(weightName));
  }

  private Operand<TFloat32> variable(Ops named, String weightName, Weight w) {
    String opName = weightName.substring(weightName.lastIndexOf('/') + 1);
    Operand<TFloat32> v =
        named
            .withName(opName)
            .variable(tf.constant(Shape.of(w.shape()), DataBuffers.of(w.values(), true, false)));
    variables.put(weightName, v);
    return v;
  }

  private Operand<TFloat32> in(Layer l, int i) {
    Operand<TFloat32> x = outputs.get(l.inbound().get(i));
    if (x == null) {
      throw new IllegalArgumentException(
          "Layer " + l.name() + " reads " + l.inbound().get(i) + ", which is not built before it");
    }
    return x;
  }

  private Layer layerNamed(String name) {
    return model.layers().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
  }

  private static IllegalArgumentException unsupported(Layer l, String what) {
    return new IllegalArgumentException(
        "Layer " + l.name() + " (" + l.className() + ") uses an unsupported " + what);
  }
}
