package dev.streamtune.serve;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The versions of one model that serve should hold: the champion it answers with and the challenger
 * on trial, 0 for none. The one place that says what {@code serve.challenger.mode} and the {@code
 * models.champions} decisions mean; a pure function of what was read.
 *
 * <ul>
 *   <li>Mode off: the newest PUBLISHED version, no challenger (swap at once).
 *   <li>A decision in force (those read, folded by {@link
 *       dev.streamtune.events.ChampionDecisions#fold}): its champion (or, if that version cannot be
 *       loaded, the newest PUBLISHED one below it); the challenger is the newest PUBLISHED version
 *       above both the champion and the version the decision settled.
 *   <li>No decision yet: the version before the newest PUBLISHED one is the champion and the newest
 *       the challenger (one version alone is champion with no challenger), so that nothing new
 *       reaches every request untried, and a restart or another replica arrives at the same pair.
 * </ul>
 *
 * Versions that are not PUBLISHED, or that this serve refused (their sha256 did not match, they
 * would not open), are never in a lineup.
 *
 * @param champion the version to answer with, 0 for none (keep what is loaded)
 * @param challenger the version on trial, 0 for none
 */
record Lineup(int champion, int challenger) {
  static final Lineup NONE = new Lineup(0, 0);

  /**
   * The lineup of one model.
   *
   * @param history every version of the model read, any order
   * @param decision the model's champion decision in force, or null
   * @param refused versions this serve refused for good
   */
  static Lineup of(
      ChallengerConfig.Mode mode,
      Collection<ModelVersion> history,
      ChampionDecision decision,
      Set<Integer> refused) {
    List<Integer> published =
        history.stream()
            .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
            .map(ModelVersion::getVersion)
            .filter(v -> !refused.contains(v))
            .sorted()
            .toList();
    if (published.isEmpty()) {
      return NONE;
    }
    int newest = published.get(published.size() - 1);
    if (mode == ChallengerConfig.Mode.OFF) {
      return new Lineup(newest, 0);
    }
    if (decision == null) {
      return published.size() == 1
          ? new Lineup(newest, 0)
          : new Lineup(published.get(published.size() - 2), newest);
    }
    int chosen = decision.getChampion();
    int champion = published.stream().filter(v -> v <= chosen).reduce((a, b) -> b).orElse(0);
    int settled = Math.max(chosen, decision.getChallenger());
    return new Lineup(champion, newest > settled && newest != champion ? newest : 0);
  }
}
