package dev.streamtune.ml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The graph of a {@link TopModel}: cut activations in, the layers above the cut (BatchNorm from its
 * frozen statistics), global average pooling of the head's layer, the z-score, a linear head and a
 * softmax. For training it adds the loss (mean cross-entropy plus weight decay), its gradients by
 * {@code Graph.addGradients}, and one in-graph Adam update per trainable variable, the blocks and
 * the head each at their own learning rate, its moments starting from zeros or from a resumed
 * {@link AdamState}. The updates wait for every gradient (control dependencies): a weight updated
 * while a lower layer's gradient still reads it would make the step depend on the scheduler.
 * Batches go through one reused input tensor.
 */
final class TopGraph implements AutoCloseable {
  static final String HEAD_KERNEL = "streamtune_head/kernel";
  static final String HEAD_BIAS = "streamtune_head/bias";

  /**
   * The cut's map shape by base model and cut: it takes a whole graph build to infer, and never
   * changes.
   */
  private static final Map<String, int[]> SPATIAL = new java.util.concurrent.ConcurrentHashMap<>();

  private final Graph graph = new Graph();
  private final Session session;
  private Placeholder<TFloat32> x;
  private Placeholder<TInt32> y;
  private Placeholder<TFloat32> lrBlocks;
  private Placeholder<TFloat32> lrHead;
  private Placeholder<TFloat32> beta1Power;
  private Placeholder<TFloat32> beta2Power;
  private Operand<TFloat32> probabilities;
  private Operand<TFloat32> loss;
  private final Map<String, Operand<TFloat32>> trainable = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> firstMoments = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> secondMoments = new LinkedHashMap<>();
  private final List<Operand<?>> updates = new ArrayList<>();
  private int[] shape;
  private final int rowSize;
  private final int classes;
  private final int batch;
  private final float[] staging;
  private final TFloat32 full;

  /**
   * What a training graph adds.
   *
   * @param weightDecay the decay of the kernels
   * @param resume Adam's moments to start from, by weight name; a weight it lacks, or whose shape
   *     changed (a head grown with new labels), starts from zeros. Null: all from zeros
   */
  record Training(float weightDecay, AdamState resume) {}

  /**
   * @param training what a training graph adds, or null for inference only
   * @param batch rows per reused input tensor
   */
  TopGraph(KerasLayersModel base, TopModel top, Training training, int batch, int threads) {
    Head head = top.head();
    if (head.hidden() != 0) {
      throw new IllegalArgumentException(
          "A fine-tuned top takes a linear head; this one has " + head.hidden() + " hidden units");
    }
    this.batch = batch;
    this.classes = head.classes();
    session =
        new Session(
            graph,
            ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .build());
    try {
      build(base, top, training);
    } catch (RuntimeException e) {
      session.close();
      graph.close();
      throw e;
    }
    rowSize = shape[0] * shape[1] * shape[2];
    staging = new float[batch * rowSize];
    full = TFloat32.tensorOf(Shape.of(batch, shape[0], shape[1], shape[2]));
  }

