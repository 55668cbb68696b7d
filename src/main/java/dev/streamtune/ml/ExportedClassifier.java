package dev.streamtune.ml;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.image.ImageDecodeException;
import dev.streamtune.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A classifier exported by {@link ClassifierExporter}, loaded through DJL: encoded images in, class
 * probabilities out. Thread-safe: one predictor per calling thread.
 *
 * <pre>{@code
 * try (ExportedClassifier c = ExportedClassifier.open(dir, 40_000_000)) {
 *   float[][] p = c.probabilities(List.of(jpegBytes));   // p[0][k] is the probability of c.labels().get(k)
 * }
 * }</pre>
 */
public final class ExportedClassifier implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ZooModel<List<byte[]>, Scores> model;
  private final List<String> labels;
  private final ConcurrentLinkedQueue<Predictor<List<byte[]>, Scores>> predictors =
      new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Predictor<List<byte[]>, Scores>> predictor;

  /**
   * What the model answers for a batch of images, row per image.
   *
   * @param probabilities each image's probabilities, in {@link #labels()} order
   * @param projections each image's {@code projection} output ({@link
   *     ClassifierExporter#PROJECTIONS} values), or empty rows for a model exported without it
   */
  public record Scores(float[][] probabilities, float[][] projections) {}

  private ExportedClassifier(ZooModel<List<byte[]>, Scores> model, List<String> labels) {
    this.model = model;
    this.labels = labels;
    this.predictor =
        ThreadLocal.withInitial(
            () -> {
              var p = model.newPredictor();
              predictors.add(p);
              return p;
            });
  }

  /**
   * Loads an exported classifier directory.
   *
   * @param maxPixels the most pixels an input image may have
   * @throws IllegalStateException if it is not a loadable classifier
   */
  public static ExportedClassifier open(Path dir, long maxPixels) {
    List<String> labels = new ArrayList<>();
    try {
      JsonNode d = JSON.readTree(dir.resolve(ClassifierExporter.DESCRIPTOR).toFile());
      d.get("labels").forEach(l -> labels.add(l.asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read " + dir.resolve(ClassifierExporter.DESCRIPTOR), e);
    }
    Criteria<List<byte[]>, Scores> criteria =
        Criteria.builder()
            .setTypes(Engine.<List<byte[]>>type(List.class), Scores.class)
            .optModelPath(dir)
            .optEngine(Engine.NAME)
            .optTranslator(
                new Translator(new ImageInput(new ImageDecoder(maxPixels)), labels.size()))
            .build();
    try {
      return new ExportedClassifier(criteria.loadModel(), List.copyOf(labels));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load " + dir, e);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IllegalStateException(
          "Cannot load the classifier " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The labels, in probability order. */
  public List<String> labels() {
    return labels;
  }

  /**
   * Probabilities of each image, row per image.
   *
   * @throws ImageDecodeException when an image cannot be decoded
   */
  public float[][] probabilities(List<byte[]> images) {
    return score(images).probabilities();
  }

  /**
   * Probabilities and projections of each image.
   *
   * @throws ImageDecodeException when an image cannot be decoded
   */
  public Scores score(List<byte[]> images) {
    return Engine.predict(predictor.get(), images, "Classification");
  }

  /** Closes the predictors and the model. */
  @Override
  public void close() {
    predictors.forEach(Predictor::close);
    predictors.clear();
    Engine.close(model);
  }

  private record Translator(ImageInput input, int classes)
      implements NoBatchifyTranslator<List<byte[]>, Scores> {
    @Override
    public NDList processInput(TranslatorContext ctx, List<byte[]> images) {
      return input.toNDList(ctx, images);
    }

    @Override
    public Scores processOutput(TranslatorContext ctx, NDList outputs) {
      float[][] p =
          rows(
              outputs.get("probabilities") != null
                  ? outputs.get("probabilities").toFloatArray()
                  : outputs.singletonOrThrow().toFloatArray(),
              classes);
      float[][] projections =
          outputs.get("projection") != null
              ? rows(outputs.get("projection").toFloatArray(), ClassifierExporter.PROJECTIONS)
              : new float[p.length][0];
      return new Scores(p, projections);
    }

    private static float[][] rows(float[] flat, int width) {
      float[][] out = new float[flat.length / width][];
      for (int i = 0; i < out.length; i++) {
        out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
      }
      return out;
    }
  }
}
