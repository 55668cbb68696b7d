package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Adam's state kept with a top's weights: written and read back, it makes a resumed graph take the
 * very step the uninterrupted one takes, where fresh moments take another; and the warm-up's factor
 * rises linearly to one.
 */
class AdamStateTest {
  private static final String CUT = "block_10_project_BN";
  private static final int ROW = 14 * 14 * 96;
  private static final float DECAY = 4e-5f;

  private static final int THREADS = 2;

  @Test
  void aResumedStateTakesTheSameNextStepAsTheUninterruptedRun() {
    TestBackbone.get();
    Engine.load();
    Path base = FeatureConfig.defaults().baseModel();
    KerasLayersModel model = KerasLayersModel.read(base);
    Random r = new Random(5);
    List<float[]> maps = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      float[] m = new float[ROW];
      for (int j = 0; j < ROW; j++) {
        m[j] = (float) r.nextGaussian();
      }
      maps.add(m);
    }
    ActivationRows rows = ActivationRows.of(maps);
    int[] a = {0, 1, 2, 3};
    int[] b = {4, 5, 6, 7};
    int[] labels = {0, 1, 2, 0};
    TopModel init = TopTrainer.initial(base, CUT, "out_relu", List.of("x", "y", "z"), 3);
    TopModel saved;
    AdamState state;
    TopModel uninterrupted;
    try (TopGraph g = new TopGraph(model, init, new TopGraph.Training(DECAY, null), 4, THREADS)) {
      g.step(rows, a, labels, 1e-3f, 1e-2f, 1);
      g.step(rows, b, labels, 1e-3f, 1e-2f, 2);
      saved = g.snapshot(init);
      state = g.optimizer(2);
      g.step(rows, a, labels, 1e-3f, 1e-2f, 3);
      uninterrupted = g.snapshot(init);
    }
    assertThat(state.m().keySet())
        .contains(TopGraph.HEAD_KERNEL, TopGraph.HEAD_BIAS, "block_16_project/kernel")
        .containsExactlyElementsOf(state.v().keySet());

    AdamState back = AdamState.fromBytes(state.toBytes());
    assertThat(back.step()).isEqualTo(2);
    assertThat(back.v().get("block_16_project/kernel"))
        .containsExactly(state.v().get("block_16_project/kernel"));
    TopModel loaded = TopModel.fromBytes(saved.weightsBytes(), saved.head());
    TopModel resumed = stepFrom(model, loaded, back, rows, a, labels);
    TopModel fresh = stepFrom(model, loaded, null, rows, a, labels);

    for (String name :
        List.of("block_16_project/kernel", "Conv_1/kernel", "block_11_expand/kernel")) {
      assertThat(maxDifference(resumed.weights().get(name), uninterrupted.weights().get(name)))
          .as("the resumed step on %s", name)
          .isEqualTo(0.0);
      assertThat(maxDifference(fresh.weights().get(name), uninterrupted.weights().get(name)))
          .as("a fresh optimizer's step on %s", name)
          .isGreaterThan(1e-5);
    }
    assertThat(maxDifference(resumed.head().params().get(0), uninterrupted.head().params().get(0)))
        .isEqualTo(0.0);
  }

  @Test
  void aHeadGrownWithNewLabelsStartsItsMomentsFromZeros() {
    TestBackbone.get();
    Engine.load();
    Path base = FeatureConfig.defaults().baseModel();
    KerasLayersModel model = KerasLayersModel.read(base);
    TopModel init = TopTrainer.initial(base, CUT, "out_relu", List.of("x", "y"), 3);
    float[] wrongShape = new float[7];
    AdamState resume =
        new AdamState(
            9, Map.of(TopGraph.HEAD_KERNEL, wrongShape), Map.of(TopGraph.HEAD_KERNEL, wrongShape));
    try (TopGraph g = new TopGraph(model, init, new TopGraph.Training(DECAY, resume), 4, 2)) {
      AdamState now = g.optimizer(9);
      assertThat(now.m().get(TopGraph.HEAD_KERNEL)).hasSize(1280 * 2).containsOnly(0f);
      assertThat(now.v().get("Conv_1/kernel")).containsOnly(0f);
    }
  }

  @Test
  void refusesBytesThatAreNotAdamState() {
    assertThatThrownBy(() -> AdamState.fromBytes(new byte[] {1, 0, 0, 0, 'x'}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] top = new TopModel(CUT, Map.of("w", new float[] {1f}), null).weightsBytes();
    assertThatThrownBy(() -> AdamState.fromBytes(top))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Not Adam's state: format");
    byte[] half =
        new AdamState(1, Map.of("w", new float[] {1f, 2f}), Map.of("w", new float[2])).toBytes();
    assertThatThrownBy(() -> AdamState.fromBytes(java.util.Arrays.copyOf(half, half.length - 4)))
        .hasMessageContaining("truncated at v/w");
    assertThatThrownBy(() -> new AdamState(1, Map.of("w", new float[1]), Map.of()))
        .hasMessageContaining("same weights");
  }

  @Test
  void theWarmUpRisesLinearlyToOne() {
    TopOptions o = TopOptions.defaults();
    assertThat(o.warmupSteps()).isEqualTo(20);
    assertThat(o.warmup(1)).isEqualTo(0.05, within(1e-12));
    assertThat(o.warmup(10)).isEqualTo(0.5, within(1e-12));
    assertThat(o.warmup(20)).isEqualTo(1.0);
    assertThat(o.warmup(500)).isEqualTo(1.0);
    assertThat(o.warm(1, 100, false).warmupSteps()).isEqualTo(20);
    TopOptions none = new TopOptions(1e-4f, 1e-3f, 0, 4, 1, 1, 8, 1, 1);
    assertThat(none.warmup(1)).isEqualTo(1.0);
    assertThatThrownBy(() -> new TopOptions(1e-4f, 1e-3f, 0, 4, 1, 1, 8, 1, 1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static TopModel stepFrom(
      KerasLayersModel model,
      TopModel top,
      AdamState state,
      ActivationRows rows,
      int[] idx,
      int[] labels) {
    try (TopGraph g = new TopGraph(model, top, new TopGraph.Training(DECAY, state), 4, THREADS)) {
      g.step(rows, idx, labels, 1e-3f, 1e-2f, state == null ? 1 : state.step() + 1);
      return g.snapshot(top);
    }
  }

  private static double maxDifference(float[] x, float[] y) {
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }
}
