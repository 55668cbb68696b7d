package dev.streamtune.ml;

/**
 * How a head is trained.
 *
 * @param learningRate Adam's step size
 * @param l2 weight decay: {@code l2/2·Σw²} over the weight matrices (not the biases) is added to
 *     the loss
 * @param batchSize examples per step
 * @param maxEpochs the most passes; early stopping usually ends sooner
 * @param patience epochs without a better validation loss before stopping (the best weights are
 *     kept)
 * @param maxSamplesPerEpoch the bound on examples one epoch processes: an epoch draws
 *     class-balanced samples, as many as the largest class times the number of classes, up to this
 *     bound, so the cost of a retrain stays bounded as the dataset grows
 * @param seed seeds initialization and sampling: the same inputs give the same weights
 * @param threads TensorFlow intra-op threads (1 makes runs bit-reproducible)
 */
public record HeadOptions(
    float learningRate,
    float l2,
    int batchSize,
    int maxEpochs,
    int patience,
    int maxSamplesPerEpoch,
    long seed,
    int threads) {
  /** Validates the values. */
  public HeadOptions {
    if (!(learningRate > 0)
        || l2 < 0
        || batchSize < 1
        || maxEpochs < 1
        || patience < 1
        || maxSamplesPerEpoch < 1
        || threads < 1) {
      throw new IllegalArgumentException(
          "Invalid head options: "
              + learningRate
              + ", "
              + l2
              + ", "
              + batchSize
              + ", "
              + maxEpochs
              + ", "
              + patience
              + ", "
              + maxSamplesPerEpoch
              + ", "
              + threads);
    }
  }

  /**
   * Adam 1e-3, L2 1e-4, batch 64, up to 50 epochs with patience 5, 20,000 samples per epoch, seed
   * 42.
   */
  public static HeadOptions defaults() {
    return new HeadOptions(1e-3f, 1e-4f, 64, 50, 5, 20_000, 42, 1);
  }

  /** The same options with another epoch budget. */
  public HeadOptions withEpochs(int max, int newPatience) {
    return new HeadOptions(
        learningRate, l2, batchSize, max, newPatience, maxSamplesPerEpoch, seed, threads);
  }
}
