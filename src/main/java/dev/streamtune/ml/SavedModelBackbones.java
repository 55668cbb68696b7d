package dev.streamtune.ml;

import dev.streamtune.store.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A user's TensorFlow SavedModel as a backbone: its serving signature's single input must take
 * [N,224,224,3] float32 images scaled to [0,1], and each feature layer is named by a graph tensor
 * (such as {@code block_13_expand_relu/Relu6:0}, or the op name alone) of shape [N,H,W,C]. Its
 * output named {@code logits}, or its only output, if 2-D, is taken as the model's own head.
 *
 * <p>The conversion adds global average pooling of each feature tensor to the graph and exports it,
 * with the original variables, as the backbone's {@code features/} and {@code savedmodel/}.
 */
final class SavedModelBackbones {
  private SavedModelBackbones() {}

  static boolean isSavedModel(Path dir) {
    return Files.exists(dir.resolve("saved_model.pb"));
  }

  static Backbone convert(
      Path savedModel, Path cacheRoot, String name, List<String> featureTensors) {
    Engine.load();
    String digest = digest(savedModel, featureTensors);
    Path target = cacheRoot.resolve(digest);
    if (Files.exists(target.resolve("backbone.json"))) {
      return Backbone.read(target);
    }
    Path tmp = cacheRoot.resolve(".tmp-" + UUID.randomUUID());
    try (SavedModelBundle bundle =
        SavedModelBundle.load(savedModel.toString(), SavedModelBundle.DEFAULT_TAG)) {
      Signature serving =
          bundle.signatures().stream()
              .filter(s -> s.key().equals("serving_default"))
              .findFirst()
              .orElseGet(() -> bundle.signatures().get(0));
      if (serving.inputNames().size() != 1) {
        throw new IllegalArgumentException(
            savedModel
                + ": the serving signature must have one image input, not "
                + serving.inputNames());
      }
      Graph g = bundle.graph();
      Ops tf = Ops.create(g);
      Operand<TFloat32> image = tensor(g, serving.getInputs().values().iterator().next().name);
      Signature.Builder sig = Signature.builder().key("serving_default").input("image", image);
      Map<String, Integer> dims = new LinkedHashMap<>();
      for (String t : featureTensors) {
        Operand<TFloat32> x = tensor(g, t);
        if (x.shape().numDimensions() != 4) {
          throw new IllegalArgumentException(
              "Feature tensor " + t + " is not [N,H,W,C]: " + x.shape());
        }
        sig.output(t, tf.math.mean(x, tf.constant(new int[] {1, 2})));
        dims.put(t, (int) x.shape().size(3));
      }
      int classes = 0;
      var outputs = serving.getOutputs();
      var head =
          outputs.containsKey("logits")
              ? outputs.get("logits")
              : outputs.size() == 1 ? outputs.values().iterator().next() : null;
      if (head != null && tensor(g, head.name).shape().numDimensions() == 2) {
        Operand<TFloat32> h = tensor(g, head.name);
        sig.output("logits", tf.identity(h));
        classes = (int) h.shape().size(1);
      }
      Files.createDirectories(tmp);
      for (String dir : new String[] {"features", "savedmodel"}) {
        SavedModelBundle.exporter(tmp.resolve(dir).toString())
            .withSession(bundle.session())
            .withFunction(SessionFunction.create(sig.build(), bundle.session()))
            .export();
      }
      List<String> classNames =
          java.util.stream.IntStream.range(0, classes).mapToObj(i -> "class_" + i).toList();
      new Backbone(tmp, name, digest, dims, classNames).write();
      Files.move(tmp, target);
      return Backbone.read(target);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot convert the SavedModel " + savedModel, e);
    } finally {
      LocalFiles.deleteTree(tmp);
    }
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> tensor(Graph g, String name) {
    String op = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
    int index = name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0;
    GraphOperation operation = g.operation(op);
    if (operation == null) {
      throw new IllegalArgumentException("The SavedModel has no tensor " + name);
    }
    Operand<?> out = operation.output(index);
    return (Operand<TFloat32>) out;
  }

  private static String digest(Path dir, List<String> tensors) {
    var sha = KerasLayersModel.sha256();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        sha.update(dir.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + dir, e);
    }
    sha.update(
        ("|savedmodel|" + BackboneConverter.VERSION + "|" + String.join(",", tensors))
            .getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }
}
