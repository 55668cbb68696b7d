package dev.streamtune.ml;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.streamtune.image.DecodeBudget;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import dev.streamtune.store.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * The frozen bottom of a fine-tuning: encoded images in, each image's activation map at the cut
 * layer out (such as {@code block_10_project_BN}, 14×14×96), through DJL. The bottom is exported
 * once per backbone and cut, BatchNorm folded, as a SavedModel in {@code bottom-{cut}/} beside the
 * backbone's own, so the feature cache's digests do not change. Only a TF.js layers base model can
 * be cut.
 *
 * <pre>{@code
 * try (CutExtractor bottom = CutExtractor.open(baseModelDir, backbone, "block_10_project_BN", config)) {
 *   List<float[]> maps = bottom.extract(images);   // row-major [14][14][96] each
 * }
 * }</pre>
 */
public final class CutExtractor implements AutoCloseable {
  private final ZooModel<List<byte[]>, List<float[]>> model;
  private final Predictor<List<byte[]>, List<float[]>> predictor;
  private final int[] shape;
  private final int batch;

  private CutExtractor(ZooModel<List<byte[]>, List<float[]>> model, int[] shape, int batch) {
    this.model = model;
    this.predictor = model.newPredictor();
    this.shape = shape;
    this.batch = batch;
  }

  /**
   * Opens the bottom of {@code backbone} below {@code cut}, exporting it first if needed: next to
   * the backbone's conversion, or, when that is read-only (a container image that baked the
   * conversion but not this cut), under {@code java.io.tmpdir}.
   *
   * @param tfjsBaseModel the TF.js layers model the backbone was converted from
   * @throws IllegalArgumentException if the model has no such layer or it is not a 4-D map
   */
  public static CutExtractor open(
      Path tfjsBaseModel, Backbone backbone, String cut, FeatureConfig config) {
    Path dir = backbone.dir().resolve("bottom-" + cut);
    if (!Files.exists(dir.resolve("saved_model.pb")) && !Files.isWritable(backbone.dir())) {
      dir =
          Path.of(
              System.getProperty("java.io.tmpdir"),
              "streamtune-bottoms",
              backbone.digest(),
              "bottom-" + cut);
      try {
        Files.createDirectories(dir.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + dir.getParent(), e);
      }
    }
    int[] shape = export(tfjsBaseModel, cut, dir);
    Criteria<List<byte[]>, List<float[]>> criteria =
        Criteria.builder()
            .setTypes(Engine.<List<byte[]>>type(List.class), Engine.<List<float[]>>type(List.class))
            .optModelPath(dir)
            .optEngine(Engine.NAME)
            .optTranslator(
                new Translator(
                    new ImageInput(
                        new ImageDecoder(
                            config.maxPixels(), DecodeBudget.shared(config.decodeBudget())))))
            .build();
    try {
      return new CutExtractor(criteria.loadModel(), shape, config.batchSize());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load " + dir, e);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException("Cannot load the bottom " + dir + ": " + e.getMessage(), e);
    }
  }

  /** One image's activation shape, such as {@code [14, 14, 96]}. */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * The cut's activations of each image, in order, row-major.
   *
   * @throws ImageDecodeException for the first image that cannot be decoded
   */
  public List<float[]> extract(List<byte[]> images) {
    List<float[]> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i += batch) {
      out.addAll(
          Engine.predict(
              predictor,
              images.subList(i, Math.min(images.size(), i + batch)),
              "Bottom extraction"));
    }
    return out;
  }

  @Override
  public void close() {
    predictor.close();
    Engine.close(model);
  }

  private static int[] export(Path tfjsBaseModel, String cut, Path dir) {
    KerasLayersModel keras = KerasLayersModel.read(tfjsBaseModel);
    Engine.load();
    try (Graph g = new Graph();
        Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image =
          tf.withName("image")
              .placeholder(
                  TFloat32.class,
                  Placeholder.shape(Shape.of(-1, Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3)));
      Operand<TFloat32> x = KerasGraphBuilder.build(tf, keras, image, true).get(cut);
      if (x == null || x.shape().numDimensions() != 4) {
        throw new IllegalArgumentException("The model has no 4-D layer " + cut + " to cut at");
      }
      int[] shape = {(int) x.shape().size(1), (int) x.shape().size(2), (int) x.shape().size(3)};
      if (Files.exists(dir.resolve("saved_model.pb"))) {
        return shape;
      }
      session.initialize();
      Path tmp = dir.resolveSibling(".tmp-" + UUID.randomUUID());
      SavedModelBundle.exporter(tmp.toString())
          .withSession(session)
          .withFunction(
              SessionFunction.create(
                  Signature.builder()
                      .key(Signature.DEFAULT_KEY)
                      .input("image", image)
                      .output("cut", tf.withName("cut").identity(x))
                      .build(),
                  session))
          .export();
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        LocalFiles.deleteTree(tmp);
        if (!Files.exists(dir.resolve("saved_model.pb"))) {
          throw new UncheckedIOException("Cannot write " + dir, e);
        }
      }
      return shape;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export the bottom to " + dir, e);
    }
  }

  private record Translator(ImageInput input)
      implements NoBatchifyTranslator<List<byte[]>, List<float[]>> {
    @Override
    public NDList processInput(TranslatorContext ctx, List<byte[]> images) {
      return input.toNDList(ctx, images);
    }

    @Override
    public List<float[]> processOutput(TranslatorContext ctx, NDList outputs) {
      NDArray a = outputs.singletonOrThrow();
      float[] flat = a.toFloatArray();
      int n = (int) a.getShape().get(0);
      int per = flat.length / n;
      List<float[]> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(java.util.Arrays.copyOfRange(flat, i * per, (i + 1) * per));
      }
      return out;
    }
  }
}
