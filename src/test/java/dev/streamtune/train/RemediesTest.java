package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The remedy path on the real guard-rails: a candidate whose recall of one label collapses is
 * refused, the remedies are tried in order until one passes, and every candidate is recorded; a
 * candidate that passes tries none; when none passes the run goes on with the first, refused.
 */
class RemediesTest {
  private static final List<String> LABELS = List.of("shirt", "coat");
  private static final int[] TRUTH = truth();
  private final TrainConfig config = TrainConfig.defaults();
  private final Evaluation parent = Evaluation.of(LABELS, answers(1), TRUTH);
  private final Function<float[][], Evaluation> evaluate = p -> Evaluation.of(LABELS, p, TRUTH);
  private final Function<Evaluation, GuardRails.Decision> gate =
      e -> GuardRails.decide(config, e, parent, null);

  @Test
  void aRefusedCandidateTriesRemediesUntilOnePasses() {
    List<String> trained = new ArrayList<>();
    Remedies.Chosen<float[][]> chosen =
        Remedies.choose(
            answers(12),
            "light epoch",
            List.of(
                remedy("gentler", answers(10), trained),
                remedy("head only", answers(1), trained),
                remedy("never", answers(0), trained)),
            evaluate,
            gate);

    assertThat(trained).containsExactly("gentler", "head only");
    assertThat(evaluate.apply(chosen.kept()).accuracy()).isEqualTo(39 / 40.0);
    assertThat(chosen.attempts())
        .extracting(Remedies.Attempt::name, Remedies.Attempt::kept)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("light epoch", false),
            org.assertj.core.groups.Tuple.tuple("gentler", false),
            org.assertj.core.groups.Tuple.tuple("head only", true));
    assertThat(chosen.attempts().get(0).reason()).contains("recall of shirt fell from 0.9500");
    String summary = Remedies.summary(chosen.attempts());
    assertThat(summary)
        .startsWith("; candidates: light epoch (0.7000): refused: accuracy 0.7000 fell below")
        .contains("recall of shirt fell from 0.9500 to 0.4000")
        .contains(" | gentler (0.7500): refused: ")
        .endsWith(
            " | head only (0.9750): kept: accuracy 0.9750 against the parent's 0.9750 on the same validation set");
  }

  @Test
  void aCandidateThatPassesTriesNothing() {
    List<String> trained = new ArrayList<>();
    Remedies.Chosen<float[][]> chosen =
        Remedies.choose(
            answers(0),
            "light epoch",
            List.of(remedy("gentler", answers(0), trained)),
            evaluate,
            gate);
    assertThat(trained).isEmpty();
    assertThat(chosen.attempts())
        .singleElement()
        .extracting(Remedies.Attempt::kept)
        .isEqualTo(true);
    assertThat(Remedies.summary(chosen.attempts())).isEmpty();
  }

  @Test
  void aKeptCandidateThatStartedFromAConsolidationIsNamedInTheReasonAlone() {
    String name =
        Remedies.CONSOLIDATED
            + "(from version 2: 4 chunk(s) of 41 over 41 examples), then light epoch";
    Remedies.Chosen<float[][]> chosen =
        Remedies.choose(answers(0), name, List.of(), evaluate, gate);
    assertThat(Remedies.summary(chosen.attempts()))
        .startsWith("; candidates: " + name + " (")
        .contains("): kept: ");
  }

  @Test
  void whenNoRemedyPassesTheFirstCandidateGoesOnRefused() {
    List<String> trained = new ArrayList<>();
    float[][] first = answers(12);
    Remedies.Chosen<float[][]> chosen =
        Remedies.choose(
            first,
            "light epoch",
            List.of(
                remedy("gentler", answers(11), trained), remedy("head only", answers(9), trained)),
            evaluate,
            gate);
    assertThat(chosen.kept()).isSameAs(first);
    assertThat(chosen.attempts()).hasSize(3).noneMatch(Remedies.Attempt::kept);
    assertThat(gate.apply(evaluate.apply(chosen.kept())).publish()).isFalse();
  }

  private static Remedies.Remedy<float[][]> remedy(
      String name, float[][] result, List<String> trained) {
    return new Remedies.Remedy<>(
        name,
        () -> {
          trained.add(name);
          return result;
        });
  }

  /** 20 shirts then 20 coats. */
  private static int[] truth() {
    int[] t = new int[40];
    for (int i = 20; i < 40; i++) {
      t[i] = 1;
    }
    return t;
  }

  /** Right on every example but the first {@code wrongShirts} shirts, taken for coats. */
  private static float[][] answers(int wrongShirts) {
    float[][] p = new float[40][];
    for (int i = 0; i < 40; i++) {
      boolean coat = i >= 20 || i < wrongShirts;
      p[i] = coat ? new float[] {0.1f, 0.9f} : new float[] {0.9f, 0.1f};
    }
    return p;
  }
}
