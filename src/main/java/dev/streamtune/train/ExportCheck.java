package dev.streamtune.train;

import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.ml.Head;
import dev.streamtune.store.ObjectStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load-and-query check, as TFX's InfraValidator does: the exported SavedModel is loaded through
 * DJL and run on up to N validation images, straight from their bytes. Its probabilities must be
 * within 1e-4 of the training graph's on the cached features, with the same top label on at least
 * 99.9% of them.
 *
 * @param failure why it failed, or null
 * @param misses validation images among those checked that the candidate got wrong, a few
 */
record ExportCheck(String failure, List<Reports.Miss> misses) {
  static final double MAX_DIFF = 1e-4;
  static final double MIN_AGREEMENT = 0.999;
  private static final long MAX_PIXELS = 100_000_000L;
  private static final int MISSES = 8;

  /**
   * @param trained the training graph's probabilities for the validation examples, in order; a null
   *     row, or an image relabelled or erased since the listing, is left out of the check
   */
  static ExportCheck run(
      ObjectStore store,
      Path savedModel,
      Split split,
      Head head,
      float[][] trained,
      Evaluation eval,
      int n) {
    List<Dataset.Example> examples = split.validationExamples();
    List<Integer> checked = new ArrayList<>();
    List<byte[]> images = new ArrayList<>();
    for (int i = 0; i < Math.min(n, examples.size()); i++) {
      int at = i;
      if (trained[i] != null) {
        store
            .get(examples.get(i).key())
            .ifPresent(
                b -> {
                  checked.add(at);
                  images.add(b);
                });
      }
    }
    int count = images.size();
    double maxDiff = 0;
    int agree = 0;
    List<Reports.Miss> misses = new ArrayList<>();
    try (ExportedClassifier c = ExportedClassifier.open(savedModel, MAX_PIXELS)) {
      for (int start = 0; start < count; start += 16) {
        List<byte[]> batch = images.subList(start, Math.min(count, start + 16));
        float[][] actual = c.probabilities(batch);
        for (int i = 0; i < batch.size(); i++) {
          int at = checked.get(start + i);
          float[] a = actual[i];
          float[] e = trained[at];
          for (int k = 0; k < e.length; k++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[k] - e[k]));
          }
          agree += argmax(a) == argmax(e) ? 1 : 0;
          int truth = split.valY()[at];
          int predicted = eval.predicted()[at];
          if (predicted != truth && misses.size() < MISSES) {
            String key = examples.get(at).key();
            misses.add(
                new Reports.Miss(
                    batch.get(i),
                    "image/" + key.substring(key.lastIndexOf('.') + 1),
                    head.labels().get(truth),
                    head.labels().get(predicted)));
          }
        }
      }
    }
    double agreement = count == 0 ? 1 : (double) agree / count;
    String failure = null;
    if (maxDiff > MAX_DIFF || agreement < MIN_AGREEMENT) {
      failure =
          String.format(
              Locale.ROOT,
              "the exported SavedModel differs from the training graph on %d "
                  + "validation images: max |Δp| %.2e (limit %.0e), top-1 agreement %.4f (need %.3f)",
              count,
              maxDiff,
              MAX_DIFF,
              agreement,
              MIN_AGREEMENT);
    }
    return new ExportCheck(failure, misses);
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }
}
