package dev.streamtune.ml;

import dev.streamtune.testing.FashionMnist;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.framework.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Offline feasibility experiment for the {@code top} mode on Fashion-MNIST (Debian's
 * {@code dataset-fashion-mnist}): the bottom's activations at the cut are computed once, then the
 * top (blocks above the cut, BatchNorm statistics frozen) and a softmax head on its pooled output
 * are trained with in-graph Adam, the blocks at a lower learning rate, and scored on the test
 * images after every epoch. {@code TopExperiment [TRAIN] [TEST] [EPOCHS] [LR_BLOCKS] [LR_HEAD]}.
 */
public final class TopExperiment {
  private static final String CUT = "block_10_project_BN";
  private static final int BATCH = 32;

  private TopExperiment() {}

  public static void main(String[] args) throws Exception {
    int trainN = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int testN = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    float lrBlocks = args.length > 3 ? Float.parseFloat(args[3]) : 1e-4f;
    float lrHead = args.length > 4 ? Float.parseFloat(args[4]) : 1e-3f;
    TestBackbone.get();
    Engine.load();
    KerasLayersModel model = KerasLayersModel.read(FeatureConfig.defaults().baseModel());
    List<FashionMnist.Item> trainItems = FashionMnist.read("train", trainN);
    List<FashionMnist.Item> testItems = FashionMnist.read("t10k", testN);
    int[] trainY = trainItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    int[] testY = testItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    long t0 = System.nanoTime();
    float[][] train = bottom(model, trainItems);
    float[][] test = bottom(model, testItems);
    System.out.printf("bottom activations: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    ConfigProto threads = ConfigProto.newBuilder().setIntraOpParallelismThreads(2).setInterOpParallelismThreads(1)
        .build();
    try (Graph g = new Graph(); Session s = new Session(g, threads)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 14, 14, 96)));
      Placeholder<TInt32> y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      KerasGraphBuilder.Top top = KerasGraphBuilder.buildFrom(tf, model, CUT, x);
      Operand<TFloat32> pooled = tf.math.mean(top.outputs().get("out_relu"), tf.constant(new int[] {1, 2}));
      Random r = new Random(42);
      float[] w0 = new float[1280 * 10];
      for (int i = 0; i < w0.length; i++) {
        w0[i] = (float) ((r.nextDouble() * 2 - 1) * Math.sqrt(6.0 / 1290));
      }
      Variable<TFloat32> w = tf.variable(tf.constant(Shape.of(1280, 10), DataBuffers.of(w0, true, false)));
      Variable<TFloat32> b = tf.variable(tf.zeros(tf.constant(new long[] {10}), TFloat32.class));
      Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(pooled, w), b);
      Operand<TFloat32> probs = tf.nn.softmax(logits);
      Operand<TFloat32> onehot = tf.oneHot(y, tf.constant(10), tf.constant(1f), tf.constant(0f));
      Operand<TFloat32> loss = tf.math.neg(tf.math.mean(tf.reduceSum(tf.math.mul(onehot, tf.nn.logSoftmax(logits)),
          tf.constant(1)), tf.constant(0)));
      List<Operand<TFloat32>> vars = new ArrayList<>();
      List<Boolean> isHead = new ArrayList<>();
      top.variables().forEach((name, v) -> {
        if (!name.startsWith("dense_") && !name.contains("moving_")) {
          vars.add(v);
          isHead.add(false);
        }
      });
      vars.add(w);
      isHead.add(true);
      vars.add(b);
      isHead.add(true);
      Output<?>[] grads = g.addGradients(loss.asOutput(), vars.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
      Placeholder<TFloat32> b1p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Placeholder<TFloat32> b2p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      List<Operand<?>> updates = new ArrayList<>();
      for (int i = 0; i < vars.size(); i++) {
        Operand<TFloat32> v = vars.get(i);
        var m = tf.variable(tf.zerosLike(v));
        var vv = tf.variable(tf.zerosLike(v));
        @SuppressWarnings("unchecked")
        Operand<TFloat32> grad = (Operand<TFloat32>) (Operand<?>) grads[i];
        updates.add(tf.train.applyAdam(v, m, vv, b1p, b2p, tf.constant(isHead.get(i) ? lrHead : lrBlocks),
            tf.constant(0.9f), tf.constant(0.999f), tf.constant(1e-7f), grad));
      }
      s.initialize();
      int step = 0;
      for (int e = 1; e <= epochs; e++) {
        long te = System.nanoTime();
        int[] order = shuffle(trainN, r);
        double sum = 0;
        for (int start = 0; start + BATCH <= trainN; start += BATCH) {
          step++;
          int[] idx = java.util.Arrays.copyOfRange(order, start, start + BATCH);
          try (TFloat32 bx = batch(train, idx); TInt32 by = TInt32.vectorOf(pick(trainY, idx));
              TFloat32 p1 = TFloat32.scalarOf((float) Math.pow(0.9, step));
              TFloat32 p2 = TFloat32.scalarOf((float) Math.pow(0.999, step))) {
            var runner = s.runner().feed(x, bx).feed(y, by).feed(b1p, p1).feed(b2p, p2).fetch(loss);
            updates.forEach(runner::addTarget);
            try (Result res = runner.run()) {
              sum += ((TFloat32) res.get(0)).getFloat();
            }
          }
        }
        int correct = 0;
        for (int start = 0; start < testN; start += 100) {
          int[] idx = java.util.stream.IntStream.range(start, Math.min(testN, start + 100)).toArray();
          try (TFloat32 bx = batch(test, idx); Result res = s.runner().feed(x, bx).fetch(probs).run()) {
            TFloat32 p = (TFloat32) res.get(0);
            for (int i = 0; i < idx.length; i++) {
              int best = 0;
              for (int k = 1; k < 10; k++) {
                if (p.getFloat(i, k) > p.getFloat(i, best)) {
                  best = k;
                }
              }
              correct += best == testY[idx[i]] ? 1 : 0;
            }
          }
        }
        System.out.printf("epoch %d: train loss %.4f, test accuracy %.4f, %.1f s%n", e, sum / (trainN / BATCH),
            (double) correct / testN, (System.nanoTime() - te) / 1e9);
      }
    }
  }

  private static float[][] bottom(KerasLayersModel model, List<FashionMnist.Item> items) {
    List<byte[]> pngs = items.stream().map(FashionMnist.Item::png).toList();
    int n = pngs.size();
    ImageDecoder decoder = new ImageDecoder(1_000_000);
    float[][] out = new float[n][];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 224, 224, 3)));
      Operand<TFloat32> cut = KerasGraphBuilder.build(tf, model, image, true).get(CUT);
      s.initialize();
      int b = 16;
      FloatBuffer buf = FloatBuffer.allocate(b * 224 * 224 * 3);
      for (int start = 0; start < n; start += b) {
        int m = Math.min(b, n - start);
        buf.clear();
        for (int i = 0; i < m; i++) {
          Preprocessing.write(decoder.decode(pngs.get(start + i)), buf);
        }
        float[] flat = new float[m * 224 * 224 * 3];
        buf.flip();
        buf.get(flat);
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(m, 224, 224, 3), DataBuffers.of(flat, true, false));
            Result res = s.runner().feed(image, in).fetch(cut).run()) {
          TFloat32 t = (TFloat32) res.get(0);
          float[] all = new float[(int) t.size()];
          t.read(DataBuffers.of(all, false, false));
          int per = all.length / m;
          for (int i = 0; i < m; i++) {
            out[start + i] = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
          }
        }
      }
    }
    return out;
  }

  private static TFloat32 batch(float[][] data, int[] idx) {
    int per = data[0].length;
    float[] flat = new float[idx.length * per];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(data[idx[i]], 0, flat, i * per, per);
    }
    return TFloat32.tensorOf(Shape.of(idx.length, 14, 14, 96), DataBuffers.of(flat, true, false));
  }

  private static int[] pick(int[] y, int[] idx) {
    return java.util.Arrays.stream(idx).map(i -> y[i]).toArray();
  }

  private static int[] shuffle(int n, Random r) {
    int[] a = java.util.stream.IntStream.range(0, n).toArray();
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}
