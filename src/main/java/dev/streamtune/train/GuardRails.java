package dev.streamtune.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a candidate may be published, as TFX's Evaluator and InfraValidator do: a first
 * version must reach an absolute accuracy floor; a later one must not fall below its parent, on
 * the same validation set, by more than the tolerance, nor any label's recall by more than the
 * allowed drop; and the exported SavedModel must reproduce the training graph.
 */
final class GuardRails {
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
  static Decision decide(TrainConfig config, Evaluation candidate, Evaluation parent, String export) {
    List<String> failed = new ArrayList<>();
    if (export != null) {
      failed.add("export check: " + export);
    }
    if (parent == null) {
      if (candidate.accuracy() < config.minAccuracy()) {
        failed.add(String.format(Locale.ROOT, "accuracy %.4f is below the floor %.4f for a first version",
            candidate.accuracy(), config.minAccuracy()));
      }
    } else {
      if (candidate.accuracy() < parent.accuracy() - config.tolerance()) {
        failed.add(String.format(Locale.ROOT, "accuracy %.4f fell below the parent's %.4f by more than %.4f",
            candidate.accuracy(), parent.accuracy(), config.tolerance()));
      }
      for (Map.Entry<String, Double> e : parent.recall().entrySet()) {
        Double now = candidate.recall().get(e.getKey());
        if (now != null && now < e.getValue() - config.maxRecallDrop()) {
          failed.add(String.format(Locale.ROOT, "recall of %s fell from %.4f to %.4f (more than %.4f)", e.getKey(),
              e.getValue(), now, config.maxRecallDrop()));
        }
      }
    }
    if (!failed.isEmpty()) {
      return new Decision(false, String.join("; ", failed));
    }
    return new Decision(true, parent == null
        ? String.format(Locale.ROOT, "first version: accuracy %.4f ≥ floor %.4f", candidate.accuracy(),
            config.minAccuracy())
        : String.format(Locale.ROOT, "accuracy %.4f against the parent's %.4f on the same validation set",
            candidate.accuracy(), parent.accuracy()));
  }
}
