package dev.streamtune.ml;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The head as a TensorFlow graph: normalized features and parameters in, probabilities, the mean
 * cross-entropy plus L2 loss, and its gradients ({@code Graph.addGradients}) out. Parameters are
 * fed on every call, so the optimizer ({@link HeadTrainer}) keeps them in Java and the same graph
 * serves training, evaluation and the gradient check.
 */
final class HeadGraph implements AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final int inputs;
  private final int[][] shapes;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TInt32> y;
  private final List<Placeholder<TFloat32>> params = new ArrayList<>();
  private final Operand<TFloat32> probabilities;
  private final Operand<TFloat32> loss;
  private final Output<?>[] gradients;

  HeadGraph(int inputs, int hidden, int classes, float l2, int threads) {
    Engine.load();
    this.graph = new Graph();
    this.inputs = inputs;
    this.shapes =
        hidden > 0
            ? new int[][] {{inputs, hidden}, {hidden}, {hidden, classes}, {classes}}
            : new int[][] {{inputs, classes}, {classes}};
    Ops tf = Ops.create(graph);
    x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputs)));
    y = tf.withName("y").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    for (int i = 0; i < shapes.length; i++) {
      long[] dims = java.util.Arrays.stream(shapes[i]).asLongStream().toArray();
      params.add(
          tf.withName("p" + i).placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims))));
    }
    Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(x, params.get(0)), params.get(1));
    Operand<TFloat32> penalty = tf.math.mul(tf.constant(l2 / 2), sumOfSquares(tf, params.get(0)));
    if (hidden > 0) {
      logits = tf.math.add(tf.linalg.matMul(tf.nn.relu(logits), params.get(2)), params.get(3));
      penalty =
          tf.math.add(penalty, tf.math.mul(tf.constant(l2 / 2), sumOfSquares(tf, params.get(2))));
    }
    probabilities = tf.withName("probabilities").nn.softmax(logits);
    Operand<TFloat32> oneHot = tf.oneHot(y, tf.constant(classes), tf.constant(1f), tf.constant(0f));
    Operand<TFloat32> ce =
        tf.math.neg(tf.reduceSum(tf.math.mul(oneHot, tf.nn.logSoftmax(logits)), tf.constant(1)));
    loss = tf.withName("loss").math.add(tf.math.mean(ce, tf.constant(0)), penalty);
    Output<?>[] wrt = params.stream().map(Operand::asOutput).toArray(Output<?>[]::new);
    gradients = graph.addGradients(loss.asOutput(), wrt);
    session =
        new Session(
            graph,
            ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(1)
                .build());
  }

  private static Operand<TFloat32> sumOfSquares(Ops tf, Operand<TFloat32> w) {
    return tf.reduceSum(tf.math.square(w), tf.constant(new int[] {0, 1}));
  }

  /** The loss and its gradient for each parameter tensor, on a batch of {@code n} rows. */
  Step step(List<float[]> p, float[] batchX, int[] batchY) {
    int n = batchY.length;
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner r = feed(session.runner(), p, batchX, n, feeds);
      TInt32 labels = TInt32.tensorOf(Shape.of(n), DataBuffers.of(batchY, true, false));
      feeds.add(labels);
      r.feed(y, labels).fetch(loss);
      for (Output<?> g : gradients) {
        r.fetch(g);
      }
      try (Result out = r.run()) {
        float value = ((TFloat32) out.get(0)).getFloat();
        List<float[]> grads = new ArrayList<>();
        for (int i = 0; i < gradients.length; i++) {
          grads.add(read((TFloat32) out.get(i + 1)));
        }
        return new Step(value, grads);
      }
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  /** Probabilities for {@code n} rows, row-major [n × classes]. */
  float[] probabilities(List<float[]> p, float[] batchX, int n) {
    List<Tensor> feeds = new ArrayList<>();
    try (Result out = feed(session.runner(), p, batchX, n, feeds).fetch(probabilities).run()) {
      return read((TFloat32) out.get(0));
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  private Session.Runner feed(
      Session.Runner r, List<float[]> p, float[] batchX, int n, List<Tensor> feeds) {
    TFloat32 xs = TFloat32.tensorOf(Shape.of(n, inputs), DataBuffers.of(batchX, true, false));
    feeds.add(xs);
    r.feed(x, xs);
    for (int i = 0; i < shapes.length; i++) {
      long[] dims = java.util.Arrays.stream(shapes[i]).asLongStream().toArray();
      TFloat32 t = TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(p.get(i), true, false));
      feeds.add(t);
      r.feed(params.get(i), t);
    }
    return r;
  }

  private static float[] read(TFloat32 t) {
    float[] v = new float[(int) t.size()];
    t.read(DataBuffers.of(v, false, false));
    return v;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }

  /** One evaluation of the loss and its gradients. */
  record Step(float loss, List<float[]> gradients) {}
}
