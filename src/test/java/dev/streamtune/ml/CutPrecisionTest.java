package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.image.ImageDecoder;
import dev.streamtune.store.HalfFloat;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * What caching the cut's activations in half precision costs: the golden images' activations at
 * {@code block_10_project_BN} go through the top once exact and once rounded to binary16, and the
 * pooled {@code out_relu} features that a head sees differ by less than 0.5% of their scale.
 */
class CutPrecisionTest {
  private static final String CUT = "block_10_project_BN";

  @Test
  void halfPrecisionActivationsBarelyMoveTheTopsFeatures() {
    TestBackbone.get();
    Engine.load();
    KerasLayersModel model = KerasLayersModel.read(FeatureConfig.defaults().baseModel());
    List<byte[]> images = new ArrayList<>(GoldenImages.all().values());
    int n = images.size();
    ImageDecoder decoder = new ImageDecoder(100_000_000);
    FloatBuffer buf = FloatBuffer.allocate(n * 224 * 224 * 3);
    images.forEach(i -> Preprocessing.write(decoder.decode(i), buf));
    float[] pixels = new float[buf.position()];
    buf.flip();
    buf.get(pixels);
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var image = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, 224, 224, 3)));
      Operand<TFloat32> cut = KerasGraphBuilder.build(tf, model, image, true).get(CUT);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(cut.shape()));
      Operand<TFloat32> pooled =
          tf.math.mean(
              KerasGraphBuilder.buildFrom(tf.withSubScope("top"), model, CUT, x)
                  .outputs()
                  .get("out_relu"),
              tf.constant(new int[] {1, 2}));
      s.initialize();
      float[] exact = run(s, image, pixels, cut);
      float[] half = HalfFloat.toFloats(HalfFloat.fromFloats(exact));
      double maxAbs = 0;
      double maxDiff = 0;
      for (int i = 0; i < exact.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(exact[i]));
        maxDiff = Math.max(maxDiff, Math.abs(exact[i] - half[i]));
      }
      assertThat(maxDiff / maxAbs)
          .as("activation rounding relative to their scale")
          .isLessThan(5e-4);
      float[] a = run(s, x, exact, pooled);
      float[] b = run(s, x, half, pooled);
      double scale = 0;
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]));
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
      }
      System.out.printf(
          "cut rounding %.2e of scale; pooled out_relu max |Δ| %.2e of scale %.3f (%d images)%n",
          maxDiff / maxAbs, diff / scale, scale, n);
      assertThat(diff / scale)
          .as("pooled out_relu difference relative to its scale")
          .isLessThan(5e-3);
    }
  }

  private static float[] run(
      Session s, Placeholder<TFloat32> in, float[] values, Operand<TFloat32> out) {
    try (TFloat32 t = TFloat32.tensorOf(in.shape(), DataBuffers.of(values, true, false));
        Result r = s.runner().feed(in, t).fetch(out).run()) {
      TFloat32 o = (TFloat32) r.get(0);
      float[] v = new float[(int) o.size()];
      o.read(DataBuffers.of(v, false, false));
      return v;
    }
  }
}
