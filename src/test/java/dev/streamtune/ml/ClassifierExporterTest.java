package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClassifierExporterTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {0, 8})
  void exportedModelReproducesTheTrainingGraphThroughDjl(int hidden) throws Exception {
    Backbone backbone = TestBackbone.get();
    String layer = "block_13_expand_relu";
    List<byte[]> images = new ArrayList<>(GoldenImages.synthetic().values());
    float[][] x;
    try (FeatureExtractor fx = FeatureExtractor.open(backbone, FeatureConfig.defaults())) {
      x = fx.extract(images).stream().map(f -> f.layer(layer)).toArray(float[][]::new);
    }
    int[] y = new int[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    Head head =
        HeadTrainer.train(
                Head.initial(List.of("a", "b", "c"), layer, Head.statistics(x), hidden, 5),
                x,
                y,
                x,
                y,
                HeadOptions.defaults().withEpochs(5, 5),
                null)
            .head();
    float[][] expected = HeadTrainer.probabilities(head, x);
    Path dir = tmp.resolve("saved_model");
    ClassifierExporter.export(backbone, head, "m", 1, dir);
    assertThat(dir.resolve("saved_model.pb")).exists();
    assertThat(Files.readString(dir.resolve(ClassifierExporter.DESCRIPTOR)))
        .contains("\"labels\"", layer);
    try (ExportedClassifier c = ExportedClassifier.open(dir, 40_000_000)) {
      assertThat(c.labels()).containsExactly("a", "b", "c");
      ExportedClassifier.Scores scores = c.score(images);
      float[][] actual = scores.probabilities();
      float[] m = ClassifierExporter.projectionMatrix(head.inputs());
      for (int i = 0; i < images.size(); i++) {
        for (int k = 0; k < 3; k++) {
          assertThat(actual[i][k])
              .as("image %d class %d", i, k)
              .isCloseTo(expected[i][k], within(1e-4f));
        }
        assertThat(scores.projections()[i]).hasSize(ClassifierExporter.PROJECTIONS);
        for (int j = 0; j < ClassifierExporter.PROJECTIONS; j++) {
          double want = 0;
          for (int d = 0; d < head.inputs(); d++) {
            want +=
                (x[i][d] - head.mean()[d])
                    / head.std()[d]
                    * m[d * ClassifierExporter.PROJECTIONS + j];
          }
          assertThat((double) scores.projections()[i][j])
              .as("image %d projection %d: z-scored features times the fixed matrix", i, j)
              .isCloseTo(want, within(1e-3 * Math.max(1, Math.abs(want))));
        }
      }
    }
  }

  @Test
  void refusesAHeadForAnotherLayerWidth() {
    Head head =
        Head.initial(
            List.of("a", "b"),
            "block_13_expand_relu",
            new Head.Statistics(new float[3], new float[] {1, 1, 1}),
            0,
            1);
    assertThatThrownBy(
            () -> ClassifierExporter.export(TestBackbone.get(), head, "m", 1, tmp.resolve("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("576");
  }
}
