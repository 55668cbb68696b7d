package dev.streamtune.demo;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.VersionStatus;
import java.util.Locale;

/** The demo's console text: one line per version, and the summary. */
final class DemoText {
  private DemoText() {}

  /**
   * A version's line: status, the served model's test accuracy and its change, validation accuracy,
   * examples, training time and what was trained; a REJECTED version's reason.
   */
  static String version(ModelVersion v, double test, double previous) {
    StringBuilder b =
        new StringBuilder(String.format(Locale.ROOT, "v%-3d %-9s", v.getVersion(), v.getStatus()));
    if (v.getStatus() == VersionStatus.PUBLISHED) {
      b.append(String.format(Locale.ROOT, " test accuracy %5.1f%%", 100 * test));
      b.append(
          Double.isNaN(previous)
              ? "         "
              : String.format(Locale.ROOT, " (%+5.1f)", 100 * (test - previous)));
    } else if (Double.isNaN(test)) {
      b.append(" no version served yet        ");
    } else {
      b.append(
          String.format(
              Locale.ROOT, " test accuracy %5.1f%% (the previous version stays)", 100 * test));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "  validation %5.1f%%  %d examples (+%d)  trained in %.1f s  %s",
            100 * v.getMetrics().getAccuracy(),
            v.getExamples().getTotal(),
            v.getExamples().getNewExamples(),
            v.getTimings().getTrainingMillis() / 1000.0,
            v.getTraining().getMode().toString().toLowerCase(Locale.ROOT)));
    b.append(
        v.getTraining().getCut() != null
            ? " above " + v.getTraining().getCut()
            : " on " + v.getTraining().getFeatureLayer());
    if (v.getStatus() != VersionStatus.PUBLISHED) {
      b.append(System.lineSeparator()).append("     ").append(v.getReason());
    }
    return b.toString();
  }

  /** The summary after the last version. */
  static String summary(DemoSummary s, int testImages) {
    StringBuilder b = new StringBuilder(System.lineSeparator());
    long seconds = s.took().toSeconds();
    b.append(
        String.format(
            Locale.ROOT,
            "Summary: model %s, %d versions (%d PUBLISHED) in %d min %02d s.%n",
            s.modelId(),
            s.versions().size(),
            s.published(),
            seconds / 60,
            seconds % 60));
    double first = s.firstAccuracy();
    if (!Double.isNaN(first)) {
      double last = s.lastAccuracy();
      b.append(
          String.format(
              Locale.ROOT,
              "Accuracy of the served model on %d held-out images: %.1f%% when first served, %.1f%% now (%+.1f points).%n",
              testImages,
              100 * first,
              100 * last,
              100 * (last - first)));
    } else {
      b.append("No version was PUBLISHED: see the reasons above (more images per class help).")
          .append(System.lineSeparator());
    }
    if (s.labelled() > 0) {
      b.append(
          String.format(
              Locale.ROOT,
              "The labelling round answered %d labelling requests with held-back images' true "
                  + "labels (the demo's stand-in for a person at streamtune label); v%d trained "
                  + "on them.%n",
              s.labelled(),
              s.versions().get(s.versions().size() - 1).getVersion()));
    }
    b.append("Every version's model card, metrics and artifacts are in S3 under models/")
        .append(s.modelId())
        .append("/; streamtune models lists them.")
        .append(System.lineSeparator());
    return b.toString();
  }
}
