package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A top above {@code block_10_project_BN} fine-tuned on the golden images' cut activations: the
 * loss falls, the blocks' weights move, and both exports (the SavedModel through DJL, and the TF.js
 * model's weights) carry the fine-tuned weights, the SavedModel reproducing the training graph from
 * raw image bytes.
 */
class TopTrainerTest {
  private static final String CUT = "block_10_project_BN";
  private static List<byte[]> images;
  private static List<float[]> maps;
  private static int[] labels;

  @TempDir Path tmp;

  @BeforeAll
  static void activations() {
    Backbone backbone = TestBackbone.get();
    FeatureConfig config = FeatureConfig.defaults();
    images = new ArrayList<>(GoldenImages.synthetic().values());
    try (CutExtractor bottom = CutExtractor.open(config.baseModel(), backbone, CUT, config)) {
      maps = bottom.extract(images);
    }
    labels = new int[images.size()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
  }

  @Test
  void fineTuningLowersTheLossAndBothExportsCarryTheTunedWeights() throws Exception {
    Path base = FeatureConfig.defaults().baseModel();
    ActivationRows rows = ActivationRows.of(maps);
    TopModel init = TopTrainer.initial(base, CUT, "out_relu", List.of("a", "b", "c"), 7);
    assertThat(init.head().inputs()).isEqualTo(1280);
    TopOptions options = new TopOptions(1e-4f, 1e-3f, 4e-5f, 4, 6, 6, 24, 7, 2);
    List<Double> losses = new ArrayList<>();
    TopTrainer.Fit fit =
        TopTrainer.train(
            base,
            init,
            rows,
            labels,
            rows,
            labels,
            options,
            (e, max, train, val) -> losses.add(val));
    double before = HeadTrainer.crossEntropy(TopTrainer.probabilities(base, init, rows, 2), labels);
    assertThat(fit.validationLoss()).isLessThan(before * 0.7);
    assertThat(fit.validationProbabilities()).hasNumberOfRows(images.size());
    assertThat(losses).hasSize(fit.epochs());
    TopModel top = fit.top();
    assertThat(top.weights())
        .containsKeys(
            "block_11_expand/kernel", "block_16_project/kernel", "Conv_1/kernel", "Conv_1_bn/gamma")
        .doesNotContainKeys("block_10_project/kernel", "Conv_1_bn/moving_mean");
    float[] tuned = top.weights().get("block_16_project/kernel");
    KerasLayersModel original = KerasLayersModel.read(base);
    assertThat(tuned).isNotEqualTo(original.weight("block_16_project/kernel").values());

    TopModel back = TopModel.fromBytes(top.weightsBytes(), top.head());
    assertThat(back.cut()).isEqualTo(CUT);
    assertThat(back.weights().keySet()).containsExactlyElementsOf(top.weights().keySet());
    assertThat(back.weights().get("block_16_project/kernel")).containsExactly(tuned);

    float[][] graph = TopTrainer.probabilities(base, top, rows, 2);
    for (int i = 0; i < graph.length; i++) {
      assertThat(graph[i])
          .as("row %d", i)
          .containsExactly(fit.validationProbabilities()[i], within(1e-5f));
    }
    ClassifierExporter.export(base, TestBackbone.get(), top, "m", 2, tmp.resolve("saved_model"));
    try (ExportedClassifier c = ExportedClassifier.open(tmp.resolve("saved_model"), 40_000_000)) {
      float[][] exported = c.probabilities(images);
      for (int i = 0; i < exported.length; i++) {
        assertThat(exported[i]).as("image %d", i).containsExactly(graph[i], within(1e-4f));
      }
    }
    TfjsExporter.export(base, top, tmp.resolve("tfjs"));
    KerasLayersModel tfjs = KerasLayersModel.read(tmp.resolve("tfjs"));
    assertThat(tfjs.weight("block_16_project/kernel").values()).containsExactly(tuned);
    assertThat(tfjs.weight("block_5_project/kernel").values())
        .containsExactly(original.weight("block_5_project/kernel").values());
  }

  @Test
  void refusesBadWeightsAndAnMlpHead() {
    assertThatThrownBy(() -> TopModel.fromBytes(new byte[] {1, 0, 0, 0, 'x'}, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                KerasLayersModel.read(FeatureConfig.defaults().baseModel())
                    .withWeights(Map.of("Conv_1/kernel", new float[3])))
        .hasMessageContaining("Conv_1/kernel");
    Head mlp =
        Head.initial(
            List.of("a", "b"), "out_relu", new Head.Statistics(new float[1280], ones(1280)), 4, 1);
    assertThatThrownBy(
            () ->
                TopTrainer.train(
                    FeatureConfig.defaults().baseModel(),
                    new TopModel(CUT, Map.of(), mlp),
                    ActivationRows.of(maps),
                    labels,
                    ActivationRows.of(List.of()),
                    new int[0],
                    TopOptions.defaults(),
                    null))
        .hasMessageContaining("linear head");
  }

  @Test
  void aFitMovedBackTowardItsParentMixesTheWeightsAndIsScoredAsTheMix() {
    Path base = FeatureConfig.defaults().baseModel();
    ActivationRows rows = ActivationRows.of(maps);
    TopOptions options = new TopOptions(1e-4f, 1e-3f, 4e-5f, 4, 2, 2, 24, 7, 2);
    TopModel parent =
        TopTrainer.train(
                base,
                TopTrainer.initial(base, CUT, "out_relu", List.of("a", "b", "c"), 7),
                rows,
                labels,
                rows,
                labels,
                options,
                null)
            .top();
    TopTrainer.Fit fit = TopTrainer.train(base, parent, rows, labels, rows, labels, options, null);

    TopTrainer.Fit half = TopTrainer.toward(base, parent, fit, 0.5, rows, labels, 2);
    String w = "block_16_project/kernel";
    float[] p = parent.weights().get(w);
    float[] f = fit.top().weights().get(w);
    assertThat(f).isNotEqualTo(p);
    for (int i = 0; i < p.length; i += 997) {
      assertThat(half.top().weights().get(w)[i]).isCloseTo((p[i] + f[i]) / 2, within(1e-6f));
    }
    float[] bias = half.top().head().params().get(1);
    for (int k = 0; k < bias.length; k++) {
      assertThat(bias[k])
          .isCloseTo(
              (parent.head().params().get(1)[k] + fit.top().head().params().get(1)[k]) / 2,
              within(1e-6f));
    }
    float[][] graph = TopTrainer.probabilities(base, half.top(), rows, 2);
    for (int i = 0; i < graph.length; i++) {
      assertThat(half.validationProbabilities()[i]).containsExactly(graph[i], within(1e-5f));
    }
    assertThat(half.validationLoss())
        .isCloseTo(HeadTrainer.crossEntropy(graph, labels), within(1e-9));
    assertThat(half.optimizer()).isSameAs(fit.optimizer());

    TopTrainer.Fit none = TopTrainer.toward(base, parent, fit, 0, rows, labels, 2);
    for (int i = 0; i < graph.length; i++) {
      assertThat(none.validationProbabilities()[i])
          .as("row %d: no share of the change is the parent", i)
          .containsExactly(fit.initialProbabilities()[i], within(1e-5f));
    }
    assertThatThrownBy(
            () -> parent.interpolate(new TopModel("block_12_add", Map.of(), parent.head()), 0.5))
        .hasMessageContaining("Cuts differ");
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    java.util.Arrays.fill(v, 1f);
    return v;
  }

  @Test
  void segmentsResumedFromTheirBytesTrainExactlyAsOneUninterruptedScheduleAndAStopDropsOne() {
    Path base = FeatureConfig.defaults().baseModel();
    int n = maps.size() / 4 * 4;
    List<float[]> some = maps.subList(0, n);
    ActivationRows rows = ActivationRows.of(some);
    int[] y = java.util.Arrays.copyOf(labels, n);
    TopModel init = TopTrainer.initial(base, CUT, "out_relu", List.of("a", "b", "c"), 7);
    TopOptions o = new TopOptions(1e-4f, 1e-3f, 4e-5f, 4, 6, 6, 24, 7, 2, 2);
    long perSegment = n / 4;
    long total = 2 * perSegment;
    ActivationRows both = ActivationRows.of(concat(some, some));
    int[] bothY = new int[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      bothY[i] = labels[i % n];
    }
    TopTrainer.Segment whole =
        TopTrainer.segment(base, init, null, both, bothY, o, 0, total, 3, () -> false);

    TopTrainer.Segment first =
        TopTrainer.segment(base, init, null, rows, y, o, 0, total, 3, () -> false);
    int[] steps = {0};
    assertThat(
            TopTrainer.segment(
                base,
                first.top(),
                first.optimizer(),
                rows,
                y,
                o,
                perSegment,
                total,
                3,
                () -> ++steps[0] > 1))
        .as("a segment stopped between two steps is dropped")
        .isNull();
    TopModel savedTop = TopModel.fromBytes(first.top().weightsBytes(), first.top().head());
    AdamState savedAdam = AdamState.fromBytes(first.optimizer().toBytes());
    TopTrainer.Segment second =
        TopTrainer.segment(
            base, savedTop, savedAdam, rows, y, o, perSegment, total, 3, () -> false);

    assertThat(first.optimizer().step()).isEqualTo(perSegment);
    assertThat(second.optimizer().step()).isEqualTo(total);
    assertThat(second.top().weightsBytes()).isEqualTo(whole.top().weightsBytes());
    assertThat(second.top().head().toJson()).isEqualTo(whole.top().head().toJson());
    assertThat(second.optimizer().toBytes()).isEqualTo(whole.optimizer().toBytes());
    assertThat(second.top().weightsBytes()).isNotEqualTo(first.top().weightsBytes());
  }

  private static List<float[]> concat(List<float[]> a, List<float[]> b) {
    List<float[]> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
