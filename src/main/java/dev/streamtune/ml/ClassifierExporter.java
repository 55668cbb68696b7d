package dev.streamtune.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Exports a backbone and a {@link Head} as one TensorFlow SavedModel: the backbone's feature graph
 * (with its variables), the chosen layer's pooled features, the z-score, the head and a softmax.
 *
 * <p>The serving signature {@code serving_default} takes {@code image}, float32 [N,224,224,3], RGB
 * scaled to [0,1] and resized with {@code alignCorners=true} (what {@link ImageDecoder} and the
 * preprocessing produce), and returns {@code probabilities}, float32 [N,classes], in the order of
 * {@code labels} in the {@code streamtune.json} written beside {@code saved_model.pb}, and {@code
 * projection}, float32 [N,{@value #PROJECTIONS}]: the z-scored features times a fixed random
 * Gaussian matrix (seeded, scaled by 1/√features), a summary of what the backbone saw that drift
 * monitoring compares across traffic ({@code feedback.DriftMonitor}). It loads in DJL ({@link
 * ExportedClassifier}), TensorFlow Serving and Python's {@code tf.saved_model.load}.
 */
public final class ClassifierExporter {
  /** The file beside {@code saved_model.pb} that names the labels and the input. */
  public static final String DESCRIPTOR = "streamtune.json";

  /** How many values the {@code projection} output has per image. */
  public static final int PROJECTIONS = 8;

  /** The seed of the projection matrix: the same in every export, so versions compare. */
  static final long PROJECTION_SEED = 0x5743_2026L;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ClassifierExporter() {}

  /**
   * Writes the SavedModel to {@code dir}, which must not exist yet.
   *
   * @throws IllegalArgumentException if the backbone has no such feature layer or its width differs
   *     from the head's
   */
  public static void export(Backbone backbone, Head head, String modelId, int version, Path dir) {
    Integer dims = backbone.featureDims().get(head.featureLayer());
    if (dims == null || dims != head.inputs()) {
      throw new IllegalArgumentException(
          "The backbone's layer "
              + head.featureLayer()
              + " has "
              + dims
              + " dimensions; the head takes "
              + head.inputs());
    }
    Engine.load();
    String source = backbone.featuresModel().toString();
    try (SavedModelBundle b = SavedModelBundle.load(source, SavedModelBundle.DEFAULT_TAG)) {
      Signature features = b.function(Signature.DEFAULT_KEY).signature();
      Output<TFloat32> image = output(b, features.getInputs().get("image").name);
      Output<TFloat32> f = output(b, features.getOutputs().get(head.featureLayer()).name);
      save(
          Ops.create(b.graph()),
          b.session(),
          image,
          f,
          head,
          descriptor(backbone, head, modelId, version, null),
          dir);
    }
  }

  /**
   * Writes the SavedModel of a fine-tuned top to {@code dir}, which must not exist yet: the base
   * model's layers with the top's weights (BatchNorm folded), the pooled {@code featureLayer}, the
   * head and a softmax, with the same signature and descriptor as a head's (plus {@code cut}).
   *
   * @param baseModel the TF.js layers base model the backbone was converted from
   */
  public static void export(
      Path baseModel, Backbone backbone, TopModel top, String modelId, int version, Path dir) {
    KerasLayersModel model = KerasLayersModel.read(baseModel).withWeights(top.weights());
    Engine.load();
    try (Graph g = new Graph();
        Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> image =
          tf.withName("image")
              .placeholder(
                  TFloat32.class,
                  Placeholder.shape(Shape.of(-1, Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3)));
      Operand<TFloat32> map =
          KerasGraphBuilder.build(tf, model, image, true).get(top.head().featureLayer());
      Operand<TFloat32> pooled = tf.math.mean(map, tf.constant(new int[] {1, 2}));
      session.initialize();
      save(
          tf,
          session,
          image.output(),
          pooled,
          top.head(),
          descriptor(backbone, top.head(), modelId, version, top.cut()),
          dir);
    }
  }

  private static void save(
      Ops graph,
      Session session,
      Output<TFloat32> image,
      Operand<TFloat32> f,
      Head head,
      ObjectNode descriptor,
      Path dir) {
    Ops tf = graph.withSubScope("head");
    Operand<TFloat32> z =
        tf.math.div(
            tf.math.sub(f, constant(tf, head.mean(), head.inputs())),
            constant(tf, head.std(), head.inputs()));
    int units = head.hidden() > 0 ? head.hidden() : head.classes();
    Operand<TFloat32> logits =
        tf.math.add(
            tf.linalg.matMul(z, constant(tf, head.params().get(0), head.inputs(), units)),
            constant(tf, head.params().get(1), units));
    if (head.hidden() > 0) {
      logits =
          tf.math.add(
              tf.linalg.matMul(
                  tf.nn.relu(logits),
                  constant(tf, head.params().get(2), head.hidden(), head.classes())),
              constant(tf, head.params().get(3), head.classes()));
    }
    Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
    Operand<TFloat32> projection =
        tf.withName("projection")
            .linalg
            .matMul(z, constant(tf, projectionMatrix(head.inputs()), head.inputs(), PROJECTIONS));
    Signature sig =
        Signature.builder()
            .key(Signature.DEFAULT_KEY)
            .input("image", image)
            .output("probabilities", probabilities)
            .output("projection", projection)
            .build();
    try {
      SavedModelBundle.exporter(dir.toString())
          .withSession(session)
          .withFunction(SessionFunction.create(sig, session))
          .export();
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve(DESCRIPTOR).toFile(), descriptor);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export the classifier to " + dir, e);
    }
  }

  private static ObjectNode descriptor(
      Backbone backbone, Head head, String modelId, int version, String cut) {
    ObjectNode d =
        JSON.createObjectNode()
            .put("format", "streamtune-classifier/1")
            .put("modelId", modelId)
            .put("version", version)
            .put("backbone", backbone.name())
            .put("backboneDigest", backbone.digest())
            .put("featureLayer", head.featureLayer())
            .put("normalizationDigest", head.normalizationDigest());
    if (cut != null) {
      d.put("fineTunedAbove", cut);
    }
    d.put("input", "image: float32 [N,224,224,3], RGB /255, bilinear resize with alignCorners=true")
        .put("output", "probabilities: float32 [N,classes], in labels order")
        .put(
            "projection",
            "projection: float32 [N,"
                + PROJECTIONS
                + "], z-scored features times a fixed random matrix");
    head.labels().forEach(d.putArray("labels")::add);
    return d;
  }

  /** The fixed random projection, row-major [inputs, {@value #PROJECTIONS}]. */
  static float[] projectionMatrix(int inputs) {
    java.util.Random r = new java.util.Random(PROJECTION_SEED);
    float[] m = new float[inputs * PROJECTIONS];
    double scale = 1 / Math.sqrt(inputs);
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) (r.nextGaussian() * scale);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static Output<TFloat32> output(SavedModelBundle b, String tensor) {
    int colon = tensor.lastIndexOf(':');
    String op = colon < 0 ? tensor : tensor.substring(0, colon);
    int index = colon < 0 ? 0 : Integer.parseInt(tensor.substring(colon + 1));
    return (Output<TFloat32>) (Output<?>) b.graph().operation(op).output(index);
  }

  private static Operand<TFloat32> constant(Ops tf, float[] values, long... shape) {
    return tf.constant(Shape.of(shape), DataBuffers.of(values, true, false));
  }
}
