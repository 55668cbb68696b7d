package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The trainable top of MobileNetV2 above the cut {@code block_10_project_BN}: one inverted-residual
 * block (expand Conv2D, BatchNormalization, ReLU6, DepthwiseConv2D, project, Add) has gradients, by
 * {@code Graph.addGradients}, that match central finite differences for its input and its weights.
 */
class TopGraphTest {
  private static final String CUT = "block_10_project_BN";
  private static final int N = 2;
  private static final long[] CUT_SHAPE = {N, 14, 14, 96};

  @Test
  void blockGradientsMatchFiniteDifferences() {
    TestBackbone.get();
    Engine.load();
    KerasLayersModel model = KerasLayersModel.read(FeatureConfig.defaults().baseModel());
    Random r = new Random(3);
    float[] input = randoms(r, (int) (N * 14 * 14 * 96), 1f);
    float[] weights = randoms(r, input.length, 1f);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(CUT_SHAPE)));
      KerasGraphBuilder.Top top = KerasGraphBuilder.buildFrom(tf, model, CUT, x);
      assertThat(top.outputs())
          .containsKeys("block_11_add", "out_relu")
          .doesNotContainKey("block_10_expand");
      Operand<TFloat32> out = top.outputs().get("block_11_add");
      Operand<TFloat32> loss =
          tf.reduceSum(
              tf.math.mul(out, constant(tf, weights, CUT_SHAPE)),
              tf.constant(new int[] {0, 1, 2, 3}));
      List<String> checked =
          List.of(
              "block_11_expand/kernel",
              "block_11_depthwise/depthwise_kernel",
              "block_11_project/kernel",
              "block_11_expand_BN/gamma",
              "block_11_project_BN/beta");
      List<Output<?>> wrt = new ArrayList<>(List.of(x.asOutput()));
      Map<String, Placeholder<TFloat32>> values = new LinkedHashMap<>();
      Map<String, Operand<?>> assigns = new LinkedHashMap<>();
      for (String w : checked) {
        Operand<TFloat32> v = top.variables().get(w);
        wrt.add(v.asOutput());
        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(v.shape()));
        values.put(w, p);
        assigns.put(w, tf.assign(v, p));
      }
      Output<?>[] grads = g.addGradients(loss.asOutput(), wrt.toArray(Output<?>[]::new));
      s.initialize();

      float[] dx = fetch(s, x, input, grads[0]);
      for (int k = 0; k < 6; k++) {
        int i = r.nextInt(input.length);
        double numeric =
            central(i, input, 1e-2f, xs -> dot(fetch(s, x, xs, out.asOutput()), weights));
        assertThat((double) dx[i])
            .as("d/d input[%d]", i)
            .isCloseTo(numeric, within(2e-3 + 0.02 * Math.abs(numeric)));
      }
      for (int j = 0; j < checked.size(); j++) {
        String w = checked.get(j);
        float[] base = fetch(s, x, input, top.variables().get(w).asOutput());
        float[] analytic = fetch(s, x, input, grads[j + 1]);
        for (int k = 0; k < 3; k++) {
          int i = r.nextInt(base.length);
          float eps = 5e-4f;
          double numeric =
              central(
                  i,
                  base,
                  eps,
                  vs -> {
                    assign(s, assigns.get(w), values.get(w), vs);
                    return dot(fetch(s, x, input, out.asOutput()), weights);
                  });
          assign(s, assigns.get(w), values.get(w), base);
          assertThat((double) analytic[i])
              .as("d/d %s[%d]", w, i)
              .isCloseTo(numeric, within(2e-3 + 0.02 * Math.abs(numeric)));
        }
      }
    }
  }

  @Test
  void aCutThatDoesNotSeparateTheNetworkIsRefused() {
    TestBackbone.get();
    Engine.load();
    KerasLayersModel model = KerasLayersModel.read(FeatureConfig.defaults().baseModel());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, 14, 14, 576)));
      assertThatThrownBy(() -> KerasGraphBuilder.buildFrom(tf, model, "block_11_expand_relu", x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("block_11_add");
    }
  }

  private interface Loss {
    double at(float[] values);
  }

  private static double central(int i, float[] values, float eps, Loss f) {
    float[] v = values.clone();
    v[i] = values[i] + eps;
    double plus = f.at(v);
    v[i] = values[i] - eps;
    double minus = f.at(v);
    return (plus - minus) / (2.0 * eps);
  }

  private static float[] fetch(Session s, Placeholder<TFloat32> x, float[] input, Output<?> what) {
    try (TFloat32 in = TFloat32.tensorOf(Shape.of(CUT_SHAPE), DataBuffers.of(input, true, false));
        Result r = s.runner().feed(x, in).fetch(what).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.size()];
      t.read(DataBuffers.of(out, false, false));
      return out;
    }
  }

  private static void assign(Session s, Operand<?> assign, Placeholder<TFloat32> value, float[] v) {
    try (TFloat32 t = TFloat32.tensorOf(value.shape(), DataBuffers.of(v, true, false))) {
      s.runner().feed(value, t).addTarget(assign).run().close();
    }
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  private static float[] randoms(Random r, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * scale);
    }
    return v;
  }

  private static Operand<TFloat32> constant(Ops tf, float[] v, long[] shape) {
    return tf.constant(Shape.of(shape), DataBuffers.of(v, true, false));
  }
}
