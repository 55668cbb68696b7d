package dev.streamtune.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality of a classifier on a labelled set: accuracy, macro-F1, mean cross-entropy, per-label
 * precision and recall, and the confusion matrix (rows: true label, columns: predicted).
 *
 * @param labels label names, in index order
 * @param accuracy top-1 accuracy
 * @param macroF1 unweighted mean of per-label F1 over labels with examples or predictions
 * @param loss mean cross-entropy
 * @param recall recall per label (labels without examples are left out)
 * @param precision precision per label (0 for a label never predicted)
 * @param confusion counts, [true][predicted]
 * @param predicted the predicted label index of each example
 * @param truth the true label index of each example
 */
public record Evaluation(
    List<String> labels,
    double accuracy,
    double macroF1,
    double loss,
    Map<String, Double> recall,
    Map<String, Double> precision,
    long[][] confusion,
    int[] predicted,
    int[] truth) {

  /**
   * Scores probabilities against true label indices. Probabilities may have fewer columns than
   * there are labels (a parent that never saw the newest labels): those examples count as wrong.
   */
  public static Evaluation of(List<String> labels, float[][] probabilities, int[] truth) {
    int k = labels.size();
    long[][] confusion = new long[k][k];
    int[] predicted = new int[truth.length];
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < truth.length; i++) {
      float[] p = probabilities[i];
      int best = 0;
      for (int j = 1; j < p.length; j++) {
        if (p[j] > p[best]) {
          best = j;
        }
      }
      predicted[i] = best;
      confusion[truth[i]][best]++;
      correct += best == truth[i] ? 1 : 0;
      loss -= Math.log(Math.max(1e-12, truth[i] < p.length ? p[truth[i]] : 0));
    }
    Map<String, Double> recall = new LinkedHashMap<>();
    Map<String, Double> precision = new LinkedHashMap<>();
    double f1 = 0;
    int scored = 0;
    for (int c = 0; c < k; c++) {
      long tp = confusion[c][c];
      long actual = 0;
      long called = 0;
      for (int j = 0; j < k; j++) {
        actual += confusion[c][j];
        called += confusion[j][c];
      }
      double r = actual == 0 ? 0 : (double) tp / actual;
      double pr = called == 0 ? 0 : (double) tp / called;
      if (actual > 0) {
        recall.put(labels.get(c), r);
      }
      precision.put(labels.get(c), pr);
      if (actual > 0 || called > 0) {
        f1 += r + pr == 0 ? 0 : 2 * r * pr / (r + pr);
        scored++;
      }
    }
    int n = truth.length;
    return new Evaluation(
        List.copyOf(labels),
        n == 0 ? 0 : (double) correct / n,
        scored == 0 ? 0 : f1 / scored,
        n == 0 ? Double.NaN : loss / n,
        recall,
        precision,
        confusion,
        predicted,
        truth.clone());
  }
}
