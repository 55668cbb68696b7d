package dev.streamtune.ml;

/**
 * How the top of the network is fine-tuned (see {@link TopTrainer}).
 *
 * @param learningRate Adam's step size for the convolutional blocks above the cut; 0 keeps them as
 *     they are (a head retrained on a fixed top)
 * @param headLearningRate Adam's step size for the head, higher: it starts from scratch on a cold
 *     start
 * @param weightDecay {@code weightDecay/2·Σw²} over the pointwise and dense kernels is added to the
 *     loss
 * @param batchSize examples per step
 * @param maxEpochs the most epochs; early stopping usually ends sooner. The learning rates follow a
 *     cosine from their value down to a tenth over these epochs
 * @param patience epochs without a better validation loss before stopping (the best weights are
 *     kept)
 * @param samplesPerEpoch examples one epoch draws, class-balanced from the whole training set, so
 *     that the cost of an epoch does not grow with the dataset
 * @param seed seeds initialization and sampling
 * @param threads TensorFlow intra-op threads
 * @param warmupSteps the learning rates rise linearly over this run's first steps, from {@code
 *     1/warmupSteps} of their value to all of it (0: no warm-up), so that a warm start's first
 *     steps on a converged model are gentle
 */
public record TopOptions(
    float learningRate,
    float headLearningRate,
    float weightDecay,
    int batchSize,
    int maxEpochs,
    int patience,
    int samplesPerEpoch,
    long seed,
    int threads,
    int warmupSteps) {
  /** Validates the values. */
  public TopOptions {
    if (!(learningRate >= 0)
        || !(headLearningRate > 0)
        || weightDecay < 0
        || batchSize < 1
        || maxEpochs < 1
        || patience < 1
        || samplesPerEpoch < 1
        || threads < 1
        || warmupSteps < 0) {
      throw new IllegalArgumentException(
          "Invalid top options: "
              + learningRate
              + ", "
              + headLearningRate
              + ", "
              + weightDecay
              + ", "
              + batchSize
              + ", "
              + maxEpochs
              + ", "
              + patience
              + ", "
              + samplesPerEpoch
              + ", "
              + threads
              + ", "
              + warmupSteps);
    }
  }

  /** Options without warm-up. */
  public TopOptions(
      float learningRate,
      float headLearningRate,
      float weightDecay,
      int batchSize,
      int maxEpochs,
      int patience,
      int samplesPerEpoch,
      long seed,
      int threads) {
    this(
        learningRate,
        headLearningRate,
        weightDecay,
        batchSize,
        maxEpochs,
        patience,
        samplesPerEpoch,
        seed,
        threads,
        0);
  }

  /** The warm-up's factor on the learning rates at {@code step} (1-based) of a run. */
  public double warmup(int step) {
    return warmupSteps == 0 ? 1 : Math.min(1.0, (double) step / warmupSteps);
  }

  /**
   * Blocks 3e-4, head 1e-3, decay 4e-5, batch 32, 15 epochs of 3,000 with patience 15 (the whole
   * cosine runs and the best epoch is kept: at the early rates the validation loss jumps by up to
   * 0.1 between epochs, and a patience of 3 ended a 10,000-image cold start at epoch 9 of 15, 1.95
   * points of test accuracy short), seed 42, 2 threads, a warm-up of 20 steps.
   */
  public static TopOptions defaults() {
    return new TopOptions(3e-4f, 1e-3f, 4e-5f, 32, 15, 15, 3_000, 42, 2, 20);
  }

  /**
   * The options of a warm start, which continues from a converged parent: {@code epochs} epochs of
   * {@code samples} examples, the blocks at a tenth of their rate (where a cold start's cosine
   * ends), the head at a tenth too unless it has new output units to learn.
   */
  public TopOptions warm(int epochs, int samples, boolean newLabels) {
    return new TopOptions(
        learningRate / 10,
        newLabels ? headLearningRate : headLearningRate / 10,
        weightDecay,
        batchSize,
        epochs,
        patience,
        samples,
        seed,
        threads,
        warmupSteps);
  }

  /** The same options with other learning rates (the blocks' may be 0: they stay fixed). */
  public TopOptions withLearningRates(float blocks, float head) {
    return new TopOptions(
        blocks,
        head,
        weightDecay,
        batchSize,
        maxEpochs,
        patience,
        samplesPerEpoch,
        seed,
        threads,
        warmupSteps);
  }

  /** The same options with another epoch budget. */
  public TopOptions withEpochs(int max) {
    return new TopOptions(
        learningRate,
        headLearningRate,
        weightDecay,
        batchSize,
        max,
        patience,
        samplesPerEpoch,
        seed,
        threads,
        warmupSteps);
  }
}
