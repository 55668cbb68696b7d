package dev.streamtune.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link Head} in a TensorFlow graph: mini-batch Adam on the mean cross-entropy plus L2,
 * class-balanced sampling, and early stopping on the validation loss (the best epoch's weights are
 * returned). Warm starts simply pass the parent's head, grown with {@link Head#withLabels}, as
 * {@code init}. Seeded: the same inputs and options give the same weights.
 *
 * <pre>{@code
 * Head init = Head.initial(labels, "block_13_expand_relu", Head.statistics(trainX), 0, 42);
 * HeadTrainer.Fit fit = HeadTrainer.train(init, trainX, trainY, valX, valY, HeadOptions.defaults(), null);
 * float[][] p = HeadTrainer.probabilities(fit.head(), valX);
 * }</pre>
 */
public final class HeadTrainer {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-7f;
  private static final int EVAL_BATCH = 1024;

  private HeadTrainer() {}

  /** Called after each epoch, for progress reports. */
  @FunctionalInterface
  public interface EpochListener {
    /**
     * One epoch done: its mean training loss and the validation loss (NaN without validation data).
     */
    void epoch(int epoch, int maxEpochs, double trainLoss, double validationLoss);
  }

  /**
   * A trained head.
   *
   * @param head the weights of the best epoch
   * @param epochs epochs run
   * @param bestEpoch the epoch whose weights were kept (1-based)
   * @param validationLoss the best validation loss (NaN without validation data)
   */
  public record Fit(Head head, int epochs, int bestEpoch, double validationLoss) {}

  /**
   * Trains from {@code init}.
   *
   * @param trainX raw (not normalized) training features; normalized with {@code init}'s statistics
   * @param trainY label index of each training row, in {@code init.labels()} order
   * @param valX raw validation features, possibly empty (then every epoch runs and the last is
   *     kept)
   * @param listener progress callback, or null
   */
  public static Fit train(
      Head init,
      float[][] trainX,
      int[] trainY,
      float[][] valX,
      int[] valY,
      HeadOptions o,
      EpochListener listener) {
    if (trainX.length == 0) {
      throw new IllegalArgumentException("No training examples");
    }
    float[][] x = init.normalize(trainX);
    float[][] vx = init.normalize(valX);
    Random random = new Random(o.seed());
    Sampler sampler = new Sampler(trainY, init.classes(), o.maxSamplesPerEpoch(), random);
    List<float[]> p = copy(init.params());
    List<float[]> m = zeros(p);
    List<float[]> v = zeros(p);
    List<float[]> best = copy(p);
    double bestLoss = Double.POSITIVE_INFINITY;
    int bestEpoch = 0;
    int step = 0;
    int epoch = 0;
    try (HeadGraph g =
        new HeadGraph(init.inputs(), init.hidden(), init.classes(), o.l2(), o.threads())) {
      while (epoch < o.maxEpochs()) {
        epoch++;
        int[] order = sampler.epoch();
        double sum = 0;
        int batches = 0;
        for (int start = 0; start < order.length; start += o.batchSize()) {
          int n = Math.min(o.batchSize(), order.length - start);
          float[] bx = new float[n * init.inputs()];
          int[] by = new int[n];
          for (int i = 0; i < n; i++) {
            System.arraycopy(x[order[start + i]], 0, bx, i * init.inputs(), init.inputs());
            by[i] = trainY[order[start + i]];
          }
          HeadGraph.Step s = g.step(p, bx, by);
          adam(p, m, v, s.gradients(), ++step, o.learningRate());
          sum += s.loss();
          batches++;
        }
        double valLoss =
            vx.length == 0
                ? Double.NaN
                : crossEntropy(predict(g, p, vx, init.inputs(), init.classes()), valY);
        if (listener != null) {
          listener.epoch(epoch, o.maxEpochs(), sum / batches, valLoss);
        }
        if (vx.length == 0 || valLoss < bestLoss - 1e-5) {
          bestLoss = vx.length == 0 ? Double.NaN : valLoss;
          best = copy(p);
          bestEpoch = epoch;
        } else if (epoch - bestEpoch >= o.patience()) {
          break;
        }
      }
    }
    return new Fit(init.withParams(best), epoch, bestEpoch, bestLoss);
  }

