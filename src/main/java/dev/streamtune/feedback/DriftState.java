package dev.streamtune.feedback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamtune.events.Prediction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the drift monitor knows of one model, in fixed memory, and the one owner of its JSON form
 * (the value of the {@code drift} store): the version it watches and three histograms of that
 * version's sampled predictions, the predicted class, the top probability (10 equal bins) and each
 * value of the features' {@code projection} (10 bins at the deciles of a normal with the
 * calibration window's mean and deviation). The first window of a version calibrates, the second is
 * the reference, and each later window is compared with it.
 */
final class DriftState {
  static final int BINS = 10;
  static final int MAX_LABELS = 256;
  static final String OTHER = "(other labels)";
  private static final double[] NORMAL_DECILES = {
    -1.2816, -0.8416, -0.5244, -0.2533, 0, 0.2533, 0.5244, 0.8416, 1.2816
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where a version's windows are. */
  enum Phase {
    CALIBRATE,
    REFERENCE,
    MONITOR
  }

  /**
   * A compared window's statistics.
   *
   * @param classPsi PSI of the predicted classes
   * @param confidencePsi PSI of the top probability
   * @param projectionPsi mean PSI of the projection's values, NaN without projections
   * @param drifted whether the largest passed the threshold
   * @param alarm whether this window starts a drift (the previous one had not drifted)
   */
  record Verdict(
      double classPsi, double confidencePsi, double projectionPsi, boolean drifted, boolean alarm) {
    /** The largest of the three. */
    double score() {
      return score(classPsi, confidencePsi, projectionPsi);
    }

    /** The largest of the three, the projection's left out when NaN. */
    static double score(double classPsi, double confidencePsi, double projectionPsi) {
      double known = Math.max(classPsi, confidencePsi);
      return Double.isNaN(projectionPsi) ? known : Math.max(known, projectionPsi);
    }
  }

  public int version;
  public Phase phase = Phase.CALIBRATE;
  public long count;
  public long windows;
  public boolean alarmed;
  public long calibrated;
  public double[] sum = new double[0];
  public double[] sumSq = new double[0];
  public double[] mean = new double[0];
  public double[] std = new double[0];
  public Map<String, Long> refClasses = new TreeMap<>();
  public Map<String, Long> curClasses = new TreeMap<>();
  public long[] refConfidence = new long[BINS];
  public long[] curConfidence = new long[BINS];
  public long[][] refProjection = new long[0][];
  public long[][] curProjection = new long[0][];

  /** For JSON. */
  public DriftState() {}

  DriftState(int version) {
    this.version = version;
  }

  /** Counts one sampled prediction of this version in the current window. */
  void add(Prediction p) {
    List<Float> x = p.getProjection();
    if (phase == Phase.CALIBRATE) {
      if (!x.isEmpty() && (sum.length == 0 || sum.length == x.size())) {
        if (sum.length == 0) {
          sum = new double[x.size()];
          sumSq = new double[x.size()];
        }
        for (int i = 0; i < x.size(); i++) {
          sum[i] += x.get(i);
          sumSq[i] += (double) x.get(i) * x.get(i);
        }
        calibrated++;
      }
    } else {
      String label = p.getTop().isEmpty() ? OTHER : p.getTop().get(0).getLabel();
      if (!curClasses.containsKey(label)
          && !refClasses.containsKey(label)
          && curClasses.size() >= MAX_LABELS) {
        label = OTHER;
      }
      curClasses.merge(label, 1L, Long::sum);
      float top = p.getTop().isEmpty() ? 0 : p.getTop().get(0).getProbability();
      curConfidence[Math.min(BINS - 1, Math.max(0, (int) (top * BINS)))]++;
      if (x.size() == mean.length) {
        for (int i = 0; i < x.size(); i++) {
          curProjection[i][bin(x.get(i), mean[i], std[i])]++;
        }
      }
    }
    count++;
  }

  /** Ends the current window: calibrates, keeps the reference, or compares. */
  Optional<Verdict> close(double threshold) {
    count = 0;
    switch (phase) {
      case CALIBRATE -> {
        long n = Math.max(1, calibrated);
        mean = new double[sum.length];
        std = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
          mean[i] = sum[i] / n;
          std[i] = Math.sqrt(Math.max(1e-12, sumSq[i] / n - mean[i] * mean[i]));
        }
        curProjection = new long[sum.length][BINS];
        phase = Phase.REFERENCE;
        return Optional.empty();
      }
      case REFERENCE -> {
        refClasses = curClasses;
        refConfidence = curConfidence;
        refProjection = curProjection;
        clearCurrent();
        phase = Phase.MONITOR;
        return Optional.empty();
      }
      default -> {
        double projection = Double.NaN;
        if (refProjection.length > 0 && Arrays.stream(refProjection[0]).sum() > 0) {
          projection = 0;
          for (int i = 0; i < refProjection.length; i++) {
            projection += Psi.of(refProjection[i], curProjection[i]) / refProjection.length;
          }
        }
        TreeSet<String> labels = new TreeSet<>(refClasses.keySet());
        labels.addAll(curClasses.keySet());
        long[] ref = labels.stream().mapToLong(l -> refClasses.getOrDefault(l, 0L)).toArray();
        long[] cur = labels.stream().mapToLong(l -> curClasses.getOrDefault(l, 0L)).toArray();
        Verdict v =
            verdict(Psi.of(ref, cur), Psi.of(refConfidence, curConfidence), projection, threshold);
        alarmed = v.drifted();
        windows++;
        clearCurrent();
        return Optional.of(v);
      }
    }
  }

  private Verdict verdict(double c, double conf, double proj, double threshold) {
    boolean drifted = Verdict.score(c, conf, proj) > threshold;
    return new Verdict(c, conf, proj, drifted, drifted && !alarmed);
  }

  private void clearCurrent() {
    curClasses = new TreeMap<>();
    curConfidence = new long[BINS];
    curProjection = new long[mean.length][BINS];
  }

  static int bin(double x, double mean, double std) {
    double z = (x - mean) / std;
    int b = 0;
    while (b < NORMAL_DECILES.length && z >= NORMAL_DECILES[b]) {
      b++;
    }
    return b;
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the drift state", e);
    }
  }

  static DriftState fromJson(String json) {
    try {
      return JSON.readValue(json, DriftState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot read the drift state: " + e.getMessage(), e);
    }
  }
}
