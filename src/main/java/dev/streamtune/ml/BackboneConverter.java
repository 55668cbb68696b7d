package dev.streamtune.ml;

import dev.streamtune.store.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Converts a TF.js layers model into SavedModels, once: the result is cached on disk under the
 * digest of the input, the converter version and the candidate layers.
 *
 * <p>Two SavedModels come out, both with variables (not constants): {@code features/} (BatchNorm
 * folded, for fast extraction) and {@code savedmodel/} (as the source model, for fine-tuning). Both
 * take {@code image} [N,224,224,3] float32 in [0,1] and output, per candidate layer, its
 * activations averaged over height and width, and {@code logits}, the model's own head.
 */
public final class BackboneConverter {
  /** Bump when the graphs change, so old conversions are not reused. */
  static final String VERSION = "2";

  private static final Logger LOG = LoggerFactory.getLogger(BackboneConverter.class);

  private BackboneConverter() {}

  /**
   * Returns the cached conversion of a TF.js layers model, converting it first if needed.
   *
   * @param tfjsDir directory with {@code model.json} and its shards
   * @param cacheRoot where conversions are kept, one directory per digest
   * @param name a human name for the backbone
   * @param candidates layers whose pooled activations are extracted, in order
   * @param classNames names of the model's own output classes, or empty to number them
   * @throws IllegalArgumentException if a layer is unsupported or a candidate does not exist
   */
  public static Backbone convert(
      Path tfjsDir, Path cacheRoot, String name, List<String> candidates, List<String> classNames) {
    KerasLayersModel model = KerasLayersModel.read(tfjsDir);
    String digest = digest(model.digest(), candidates);
    Path target = cacheRoot.resolve(digest);
    if (Files.exists(target.resolve("backbone.json"))) {
      return Backbone.read(target);
    }
    long t0 = System.nanoTime();
    Engine.load();
    Path tmp = cacheRoot.resolve(".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      Map<String, Integer> dims = export(model, tmp.resolve("features"), candidates, true);
      export(model, tmp.resolve("savedmodel"), candidates, false);
      int classes = dims.remove("logits");
      List<String> names =
          classNames.size() == classes
              ? classNames
              : java.util.stream.IntStream.range(0, classes).mapToObj(i -> "class_" + i).toList();
      new Backbone(tmp, name, digest, dims, names).write();
      move(tmp, target);
      LOG.info(
          "Converted {} to {} in {} ms", tfjsDir, target, (System.nanoTime() - t0) / 1_000_000);
      return Backbone.read(target);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write the conversion of " + tfjsDir + " to " + target, e);
    } finally {
      LocalFiles.deleteTree(tmp);
    }
  }

  private static Map<String, Integer> export(
      KerasLayersModel model, Path dir, List<String> candidates, boolean fold) throws IOException {
    try (Graph g = new Graph();
        Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image =
          tf.withName("image")
              .placeholder(
                  TFloat32.class,
                  Placeholder.shape(Shape.of(-1, Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3)));
      Map<String, Operand<TFloat32>> layers = KerasGraphBuilder.build(tf, model, image, fold);
      Signature.Builder sig = Signature.builder().key("serving_default").input("image", image);
      Map<String, Integer> dims = new LinkedHashMap<>();
      for (String c : candidates) {
        Operand<TFloat32> x = layers.get(c);
        if (x == null) {
          throw new IllegalArgumentException(
              "The model has no layer " + c + " to take features from");
        }
        if (x.shape().numDimensions() != 4) {
          throw new IllegalArgumentException(
              "Layer " + c + " is not a 4-D feature map: " + x.shape());
        }
        sig.output(c, tf.withName("features_" + c).math.mean(x, tf.constant(new int[] {1, 2})));
        dims.put(c, (int) x.shape().size(3));
      }
      Operand<TFloat32> head = layers.get(model.layers().get(model.layers().size() - 1).name());
      sig.output("logits", tf.withName("logits").identity(head));
      dims.put("logits", head.shape().numDimensions() == 2 ? (int) head.shape().size(1) : 0);
      session.initialize();
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withFunction(SessionFunction.create(sig.build(), session))
          .export();
      return dims;
    }
  }

  private static String digest(String modelDigest, List<String> candidates) {
    var sha = KerasLayersModel.sha256();
    sha.update(
        (modelDigest + "|" + VERSION + "|" + String.join(",", candidates))
            .getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest());
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target);
    } catch (java.nio.file.FileAlreadyExistsException
        | java.nio.file.DirectoryNotEmptyException e) {
      LOG.debug("Another process converted {} first", target);
    }
  }
}