  private void build(KerasLayersModel base, TopModel top, Training training) {
    Head head = top.head();
    KerasLayersModel model = base.withWeights(top.weights());
    Ops tf = Ops.create(graph);
    KerasLayersModel.Layer cut =
        model.layers().stream()
            .filter(l -> l.name().equals(top.cut()))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "The base model has no layer " + top.cut() + " to cut at"));
    int channels = TfjsExporter.channels(model.layers(), cut.name(), new java.util.HashMap<>());
    shape =
        SPATIAL
            .computeIfAbsent(
                base.digest() + "/" + top.cut(), k -> spatial(base, top.cut(), channels))
            .clone();
    x =
        tf.placeholder(
            TFloat32.class, Placeholder.shape(Shape.of(-1, shape[0], shape[1], channels)));
    KerasGraphBuilder.Top built = KerasGraphBuilder.buildFrom(tf, model, top.cut(), x);
    Operand<TFloat32> map = built.outputs().get(head.featureLayer());
    if (map == null) {
      throw new IllegalArgumentException(
          "Layer " + head.featureLayer() + " is not above the cut " + top.cut());
    }
    Ops h = tf.withSubScope("streamtune_head");
    Operand<TFloat32> pooled = h.math.mean(map, h.constant(new int[] {1, 2}));
    Operand<TFloat32> z =
        h.math.div(
            h.math.sub(pooled, constant(h, head.mean(), head.inputs())),
            constant(h, head.std(), head.inputs()));
    Operand<TFloat32> kernel =
        h.withName("kernel").variable(constant(h, head.params().get(0), head.inputs(), classes));
    Operand<TFloat32> bias =
        h.withName("bias").variable(constant(h, head.params().get(1), classes));
    Operand<TFloat32> logits = h.math.add(h.linalg.matMul(z, kernel), bias);
    probabilities = h.nn.softmax(logits);
    y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    Set<String> above = new HashSet<>();
    TfjsExporter.ancestors(model.layers(), head.featureLayer()).forEach(l -> above.add(l.name()));
    built
        .variables()
        .forEach(
            (name, v) -> {
              if (above.contains(name.substring(0, name.indexOf('/')))
                  && !name.contains("moving_")) {
                trainable.put(name, v);
              }
            });
    trainable.put(HEAD_KERNEL, kernel);
    trainable.put(HEAD_BIAS, bias);
    Operand<TFloat32> onehot = tf.oneHot(y, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> crossEntropy =
        tf.math.neg(
            tf.math.mean(
                tf.reduceSum(tf.math.mul(onehot, tf.nn.logSoftmax(logits)), tf.constant(1)),
                tf.constant(0)));
    lrBlocks = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    lrHead = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta1Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta2Power = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    if (training != null) {
      Operand<TFloat32> decay = tf.constant(0f);
      for (Map.Entry<String, Operand<TFloat32>> e : trainable.entrySet()) {
        if (e.getKey().endsWith("/kernel")) {
          decay = tf.math.add(decay, tf.nn.l2Loss(e.getValue()));
        }
      }
      loss = tf.math.add(crossEntropy, tf.math.mul(tf.constant(training.weightDecay()), decay));
      List<Operand<TFloat32>> vars = new ArrayList<>(trainable.values());
      Output<?>[] grads =
          graph.addGradients(
              loss.asOutput(), vars.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      List<org.tensorflow.op.Op> gradients = new ArrayList<>();
      for (Output<?> g : grads) {
        gradients.add(g);
      }
      Ops after = tf.withControlDependencies(gradients);
      int i = 0;
      for (Map.Entry<String, Operand<TFloat32>> e : trainable.entrySet()) {
        Operand<TFloat32> v = e.getValue();
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) (Operand<?>) grads[i++];
        AdamState resume = training.resume();
        Operand<TFloat32> m = slot(tf, v, resume == null ? null : resume.m().get(e.getKey()));
        Operand<TFloat32> s = slot(tf, v, resume == null ? null : resume.v().get(e.getKey()));
        firstMoments.put(e.getKey(), m);
        secondMoments.put(e.getKey(), s);
        updates.add(
            after.train.applyAdam(
                v,
                m,
                s,
                beta1Power,
                beta2Power,
                e.getKey().startsWith("streamtune_head/") ? lrHead : lrBlocks,
                tf.constant(0.9f),
                tf.constant(0.999f),
                tf.constant(1e-7f),
                g));
      }
    } else {
      loss = crossEntropy;
    }
    session.initialize();
  }

  /** The most rows one call takes. */
  int batch() {
    return batch;
  }

  /** One activation map's shape, {@code [height, width, channels]}. */
  int[] shape() {
    return shape.clone();
  }

  /** One Adam step on rows {@code idx} of {@code rows}; returns the batch loss. */
  double step(ActivationRows rows, int[] idx, int[] labels, float lrB, float lrH, long t) {
    try (TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, t));
        TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, t));
        TFloat32 b = TFloat32.scalarOf(lrB);
        TFloat32 hd = TFloat32.scalarOf(lrH);
        TInt32 ys = TInt32.vectorOf(labels)) {
      return withBatch(
          rows,
          idx,
          in -> {
            Session.Runner r =
                session
                    .runner()
                    .feed(x, in)
                    .feed(y, ys)
                    .feed(lrBlocks, b)
                    .feed(lrHead, hd)
                    .feed(beta1Power, p1)
                    .feed(beta2Power, p2)
                    .fetch(loss);
            updates.forEach(r::addTarget);
            try (Result res = r.run()) {
              return new float[][] {{((TFloat32) res.get(0)).getFloat()}};
            }
          })[0][0];
    }
  }

  /** Class probabilities of rows {@code idx}. */
  float[][] predict(ActivationRows rows, int[] idx) {
    return withBatch(
        rows,
        idx,
        in -> {
          try (Result res = session.runner().feed(x, in).fetch(probabilities).run()) {
            TFloat32 p = (TFloat32) res.get(0);
            float[] flat = new float[idx.length * classes];
            p.read(DataBuffers.of(flat, false, false));
            float[][] out = new float[idx.length][];
            for (int i = 0; i < idx.length; i++) {
              out[i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
            }
            return out;
          }
        });
  }

  /**
   * The current values of the trained weights above the cut, and the head's {@code [kernel, bias]}.
   */
  TopModel snapshot(TopModel like) {
    Map<String, float[]> values = fetch(trainable);
    float[] kernel = values.remove(HEAD_KERNEL);
    float[] bias = values.remove(HEAD_BIAS);
    return new TopModel(like.cut(), values, like.head().withParams(List.of(kernel, bias)));
  }

  /** Adam's current moments in a training graph, after {@code step} steps. */
  AdamState optimizer(long step) {
    return new AdamState(step, fetch(firstMoments), fetch(secondMoments));
  }

  private Map<String, float[]> fetch(Map<String, Operand<TFloat32>> variables) {
    Session.Runner r = session.runner();
    variables.values().forEach(r::fetch);
    Map<String, float[]> values = new LinkedHashMap<>();
    try (Result res = r.run()) {
      int i = 0;
      for (String name : variables.keySet()) {
        TFloat32 t = (TFloat32) res.get(i++);
        float[] v = new float[(int) t.size()];
        t.read(DataBuffers.of(v, false, false));
        values.put(name, v);
      }
    }
    return values;
  }

  @Override
  public void close() {
    full.close();
    session.close();
    graph.close();
  }

  private float[][] withBatch(
      ActivationRows rows, int[] idx, java.util.function.Function<TFloat32, float[][]> run) {
    if (idx.length > batch) {
      throw new IllegalArgumentException(
          "Batch of " + idx.length + " rows; the graph takes up to " + batch);
    }
    for (int i = 0; i < idx.length; i++) {
      rows.read(idx[i], staging, i * rowSize);
    }
    if (idx.length == batch) {
      full.write(DataBuffers.of(staging, true, false));
      return run.apply(full);
    }
    try (TFloat32 part =
        TFloat32.tensorOf(
            Shape.of(idx.length, shape[0], shape[1], shape[2]),
            DataBuffers.of(staging, true, false).narrow((long) idx.length * rowSize))) {
      return run.apply(part);
    }
  }

  private static int[] spatial(KerasLayersModel model, String cut, int channels) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var image =
          tf.placeholder(
              TFloat32.class,
              Placeholder.shape(Shape.of(1, Backbone.INPUT_SIZE, Backbone.INPUT_SIZE, 3)));
      Shape s = KerasGraphBuilder.build(tf, model, image, true).get(cut).shape();
      return new int[] {(int) s.size(1), (int) s.size(2), channels};
    }
  }

  /** An Adam slot of {@code like}'s shape: {@code resumed} when it fits, else zeros. */
  private static Operand<TFloat32> slot(Ops tf, Operand<TFloat32> like, float[] resumed) {
    Shape shape = like.shape();
    if (resumed != null && resumed.length == shape.size()) {
      return tf.variable(tf.constant(shape, DataBuffers.of(resumed, true, false)));
    }
    return tf.variable(tf.zerosLike(like));
  }

  private static Operand<TFloat32> constant(Ops tf, float[] values, long... dims) {
    return tf.constant(Shape.of(dims), DataBuffers.of(values, true, false));
  }
}
