package dev.streamtune.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a run does when its candidate fails the guard-rails against its parent: it tries remedies in
 * order (a gentler step, the parent's blocks with a retrained head) and keeps the first that
 * passes; when none does, it goes on with the first candidate, which the guard-rails then refuse
 * (every attempt recorded as refused). Every candidate is recorded with why it was kept or refused,
 * for the version's reason and its model card.
 */
final class Remedies {
  private Remedies() {}

  /**
   * One candidate a run trained.
   *
   * @param name what it was ("light epoch", "gentler: learning rates / 10", …)
   * @param accuracy its validation accuracy
   * @param kept whether it passed and the run kept it
   * @param reason the guard-rails' verdict on it
   */
  record Attempt(String name, double accuracy, boolean kept, String reason) {
    /** As one line of a reason: {@code light epoch (0.8123): refused: recall of …}. */
    String line() {
      return String.format(
          Locale.ROOT, "%s (%.4f): %s: %s", name, accuracy, kept ? "kept" : "refused", reason);
    }
  }

  /**
   * A remedy to try.
   *
   * @param name what it is
   * @param train trains it
   */
  record Remedy<T>(String name, Supplier<T> train) {}

  /**
   * The kept candidate and every candidate tried, in order.
   *
   * @param kept the candidate to go on with
   * @param attempts the candidates tried, the first candidate first
   */
  record Chosen<T>(T kept, List<Attempt> attempts) {}

  /** How a candidate that started from a background consolidation's weights is named first. */
  static final String CONSOLIDATED = "consolidated ";

  /**
   * The attempts as a reason's suffix, or empty when the first candidate was the only one and
   * started from its parent.
   */
  static String summary(List<Attempt> attempts) {
    if (attempts.size() < 2
        && (attempts.isEmpty() || !attempts.get(0).name().startsWith(CONSOLIDATED))) {
      return "";
    }
    StringBuilder b = new StringBuilder("; candidates: ");
    for (int i = 0; i < attempts.size(); i++) {
      b.append(i == 0 ? "" : " | ").append(attempts.get(i).line());
    }
    return b.toString();
  }

  /**
   * Tries {@code remedies} while the candidates fail {@code gate}.
   *
   * @param first the run's candidate
   * @param firstName what it is
   * @param evaluate a candidate's validation evaluation
   * @param gate the guard-rails on an evaluation (against the same parent, without the export
   *     check, which only the kept candidate goes through)
   */
  static <T> Chosen<T> choose(
      T first,
      String firstName,
      List<Remedy<T>> remedies,
      Function<T, Evaluation> evaluate,
      Function<Evaluation, GuardRails.Decision> gate) {
    List<Attempt> attempts = new ArrayList<>();
    Evaluation e = evaluate.apply(first);
    GuardRails.Decision d = gate.apply(e);
    if (d.publish()) {
      attempts.add(new Attempt(firstName, e.accuracy(), true, d.reason()));
      return new Chosen<>(first, attempts);
    }
    List<Attempt> refused = new ArrayList<>();
    refused.add(new Attempt(firstName, e.accuracy(), false, d.reason()));
    for (Remedy<T> r : remedies) {
      T candidate = r.train().get();
      Evaluation re = evaluate.apply(candidate);
      GuardRails.Decision rd = gate.apply(re);
      if (rd.publish()) {
        refused.add(new Attempt(r.name(), re.accuracy(), true, rd.reason()));
        return new Chosen<>(candidate, refused);
      }
      refused.add(new Attempt(r.name(), re.accuracy(), false, rd.reason()));
    }
    return new Chosen<>(first, refused);
  }
}