  /** Class probabilities of raw feature vectors, computed by the head's graph. */
  public static float[][] probabilities(Head head, float[][] raw) {
    if (raw.length == 0) {
      return new float[0][];
    }
    try (HeadGraph g = new HeadGraph(head.inputs(), head.hidden(), head.classes(), 0, 1)) {
      return predict(g, head.params(), head.normalize(raw), head.inputs(), head.classes());
    }
  }

  /** Mean cross-entropy of probabilities against label indices. */
  public static double crossEntropy(float[][] probabilities, int[] labels) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum -= Math.log(Math.max(1e-12, probabilities[i][labels[i]]));
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  private static float[][] predict(HeadGraph g, List<float[]> p, float[][] x, int d, int k) {
    float[][] out = new float[x.length][];
    for (int start = 0; start < x.length; start += EVAL_BATCH) {
      int n = Math.min(EVAL_BATCH, x.length - start);
      float[] bx = new float[n * d];
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[start + i], 0, bx, i * d, d);
      }
      float[] probs = g.probabilities(p, bx, n);
      for (int i = 0; i < n; i++) {
        out[start + i] = java.util.Arrays.copyOfRange(probs, i * k, (i + 1) * k);
      }
    }
    return out;
  }

  private static void adam(
      List<float[]> p, List<float[]> m, List<float[]> v, List<float[]> g, int t, float lr) {
    double alpha = lr * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    for (int i = 0; i < p.size(); i++) {
      float[] pi = p.get(i);
      float[] mi = m.get(i);
      float[] vi = v.get(i);
      float[] gi = g.get(i);
      for (int j = 0; j < pi.length; j++) {
        mi[j] = BETA1 * mi[j] + (1 - BETA1) * gi[j];
        vi[j] = BETA2 * vi[j] + (1 - BETA2) * gi[j] * gi[j];
        pi[j] -= (float) (alpha * mi[j] / (Math.sqrt(vi[j]) + EPSILON));
      }
    }
  }

  private static List<float[]> copy(List<float[]> p) {
    List<float[]> out = new ArrayList<>(p.size());
    p.forEach(a -> out.add(a.clone()));
    return out;
  }

  private static List<float[]> zeros(List<float[]> p) {
    List<float[]> out = new ArrayList<>(p.size());
    p.forEach(a -> out.add(new float[a.length]));
    return out;
  }

  /**
   * Class-balanced epochs: as many draws per class as the largest class has examples (bounded in
   * total), each class cycling through its own reshuffled examples, interleaved and shuffled.
   */
  static final class Sampler {
    private final List<int[]> byClass = new ArrayList<>();
    private final int[] cursor;
    private final int perClass;
    private final Random random;

    Sampler(int[] labels, int classes, int maxSamples, Random random) {
      this.random = random;
      int largest = 0;
      for (int k = 0; k < classes; k++) {
        int kk = k;
        int[] idx =
            java.util.stream.IntStream.range(0, labels.length)
                .filter(i -> labels[i] == kk)
                .toArray();
        if (idx.length > 0) {
          byClass.add(idx);
          largest = Math.max(largest, idx.length);
        }
      }
      this.cursor = new int[byClass.size()];
      this.perClass = Math.max(1, Math.min(largest, maxSamples / byClass.size()));
      byClass.forEach(this::shuffle);
    }

    int[] epoch() {
      int[] out = new int[perClass * byClass.size()];
      int n = 0;
      for (int c = 0; c < byClass.size(); c++) {
        int[] idx = byClass.get(c);
        for (int i = 0; i < perClass; i++) {
          if (cursor[c] == idx.length) {
            shuffle(idx);
            cursor[c] = 0;
          }
          out[n++] = idx[cursor[c]++];
        }
      }
      shuffle(out);
      return out;
    }

    private void shuffle(int[] a) {
      for (int i = a.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
    }
  }
}
