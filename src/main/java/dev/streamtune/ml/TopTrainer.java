package dev.streamtune.ml;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Fine-tunes the top of a TF.js layers base model above a cut, and a linear head on its pooled
 * output, from cached cut activations ({@link CutExtractor}), so no image goes through the frozen
 * bottom twice. Training is in-graph Adam ({@link TopGraph}): the blocks at a lower learning rate
 * than the head, both following a cosine down to a tenth over {@code maxEpochs}, weight decay on
 * the kernels, BatchNormalization statistics frozen, class-balanced epochs of a bounded size from
 * the whole training set (rehearsal), and early stopping on the validation loss, keeping the best
 * epoch (at least one: the starting weights are never returned as they are, since the trainer's
 * guard-rails compare the result with the parent). Warm starts pass the parent's top, its head
 * grown with {@link Head#withLabels}, as {@code init}, and resume the parent's {@link AdamState};
 * the learning rates rise linearly over the first {@link TopOptions#warmupSteps()} steps.
 *
 * <pre>{@code
 * TopModel init = TopTrainer.initial(baseModel, "block_10_project_BN", "out_relu", labels, 42);
 * TopTrainer.Fit fit = TopTrainer.train(baseModel, init, trainX, trainY, valX, valY, TopOptions.defaults(), null);
 * }</pre>
 */
public final class TopTrainer {
  private static final int EVAL_BATCH = 64;

  private TopTrainer() {}

  /**
   * A fine-tuned top.
   *
   * @param top the weights of the best epoch
   * @param epochs epochs run
   * @param bestEpoch the epoch whose weights were kept (1-based)
   * @param validationLoss the best validation loss (NaN without validation data)
   * @param validationProbabilities the kept weights' probabilities on the validation rows
   * @param initialProbabilities {@code init}'s probabilities on the validation rows (for a warm
   *     start without new labels, the parent's)
   * @param optimizer Adam's state with the kept weights, for the next warm start to resume
   */
  public record Fit(
      TopModel top,
      int epochs,
      int bestEpoch,
      double validationLoss,
      float[][] validationProbabilities,
      float[][] initialProbabilities,
      AdamState optimizer) {}

  /**
   * A fresh top: the base model's weights, and a Glorot-initialized linear head on the pooled
   * {@code featureLayer}, without z-score (Adam adapts its steps per weight).
   */
  public static TopModel initial(
      Path baseModel, String cut, String featureLayer, List<String> labels, long seed) {
    KerasLayersModel model = KerasLayersModel.read(baseModel);
    int channels = TfjsExporter.channels(model.layers(), featureLayer, new java.util.HashMap<>());
    float[] ones = new float[channels];
    java.util.Arrays.fill(ones, 1f);
    return new TopModel(
        cut,
        Map.of(),
        Head.initial(
            labels, featureLayer, new Head.Statistics(new float[channels], ones), 0, seed));
  }

  /** Trains from {@code init} with fresh optimizer state. */
  public static Fit train(
      Path baseModel,
      TopModel init,
      ActivationRows trainX,
      int[] trainY,
      ActivationRows valX,
      int[] valY,
      TopOptions o,
      HeadTrainer.EpochListener listener) {
    return train(baseModel, init, null, trainX, trainY, valX, valY, o, listener);
  }

  /**
   * Trains from {@code init}, resuming Adam's state {@code resume} (null: fresh).
   *
   * @param trainY label index of each training row, in {@code init.head().labels()} order
   * @param valX validation rows, possibly empty (then every epoch runs and the last is kept)
   * @param listener progress callback, or null
   */
  public static Fit train(
      Path baseModel,
      TopModel init,
      AdamState resume,
      ActivationRows trainX,
      int[] trainY,
      ActivationRows valX,
      int[] valY,
      TopOptions o,
      HeadTrainer.EpochListener listener) {
    HeadTrainer.Sampler sampler =
        new HeadTrainer.Sampler(
            trainY, init.head().classes(), o.samplesPerEpoch(), new Random(o.seed()));
    try (TopGraph g = trainingGraph(baseModel, init, resume, o, trainX)) {
      TopModel best = init;
      AdamState bestState = resume;
      float[][] initial = predict(g, valX);
      float[][] bestProbabilities = initial;
      double bestLoss = Double.POSITIVE_INFINITY;
      int bestEpoch = 0;
      int epoch = 0;
      long step = resume == null ? 0 : resume.step();
      int taken = 0;
      while (epoch < o.maxEpochs()) {
        double scale = 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * epoch / o.maxEpochs()));
        epoch++;
        int[] order = sampler.epoch();
        double sum = 0;
        int batches = 0;
        for (int start = 0; start < order.length; start += o.batchSize()) {
          int[] idx =
              java.util.Arrays.copyOfRange(
                  order, start, Math.min(order.length, start + o.batchSize()));
          int[] labels = IntStream.of(idx).map(i -> trainY[i]).toArray();
          double rate = scale * o.warmup(++taken);
          sum +=
              g.step(
                  trainX,
                  idx,
                  labels,
                  (float) (o.learningRate() * rate),
                  (float) (o.headLearningRate() * rate),
                  ++step);
          batches++;
        }
        float[][] probabilities = predict(g, valX);
        double valLoss =
            valX.size() == 0 ? Double.NaN : HeadTrainer.crossEntropy(probabilities, valY);
        if (listener != null) {
          listener.epoch(epoch, o.maxEpochs(), sum / batches, valLoss);
        }
        if (valX.size() == 0 || valLoss < bestLoss - 1e-5) {
          bestLoss = valLoss;
          best = g.snapshot(init);
          bestState = g.optimizer(step);
          bestProbabilities = probabilities;
          bestEpoch = epoch;
        } else if (epoch - bestEpoch >= o.patience()) {
          break;
        }
      }
      return new Fit(best, epoch, bestEpoch, bestLoss, bestProbabilities, initial, bestState);
    }
  }

  /**
   * The weights and Adam's state after a {@link #segment}.
   *
   * @param top the weights
   * @param optimizer Adam's state, whose {@code step} counts every step so far
   */
  public record Segment(TopModel top, AdamState optimizer) {}

  /**
   * One segment of a long schedule that is trained a piece at a time and may be preempted (a
   * background consolidation): one step per {@code batchSize} rows of {@code x}, in order, from
   * {@code init} and Adam's state {@code resume}, the learning rates following the schedule's
   * cosine from their value down to a tenth over {@code total} steps, after a linear warm-up over
   * {@code warmup} steps. The segment's first step is the schedule's step {@code first} (0-based),
   * so that segments trained one after the other, each from the last one's result, train exactly as
   * one run would. No early stopping and no validation: the schedule's end is the result.
   *
   * @param stop checked between two steps; when it says so, the segment's work is dropped
   * @return the result, or null when {@code stop} ended the segment
   */
  public static Segment segment(
      Path baseModel,
      TopModel init,
      AdamState resume,
      ActivationRows x,
      int[] y,
      TopOptions o,
      long first,
      long total,
      long warmup,
      java.util.function.BooleanSupplier stop) {
    try (TopGraph g = trainingGraph(baseModel, init, resume, o, x)) {
      long adam = resume == null ? 0 : resume.step();
      long s = first;
      for (int start = 0; start < x.size(); start += o.batchSize()) {
        if (stop.getAsBoolean()) {
          return null;
        }
        int[] idx = IntStream.range(start, Math.min(x.size(), start + o.batchSize())).toArray();
        int[] labels = IntStream.of(idx).map(i -> y[i]).toArray();
        double rate =
            (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(s, total) / total)))
                * (warmup == 0 ? 1 : Math.min(1.0, (double) (s + 1) / warmup));
        s++;
        g.step(
            x,
            idx,
            labels,
            (float) (o.learningRate() * rate),
            (float) (o.headLearningRate() * rate),
            ++adam);
      }
      return new Segment(g.snapshot(init), g.optimizer(adam));
    }
  }

  private static TopGraph trainingGraph(
      Path baseModel, TopModel init, AdamState resume, TopOptions o, ActivationRows x) {
    if (x.size() == 0) {
      throw new IllegalArgumentException("No training examples");
    }
    Engine.load();
    return new TopGraph(
        KerasLayersModel.read(baseModel),
        init,
        new TopGraph.Training(o.weightDecay(), resume),
        o.batchSize(),
        o.threads());
  }

  /**
   * {@code fit} moved back toward {@code init}, its starting point: the weights {@code init +
   * share·(fit − init)} ({@link TopModel#interpolate}), scored on the validation rows, with the
   * fit's Adam state. It costs one pass over the validation rows, no training: a remedy for a warm
   * start whose last steps overshot.
   *
   * @param share how much of the fit's change to keep, in (0, 1)
   */
  public static Fit toward(
      Path baseModel,
      TopModel init,
      Fit fit,
      double share,
      ActivationRows valX,
      int[] valY,
      int threads) {
    TopModel top = init.interpolate(fit.top(), share);
    float[][] p = probabilities(baseModel, top, valX, threads);
    double loss = valX.size() == 0 ? Double.NaN : HeadTrainer.crossEntropy(p, valY);
    return new Fit(
        top, fit.epochs(), fit.bestEpoch(), loss, p, fit.initialProbabilities(), fit.optimizer());
  }

  /** Class probabilities of activation rows, by the top's graph. */
  public static float[][] probabilities(
      Path baseModel, TopModel top, ActivationRows x, int threads) {
    Engine.load();
    try (TopGraph g =
        new TopGraph(KerasLayersModel.read(baseModel), top, null, EVAL_BATCH, threads)) {
      return predict(g, x);
    }
  }

  private static float[][] predict(TopGraph g, ActivationRows x) {
    float[][] out = new float[x.size()][];
    for (int start = 0; start < x.size(); start += g.batch()) {
      int[] idx = IntStream.range(start, Math.min(x.size(), start + g.batch())).toArray();
      float[][] p = g.predict(x, idx);
      System.arraycopy(p, 0, out, start, p.length);
    }
    return out;
  }
}
