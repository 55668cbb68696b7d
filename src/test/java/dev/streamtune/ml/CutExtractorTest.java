package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Bottom plus top is the whole network: the cut's activations from {@link CutExtractor} (through
 * DJL), run through the top built above the cut, give the same pooled {@code out_relu} features as
 * the backbone's own feature model.
 */
class CutExtractorTest {
  private static final String CUT = "block_10_project_BN";

  @Test
  void bottomThenTopReproducesTheBackbonesFeatures() {
    Backbone backbone = TestBackbone.get();
    FeatureConfig config = FeatureConfig.defaults();
    List<byte[]> images = new ArrayList<>(GoldenImages.synthetic().values());
    List<float[]> maps;
    try (CutExtractor bottom = CutExtractor.open(config.baseModel(), backbone, CUT, config)) {
      assertThat(bottom.shape()).containsExactly(14, 14, 96);
      maps = bottom.extract(images);
    }
    List<Features> expected;
    try (FeatureExtractor fx = FeatureExtractor.open(backbone, config)) {
      expected = fx.extract(images);
    }
    int n = images.size();
    float[] flat = new float[n * 14 * 14 * 96];
    for (int i = 0; i < n; i++) {
      System.arraycopy(maps.get(i), 0, flat, i * 18_816, 18_816);
    }
    KerasLayersModel model = KerasLayersModel.read(config.baseModel());
    try (Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, 14, 14, 96)));
      Operand<TFloat32> pooled =
          tf.math.mean(
              KerasGraphBuilder.buildFrom(tf, model, CUT, x).outputs().get("out_relu"),
              tf.constant(new int[] {1, 2}));
      s.initialize();
      try (TFloat32 in =
              TFloat32.tensorOf(Shape.of(n, 14, 14, 96), DataBuffers.of(flat, true, false));
          Result r = s.runner().feed(x, in).fetch(pooled).run()) {
        TFloat32 out = (TFloat32) r.get(0);
        for (int i = 0; i < n; i++) {
          float[] want = expected.get(i).layer("out_relu");
          for (int j = 0; j < want.length; j++) {
            assertThat(out.getFloat(i, j))
                .as("image %d, out_relu[%d]", i, j)
                .isCloseTo(
                    want[j],
                    org.assertj.core.api.Assertions.within(1e-4f * Math.max(1, Math.abs(want[j]))));
          }
        }
      }
    }
  }

  @Test
  void aLayerThatIsNotAMapCannotBeACut() {
    FeatureConfig config = FeatureConfig.defaults();
    assertThatThrownBy(
            () -> CutExtractor.open(config.baseModel(), TestBackbone.get(), "flatten_1", config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flatten_1");
  }
}
