package dev.streamtune.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * How fast the trainable top of MobileNetV2 runs on this machine, for sizing the {@code top} mode:
 * images per second through the layers above a cut, forward only and forward plus the gradients of
 * every top weight, at one batch size. {@code TopBench [CUT] [BATCH] [STEPS]}, defaults {@code
 * block_10_project_BN 32 10}.
 */
public final class TopBench {
  private TopBench() {}

  public static void main(String[] args) {
    String cut = args.length > 0 ? args[0] : "block_10_project_BN";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    TestBackbone.get();
    Engine.load();
    KerasLayersModel model = KerasLayersModel.read(FeatureConfig.defaults().baseModel());
    try (Graph g = new Graph();
        Session s =
            new Session(
                g,
                ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(Runtime.getRuntime().availableProcessors())
                    .setInterOpParallelismThreads(1)
                    .build())) {
      Ops tf = Ops.create(g);
      long[] shape = cutShape(model, cut, batch);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(shape)));
      KerasGraphBuilder.Top top = KerasGraphBuilder.buildFrom(tf, model, cut, x);
      Operand<TFloat32> pooled =
          tf.math.mean(top.outputs().get("out_relu"), tf.constant(new int[] {1, 2}));
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(pooled), tf.constant(new int[] {0, 1}));
      List<Output<?>> wrt = new ArrayList<>();
      top.variables()
          .forEach(
              (name, v) -> {
                if (!name.startsWith("dense_")) {
                  wrt.add(v.asOutput());
                }
              });
      Output<?>[] grads = g.addGradients(loss.asOutput(), wrt.toArray(Output<?>[]::new));
      s.initialize();
      long params =
          top.variables().entrySet().stream()
              .filter(e -> !e.getKey().startsWith("dense_"))
              .mapToLong(e -> e.getValue().shape().size())
              .sum();
      float[] data = new float[(int) Shape.of(shape).size()];
      Random r = new Random(1);
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) r.nextGaussian();
      }
      try (TFloat32 in = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false))) {
        double forward = time(steps, () -> s.runner().feed(x, in).fetch(pooled).run().close());
        double backward =
            time(
                steps,
                () -> {
                  var runner = s.runner().feed(x, in).fetch(loss);
                  for (Output<?> gr : grads) {
                    runner.fetch(gr);
                  }
                  runner.run().close();
                });
        System.out.printf(
            "{\"cut\":\"%s\",\"batch\":%d,\"topWeights\":%d,\"forwardImagesPerSecond\":%.1f,"
                + "\"trainImagesPerSecond\":%.1f}%n",
            cut, batch, params, batch / forward, batch / backward);
      }
    }
  }

  private static long[] cutShape(KerasLayersModel model, String cut, int batch) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, 224, 224, 3)));
      Shape s = KerasGraphBuilder.build(tf, model, image, true).get(cut).shape();
      return s.asArray();
    }
  }

  private static double time(int steps, Runnable step) {
    step.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      step.run();
    }
    return (System.nanoTime() - t0) / 1e9 / steps;
  }
}
