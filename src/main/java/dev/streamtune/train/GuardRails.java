package dev.streamtune.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a candidate may be published, as TFX's Evaluator and InfraValidator do: a first
 * version must reach an absolute accuracy floor; a later one must not fall below its parent, on the
 * same validation set, by more than the tolerance, nor may any label's recall collapse; and the
 * exported SavedModel must reproduce the training graph.
 *
 * <p>A label's recall collapses when it drops by more than the allowed amount <em>and</em> the drop
 * is significant by McNemar's paired test on that label's validation examples (continuity
 * corrected, 95%): with 17 examples of a label, four more misses are noise, not a collapse. The
 * paired test fits because candidate and parent answer the very same examples.
 */
final class GuardRails {
  private static final double CHI2_95 = 3.841;

  private GuardRails() {}

  /**
   * The outcome.
   *
   * @param publish true when every rail holds
   * @param reason the failed rails, or a short note when published
   */
  record Decision(boolean publish, String reason) {}

  /**
   * Checks a candidate.
   *
   * @param parent the parent's evaluation on the same validation set, or null for a first version
   * @param export the export check's verdict: null when it passed, else why it failed
   */
  static Decision decide(
      TrainConfig config, Evaluation candidate, Evaluation parent, String export) {
    List<String> failed = new ArrayList<>();
    if (export != null) {
      failed.add("export check: " + export);
    }
    if (parent == null) {
      if (candidate.accuracy() < config.minAccuracy()) {
        failed.add(
            String.format(
                Locale.ROOT,
                "accuracy %.4f is below the floor %.4f for a first version",
                candidate.accuracy(),
                config.minAccuracy()));
      }
    } else {
      if (candidate.accuracy() < parent.accuracy() - config.tolerance()) {
        failed.add(
            String.format(
                Locale.ROOT,
                "accuracy %.4f fell below the parent's %.4f by more than %.4f",
                candidate.accuracy(),
                parent.accuracy(),
                config.tolerance()));
      }
      for (Map.Entry<String, Double> e : parent.recall().entrySet()) {
        Double now = candidate.recall().get(e.getKey());
        if (now != null
            && now < e.getValue() - config.maxRecallDrop()
            && significant(candidate, parent, candidate.labels().indexOf(e.getKey()))) {
          failed.add(
              String.format(
                  Locale.ROOT,
                  "recall of %s fell from %.4f to %.4f (more than %.4f)",
                  e.getKey(),
                  e.getValue(),
                  now,
                  config.maxRecallDrop()));
        }
      }
    }
    if (!failed.isEmpty()) {
      return new Decision(false, String.join("; ", failed));
    }
    return new Decision(
        true,
        parent == null
            ? String.format(
                Locale.ROOT,
                "first version: accuracy %.4f ≥ floor %.4f",
                candidate.accuracy(),
                config.minAccuracy())
            : String.format(
                Locale.ROOT,
                "accuracy %.4f against the parent's %.4f on the same validation set",
                candidate.accuracy(),
                parent.accuracy()));
  }

  /**
   * McNemar's test, continuity corrected, on one label's examples: is the candidate's loss of hits
   * significant?
   */
  static boolean significant(Evaluation candidate, Evaluation parent, int label) {
    int lost = 0;
    int gained = 0;
    for (int i = 0; i < candidate.truth().length; i++) {
      if (candidate.truth()[i] != label) {
        continue;
      }
      boolean was = parent.predicted()[i] == label;
      boolean is = candidate.predicted()[i] == label;
      lost += was && !is ? 1 : 0;
      gained += !was && is ? 1 : 0;
    }
    if (lost + gained == 0 || lost <= gained) {
      return false;
    }
    double chi = Math.pow(Math.abs(lost - gained) - 1, 2) / (lost + gained);
    return chi > CHI2_95;
  }
}
