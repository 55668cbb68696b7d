package dev.streamtune.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadTrainerTest {
  private static final int D = 6;

  /** Gaussian blobs, one per class, well apart. */
  private static float[][] blobs(int n, int classes, long seed, int[] labelsOut) {
    Random r = new Random(seed);
    float[][] x = new float[n][D];
    for (int i = 0; i < n; i++) {
      int k = i % classes;
      labelsOut[i] = k;
      for (int j = 0; j < D; j++) {
        x[i][j] = (float) (r.nextGaussian() * 0.7 + (j % classes == k ? 3 : 0) + 10);
      }
    }
    return x;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 5})
  void gradientsMatchFiniteDifferences(int hidden) {
    int[] y = new int[12];
    float[][] raw = blobs(12, 3, 1, y);
    Head head = Head.initial(List.of("a", "b", "c"), "f", Head.statistics(raw), hidden, 7);
    float[][] x = head.normalize(raw);
    float[] flat = new float[12 * D];
    for (int i = 0; i < 12; i++) {
      System.arraycopy(x[i], 0, flat, i * D, D);
    }
    try (HeadGraph g = new HeadGraph(D, hidden, 3, 0.01f, 1)) {
      HeadGraph.Step s = g.step(head.params(), flat, y);
      float eps = 1e-3f;
      for (int t = 0; t < head.params().size(); t++) {
        for (int j = 0; j < head.params().get(t).length; j += 3) {
          List<float[]> plus = copy(head.params());
          List<float[]> minus = copy(head.params());
          plus.get(t)[j] += eps;
          minus.get(t)[j] -= eps;
          double numeric =
              (g.step(plus, flat, y).loss() - g.step(minus, flat, y).loss()) / (2 * eps);
          assertThat((double) s.gradients().get(t)[j])
              .as("d loss / d p%d[%d]", t, j)
              .isCloseTo(numeric, within(1e-3 + 0.02 * Math.abs(numeric)));
        }
      }
    }
  }

  @Test
  void learnsSeparableClassesAndIsReproducible() {
    int[] y = new int[300];
    float[][] x = blobs(300, 3, 2, y);
    int[] vy = new int[60];
    float[][] vx = blobs(60, 3, 3, vy);
    Head init = Head.initial(List.of("a", "b", "c"), "f", Head.statistics(x), 0, 42);
    HeadOptions o = new HeadOptions(1e-2f, 1e-4f, 32, 30, 5, 10_000, 42, 1);
    HeadTrainer.Fit a = HeadTrainer.train(init, x, y, vx, vy, o, null);
    HeadTrainer.Fit b = HeadTrainer.train(init, x, y, vx, vy, o, null);
    assertThat(accuracy(HeadTrainer.probabilities(a.head(), vx), vy)).isGreaterThan(0.95);
    for (int t = 0; t < a.head().params().size(); t++) {
      float[] pa = a.head().params().get(t);
      float[] pb = b.head().params().get(t);
      for (int j = 0; j < pa.length; j++) {
        assertThat(pa[j]).isCloseTo(pb[j], within(1e-5f));
      }
    }
    assertThat(a.validationLoss())
        .isLessThan(HeadTrainer.crossEntropy(HeadTrainer.probabilities(init, vx), vy));
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() {
    int[] y = new int[90];
    float[][] x = blobs(90, 3, 4, y);
    int[] vy = new int[30];
    float[][] vx = blobs(30, 3, 5, vy);
    List<Double> losses = new ArrayList<>();
    Head init = Head.initial(List.of("a", "b", "c"), "f", Head.statistics(x), 0, 1);
    HeadTrainer.Fit fit =
        HeadTrainer.train(
            init,
            x,
            y,
            vx,
            vy,
            HeadOptions.defaults().withEpochs(200, 3),
            (e, max, tl, vl) -> losses.add(vl));
    assertThat(fit.epochs()).isEqualTo(losses.size());
    assertThat(fit.validationLoss())
        .isEqualTo(losses.stream().mapToDouble(d -> d).min().orElseThrow(), within(1e-4));
    assertThat(fit.validationLoss()).isEqualTo(losses.get(fit.bestEpoch() - 1), within(1e-9));
  }

  @Test
  void warmStartKeepsOldRowsAndANewLabelAddsOne() {
    int[] y = new int[120];
    float[][] x = blobs(120, 2, 6, y);
    Head v1 =
        HeadTrainer.train(
                Head.initial(List.of("a", "b"), "f", Head.statistics(x), 0, 3),
                x,
                y,
                x,
                y,
                HeadOptions.defaults().withEpochs(10, 3),
                null)
            .head();
    Head grown = v1.withLabels(List.of("a", "b", "c"));
    assertThat(grown.classes()).isEqualTo(3);
    for (int i = 0; i < D; i++) {
      for (int k = 0; k < 2; k++) {
        assertThat(grown.params().get(0)[i * 3 + k]).isEqualTo(v1.params().get(0)[i * 2 + k]);
      }
      assertThat(grown.params().get(0)[i * 3 + 2]).isZero();
    }
    assertThat(grown.params().get(1)).startsWith(v1.params().get(1));
    float[][] p1 = HeadTrainer.probabilities(v1, x);
    float[][] p2 = HeadTrainer.probabilities(grown, x);
    for (int i = 0; i < x.length; i++) {
      assertThat(p2[i][0] / p2[i][1])
          .isCloseTo(p1[i][0] / p1[i][1], within(1e-3f * p1[i][0] / p1[i][1]));
    }
    assertThatThrownBy(() -> v1.withLabels(List.of("b", "a")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serializesExactly() {
    int[] y = new int[30];
    float[][] x = blobs(30, 3, 8, y);
    Head h = Head.initial(List.of("a", "b", "c"), "layer", Head.statistics(x), 4, 9);
    Head back = Head.fromJson(h.toJson());
    assertThat(back.labels()).isEqualTo(h.labels());
    assertThat(back.normalizationDigest()).isEqualTo(h.normalizationDigest());
    for (int t = 0; t < h.params().size(); t++) {
      assertThat(back.params().get(t)).containsExactly(h.params().get(t));
    }
    assertThatThrownBy(() -> Head.fromJson("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void samplerBalancesClasses() {
    int[] y = new int[110];
    for (int i = 0; i < 110; i++) {
      y[i] = i < 100 ? 0 : 1;
    }
    int[] epoch = new HeadTrainer.Sampler(y, 2, 1000, new Random(1)).epoch();
    assertThat(epoch).hasSize(200);
    assertThat(java.util.Arrays.stream(epoch).filter(i -> y[i] == 1).count()).isEqualTo(100);
    assertThat(new HeadTrainer.Sampler(y, 2, 50, new Random(1)).epoch()).hasSize(50);
  }

  static double accuracy(float[][] p, int[] y) {
    int ok = 0;
    for (int i = 0; i < y.length; i++) {
      int best = 0;
      for (int k = 1; k < p[i].length; k++) {
        if (p[i][k] > p[i][best]) {
          best = k;
        }
      }
      ok += best == y[i] ? 1 : 0;
    }
    return (double) ok / y.length;
  }

  private static List<float[]> copy(List<float[]> p) {
    List<float[]> out = new ArrayList<>();
    p.forEach(a -> out.add(a.clone()));
    return out;
  }
}
