package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * How a model's champion decisions are keyed and folded: an operator's always takes effect, a
 * trial's only when it settles a newer version, so that a verdict on a challenger an operator has
 * already settled changes nothing, whichever was written first.
 */
class ChampionDecisionsTest {
  private static final Instant AT = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void aTrialAndAnOperatorOnTheSameVersionHaveKeysOfTheirOwn() {
    assertThat(ChampionDecisions.key(trialKept(1, 2))).isEqualTo("pets/2/feedback");
    assertThat(ChampionDecisions.key(operator(2, 2))).isEqualTo("pets/2/operator:ann");
  }

  @Test
  void theFirstDecisionIsInForce() {
    ChampionDecision d = operator(2, 2);
    assertThat(ChampionDecisions.fold(null, d)).isSameAs(d);
  }

  @Test
  void aTrialVerdictOnAVersionAnOperatorSettledChangesNothing() {
    ChampionDecision promotedByHand = operator(2, 2);
    ChampionDecision lateVerdict = trialKept(1, 2);
    assertThat(ChampionDecisions.fold(promotedByHand, lateVerdict)).isSameAs(promotedByHand);
    ChampionDecision verdictFirst = ChampionDecisions.fold(lateVerdict, promotedByHand);
    assertThat(verdictFirst.getChampion()).as("whichever was written first").isEqualTo(2);
    assertThat(verdictFirst.getChallenger()).isEqualTo(2);
  }

  @Test
  void aTrialOfANewerVersionTakesEffect() {
    ChampionDecision held = operator(1, 2);
    ChampionDecision promoted =
        ChampionDecisions.promoted("pets", 3, 3, ChampionDecisions.BY_TRIAL, "{}", AT);
    ChampionDecision in = ChampionDecisions.fold(held, promoted);
    assertThat(in.getChampion()).isEqualTo(3);
    assertThat(in.getChallenger()).isEqualTo(3);
    assertThat(in.getOutcome()).isEqualTo(DecisionOutcome.PROMOTED);
  }

  @Test
  void anOperatorAlwaysDecidesAndNothingSettledIsUnsettled() {
    ChampionDecision promoted =
        ChampionDecisions.promoted("pets", 3, 3, ChampionDecisions.BY_TRIAL, "{}", AT);
    ChampionDecision back = ChampionDecisions.fold(promoted, operator(1, 2));
    assertThat(back.getChampion()).isEqualTo(1);
    assertThat(back.getChallenger()).as("version 3 stays settled").isEqualTo(3);
    assertThat(back.getDecidedBy()).isEqualTo("operator:ann");
  }

  @Test
  void aChampionIsAVersion() {
    assertThatThrownBy(() -> ChampionDecisions.promoted("pets", 0, 0, "x", "", AT))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static ChampionDecision trialKept(int champion, int loser) {
    return ChampionDecisions.kept("pets", champion, loser, ChampionDecisions.BY_TRIAL, "{}", AT);
  }

  private static ChampionDecision operator(int champion, int settles) {
    return ChampionDecisions.promoted(
        "pets", champion, settles, ChampionDecisions.byOperator("ann"), "{}", AT);
  }
}
