package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TrainLogicTest {
  private static List<Dataset.Example> examples(int n, long seed, String... labels) {
    Random r = new Random(seed);
    List<Dataset.Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] sha = new byte[32];
      r.nextBytes(sha);
      String label = labels[i % labels.length];
      String hex = HexFormat.of().formatHex(sha);
      out.add(new Dataset.Example(hex, label, "examples/m/" + label + "/" + hex + ".png"));
    }
    return out;
  }

  @Test
  void splitIsAboutTenPercentStratifiedAndStableAsTheDatasetGrows() {
    List<Dataset.Example> first = examples(1000, 1, "a", "b", "c");
    Dataset v1 = Dataset.of("m", first, 10);
    assertThat(v1.validation().size()).isBetween(60, 140);
    for (String label : v1.labels()) {
      assertThat(v1.validationExamples().stream().filter(e -> e.label().equals(label)).count())
          .isBetween(15L, 55L);
    }
    List<Dataset.Example> grown = new ArrayList<>(first);
    grown.addAll(examples(500, 2, "a", "b", "c", "d"));
    Dataset v2 = Dataset.of("m", grown, 10);
    for (Dataset.Example e : first) {
      assertThat(v2.validation().contains(e.sha256()))
          .isEqualTo(v1.validation().contains(e.sha256()));
    }
    assertThat(v2.labels()).containsExactly("a", "b", "c", "d");
    assertThat(v2.changedSince(v1.labelsBySha())).isEqualTo(500);
  }

  @Test
  void aSmallLabelStillGetsAValidationImageAndTrainImagesNeverMoveIntoValidation() {
    List<Dataset.Example> two = examples(2, 3, "x");
    Dataset d = Dataset.of("m", two, 1);
    assertThat(d.validationExamples()).hasSize(1);
    assertThat(d.train()).hasSize(1);
    List<Dataset.Example> more = new ArrayList<>(two);
    more.addAll(examples(50, 4, "x"));
    Dataset bigger = Dataset.of("m", more, 1);
    String trained = d.train().get(0).sha256();
    assertThat(bigger.validation()).doesNotContain(trained);
  }

  @Test
  void evaluationCountsEverything() {
    float[][] p = {{0.9f, 0.1f, 0}, {0.2f, 0.8f, 0}, {0.6f, 0.4f, 0}, {0.1f, 0.1f, 0.8f}};
    Evaluation e = Evaluation.of(List.of("a", "b", "c"), p, new int[] {0, 1, 1, 2});
    assertThat(e.accuracy()).isEqualTo(0.75);
    assertThat(e.recall()).containsEntry("b", 0.5).containsEntry("a", 1.0);
    assertThat(e.precision()).containsEntry("a", 0.5);
    assertThat(e.confusion()[1][0]).isEqualTo(1);
    Evaluation narrow =
        Evaluation.of(List.of("a", "b", "c"), new float[][] {{0.9f, 0.1f}}, new int[] {2});
    assertThat(narrow.accuracy()).isZero();
    assertThat(narrow.loss()).isGreaterThan(20);
  }

  private static Evaluation eval(double accuracyA, double accuracyB) {
    int n = 100;
    float[][] p = new float[2 * n][];
    int[] y = new int[2 * n];
    for (int i = 0; i < n; i++) {
      y[i] = 0;
      p[i] = i < accuracyA * n ? new float[] {1, 0} : new float[] {0, 1};
      y[n + i] = 1;
      p[n + i] = i < accuracyB * n ? new float[] {0, 1} : new float[] {1, 0};
    }
    return Evaluation.of(List.of("a", "b"), p, y);
  }

  /**
   * 200 examples of label a all right, and {@code n} of label b with the first {@code hits} right.
   */
  private static Evaluation smallLabel(int hits, int n) {
    float[][] p = new float[200 + n][];
    int[] y = new int[200 + n];
    for (int i = 0; i < 200; i++) {
      p[i] = new float[] {1, 0};
    }
    for (int i = 0; i < n; i++) {
      y[200 + i] = 1;
      p[200 + i] = i < hits ? new float[] {0, 1} : new float[] {1, 0};
    }
    return Evaluation.of(List.of("a", "b"), p, y);
  }

  @Test
  void guardRailsPassAndFailForEachRule() {
    TrainConfig c = TrainConfig.defaults().withGuardRails(0.6, 0.005, 0.10);
    assertThat(GuardRails.decide(c, eval(0.7, 0.7), null, null).publish()).isTrue();
    var floor = GuardRails.decide(c, eval(0.5, 0.5), null, null);
    assertThat(floor.publish()).isFalse();
    assertThat(floor.reason()).contains("below the floor");
    assertThat(GuardRails.decide(c, eval(0.9, 0.9), eval(0.9, 0.91), null).publish()).isTrue();
    var worse = GuardRails.decide(c, eval(0.85, 0.85), eval(0.9, 0.9), null);
    assertThat(worse.publish()).isFalse();
    assertThat(worse.reason()).contains("fell below the parent");
    var recall = GuardRails.decide(c, eval(1.0, 0.78), eval(0.9, 0.9), null);
    assertThat(recall.publish()).isFalse();
    assertThat(recall.reason()).contains("recall of b");
    TrainConfig lenient = c.withGuardRails(0.6, 0.05, 0.10);
    var noisy = GuardRails.decide(lenient, smallLabel(13, 17), smallLabel(17, 17), null);
    assertThat(noisy.publish()).as("4 of 17 fewer hits is not a significant collapse").isTrue();
    var collapse = GuardRails.decide(lenient, smallLabel(2, 17), smallLabel(17, 17), null);
    assertThat(collapse.publish()).isFalse();
    assertThat(collapse.reason()).contains("recall of b");
    var export = GuardRails.decide(c, eval(0.9, 0.9), null, "max |Δp| 1e-2");
    assertThat(export.publish()).isFalse();
    assertThat(export.reason()).contains("export check");
  }

  @Test
  void pendingCoalescesPerModelAndNeverCommitsPastAnotherModelsRequest() {
    Pending p = new Pending();
    TopicPartition tp = new TopicPartition("t", 0);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    p.add("a", "r1", t0.plusSeconds(5), tp, 5);
    p.add("b", "r2", t0, tp, 6);
    p.add("a", "r3", t0, tp, 7);
    Pending.Batch a = p.take().orElseThrow();
    assertThat(a.modelId()).isEqualTo("a");
    assertThat(a.count()).isEqualTo(2);
    assertThat(a.requestId()).isEqualTo("r3");
    assertThat(a.requestedAt()).isEqualTo(t0);
    assertThat(p.done(a))
        .containsEntry(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(6));
    Pending.Batch b = p.take().orElseThrow();
    assertThat(p.done(b))
        .containsEntry(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(8));
    assertThat(p.take()).isEmpty();
    p.add("c", "r4", t0, tp, 9);
    assertThat(p.rewind(p.take().orElseThrow())).isEqualTo(Map.of(tp, 9L));
    assertThat(p.take()).isEmpty();
  }

  @Test
  void janitorRemovesOnlyOldRunsOfDecidedVersionsThatNoEventNames() {
    var store = new dev.streamtune.store.InMemoryObjectStore("b");
    for (String run :
        List.of(
            "1/20260101000000-aaaa",
            "1/20260101000500-bbbb",
            "2/20260101010000-cccc",
            "2/20260101100000-dddd",
            "3/20260101000000-eeee")) {
      store.put(
          "models/m/" + run + "/head/head.json", new byte[] {1}, "application/json", Map.of());
    }
    Map<Integer, String> decided = Map.of(1, "20260101000500-bbbb", 2, "20260101010000-cccc");
    Instant now = Instant.parse("2026-01-01T10:30:00Z");
    List<String> removed = Janitor.sweep(store, "m", decided, now, java.time.Duration.ofHours(1));
    assertThat(removed).containsExactly("models/m/1/20260101000000-aaaa/");
    assertThat(store.list("models/m/"))
        .hasSize(4)
        .contains(
            "models/m/2/20260101100000-dddd/head/head.json",
            "models/m/3/20260101000000-eeee/head/head.json");
  }

  @Test
  void modeFollowsTheSettingAndAutoSwitchesToTopForGood() {
    TrainConfig.Top top = TrainConfig.defaults().top();
    assertThat(top.mode()).isEqualTo(TrainConfig.Mode.AUTO);
    dev.streamtune.ml.Head head =
        dev.streamtune.ml.Head.initial(
            List.of("a", "b"),
            "out_relu",
            new dev.streamtune.ml.Head.Statistics(new float[] {0f}, new float[] {1f}),
            0,
            1);
    Parent headParent = new Parent(null, head, null, Map.of(), 0, null);
    Parent topParent =
        new Parent(
            null,
            head,
            new dev.streamtune.ml.TopModel("block_10_project_BN", Map.of(), head),
            Map.of(),
            100,
            null);
    int at = top.autoExamples();
    assertThat(TrainingRun.mode(top, at - 1, null))
        .isEqualTo(dev.streamtune.events.TrainingMode.HEAD);
    assertThat(TrainingRun.mode(top, at - 1, headParent))
        .isEqualTo(dev.streamtune.events.TrainingMode.HEAD);
    assertThat(TrainingRun.mode(top, at, headParent))
        .isEqualTo(dev.streamtune.events.TrainingMode.TOP);
    assertThat(TrainingRun.mode(top, 10, topParent))
        .as("a fine-tuned lineage stays fine-tuned")
        .isEqualTo(dev.streamtune.events.TrainingMode.TOP);
    TrainConfig.Top forcedHead = top.withMode(TrainConfig.Mode.HEAD);
    assertThat(TrainingRun.mode(forcedHead, 1_000_000, topParent))
        .isEqualTo(dev.streamtune.events.TrainingMode.HEAD);
    TrainConfig.Top forcedTop = top.withMode(TrainConfig.Mode.TOP);
    assertThat(TrainingRun.mode(forcedTop, 2, null))
        .isEqualTo(dev.streamtune.events.TrainingMode.TOP);
    assertThat(
            TrainConfig.from(
                    dev.streamtune.config.ConfigSource.ofSettings(Map.of("train.mode", "top")))
                .top()
                .mode())
        .isEqualTo(TrainConfig.Mode.TOP);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                TrainConfig.from(
                    dev.streamtune.config.ConfigSource.ofSettings(Map.of("train.mode", "bottom"))))
        .hasMessageContaining("train.mode");
  }

  @Test
  void aWarmStartRefitsOnGrowthOnlyWhileARefitCanVisitEveryExample() {
    TrainConfig.Top top = TrainConfig.defaults().top();
    assertThat(top.refitDraws()).isEqualTo(12_000);
    assertThat(top.refits(3_999, 2_000)).as("not grown 2x yet").isFalse();
    assertThat(top.refits(4_000, 2_000)).isTrue();
    assertThat(top.refits(12_000, 6_000)).as("a refit still visits each example").isTrue();
    assertThat(top.refits(18_000, 9_000))
        .as("beyond a refit's draws, rehearsal consolidates: no retrain waits on a refit")
        .isFalse();
    assertThat(top.refits(100_000, 0)).isFalse();
    TrainConfig never =
        TrainConfig.from(
            dev.streamtune.config.ConfigSource.ofSettings(Map.of("train.top.refit.growth", "0")));
    assertThat(never.top().refits(4_000, 1_000)).isFalse();
    TrainConfig bigger =
        TrainConfig.from(
            dev.streamtune.config.ConfigSource.ofSettings(Map.of("train.top.refit.epochs", "10")));
    assertThat(bigger.top().refitDraws())
        .as("no more than the schedule's 15 epochs")
        .isEqualTo(30_000);
    assertThat(bigger.top().refits(18_000, 9_000)).isTrue();
  }

  @Test
  void aDefaultColdStartInTopModeRunsTheWholeCosineScheduleBeforeEarlyStoppingMayEndIt() {
    var options = TrainConfig.defaults().top().options();
    assertThat(options.patience())
        .as("a patience under the schedule's length stopped a 10,000-image cold start at epoch 9")
        .isGreaterThanOrEqualTo(options.maxEpochs());
  }
}
