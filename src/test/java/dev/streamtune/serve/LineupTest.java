package dev.streamtune.serve;

import static dev.streamtune.serve.ChallengerConfig.Mode.OFF;
import static dev.streamtune.serve.ChallengerConfig.Mode.SHADOW;
import static dev.streamtune.serve.ChallengerConfig.Mode.SPLIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ChampionDecisions;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.testing.SampleVersions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which champion and challenger serve holds, for each mode and decision. */
class LineupTest {
  private static final Instant AT = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void offServesTheNewestPublishedVersionAlone() {
    assertThat(Lineup.of(OFF, versions(1, 2, 3), null, Set.of())).isEqualTo(new Lineup(3, 0));
    assertThat(Lineup.of(OFF, versions(1, 2, 3), promoted(1, 1), Set.of()))
        .as("decisions mean nothing with the mode off")
        .isEqualTo(new Lineup(3, 0));
    assertThat(Lineup.of(OFF, List.of(), null, Set.of())).isEqualTo(Lineup.NONE);
  }

  @Test
  void withoutADecisionTheNewestIsOnTrialAgainstTheOneBefore() {
    assertThat(Lineup.of(SHADOW, versions(1), null, Set.of())).isEqualTo(new Lineup(1, 0));
    assertThat(Lineup.of(SHADOW, versions(1, 2), null, Set.of())).isEqualTo(new Lineup(1, 2));
    assertThat(Lineup.of(SPLIT, versions(1, 2, 3), null, Set.of())).isEqualTo(new Lineup(2, 3));
  }

  @Test
  void rejectedAndRefusedVersionsAreNeverInALineup() {
    List<ModelVersion> h = new ArrayList<>(versions(1, 2));
    h.add(SampleVersions.of("m", 3, VersionStatus.REJECTED, "s3://b/3"));
    assertThat(Lineup.of(SHADOW, h, null, Set.of())).isEqualTo(new Lineup(1, 2));
    assertThat(Lineup.of(SHADOW, versions(1, 2), null, Set.of(2))).isEqualTo(new Lineup(1, 0));
    assertThat(Lineup.of(OFF, versions(1, 2), null, Set.of(2))).isEqualTo(new Lineup(1, 0));
  }

  @Test
  void aPromotionServesItsChampionAndTheNextNewerVersionIsTheChallenger() {
    assertThat(Lineup.of(SHADOW, versions(1, 2), promoted(2, 2), Set.of()))
        .as("promoted, served alone")
        .isEqualTo(new Lineup(2, 0));
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3), promoted(2, 2), Set.of()))
        .isEqualTo(new Lineup(2, 3));
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3, 4), promoted(2, 2), Set.of()))
        .as("only the newest is tried")
        .isEqualTo(new Lineup(2, 4));
  }

  @Test
  void anOperatorsRollbackSettlesEveryNewerVersion() {
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3), promoted(1, 3), Set.of()))
        .isEqualTo(new Lineup(1, 0));
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3, 4), promoted(1, 3), Set.of()))
        .as("a version trained after the rollback is the next challenger")
        .isEqualTo(new Lineup(1, 4));
  }

  @Test
  void aLostTrialKeepsTheChampionAndNeverTriesTheLoserAgain() {
    ChampionDecision kept = ChampionDecisions.kept("m", 1, 2, "feedback", "{}", AT);
    assertThat(Lineup.of(SHADOW, versions(1, 2), kept, Set.of())).isEqualTo(new Lineup(1, 0));
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3), kept, Set.of())).isEqualTo(new Lineup(1, 3));
  }

  @Test
  void aChampionThatCannotLoadFallsBackToTheNewestPublishedOneBelowIt() {
    assertThat(Lineup.of(SHADOW, versions(1, 2, 3), promoted(3, 3), Set.of(3)))
        .isEqualTo(new Lineup(2, 0));
    assertThat(Lineup.of(SHADOW, versions(2, 3), promoted(1, 1), Set.of()))
        .as("nothing at or below the chosen one: keep what is loaded")
        .isEqualTo(new Lineup(0, 3));
  }

  @Test
  void theSettingsAreCheckedAtStartUp() {
    ChallengerConfig d = ChallengerConfig.defaults();
    assertThat(d.mode()).isEqualTo(OFF);
    assertThat(d.enabled()).isFalse();
    assertThat(d.draw()).as("off draws nothing").isFalse();
    ChallengerConfig all =
        ChallengerConfig.from(
            ConfigSource.ofSettings(
                Map.of("serve.challenger.mode", "shadow", "serve.challenger.share", "1")));
    assertThat(all.mode()).isEqualTo(SHADOW);
    assertThat(all.draw()).isTrue();
    assertThatThrownBy(
            () ->
                ChallengerConfig.from(
                    ConfigSource.ofSettings(Map.of("serve.challenger.mode", "canary"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("serve.challenger.mode");
    assertThatThrownBy(
            () ->
                ChallengerConfig.from(
                    ConfigSource.ofSettings(Map.of("serve.challenger.share", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("serve.challenger.share");
    assertThat(ServeConfig.defaults().challenger()).isEqualTo(d);
  }

  private static ChampionDecision promoted(int champion, int settles) {
    return ChampionDecisions.promoted("m", champion, settles, "operator:me", "{}", AT);
  }

  private static List<ModelVersion> versions(int... vs) {
    List<ModelVersion> out = new ArrayList<>();
    for (int v : vs) {
      out.add(SampleVersions.of("m", v, VersionStatus.PUBLISHED, "s3://b/" + v));
    }
    return out;
  }
}
