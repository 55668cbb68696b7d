package dev.streamtune.ml;

import dev.streamtune.demo.FashionMnist;
import java.util.List;

/**
 * Offline experiment for the {@code top} mode on Fashion-MNIST (Debian's {@code
 * dataset-fashion-mnist}): cut activations from {@link CutExtractor}, then {@link TopTrainer} with
 * {@link TopOptions#defaults()} (or the learning rates and epochs given), the last tenth of the
 * training images held out for validation, and the kept top scored on the test images. {@code
 * TopExperiment [TRAIN] [TEST] [EPOCHS] [LR_BLOCKS] [LR_HEAD] [SAMPLES_PER_EPOCH]}.
 */
public final class TopExperiment {
  private static final String CUT = "block_10_project_BN";

  private TopExperiment() {}

  public static void main(String[] args) throws java.io.IOException {
    int trainN = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int testN = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    TopOptions d = TopOptions.defaults();
    TopOptions o =
        new TopOptions(
            args.length > 3 ? Float.parseFloat(args[3]) : d.learningRate(),
            args.length > 4 ? Float.parseFloat(args[4]) : d.headLearningRate(),
            d.weightDecay(),
            d.batchSize(),
            args.length > 2 ? Integer.parseInt(args[2]) : d.maxEpochs(),
            d.patience(),
            args.length > 5 ? Integer.parseInt(args[5]) : d.samplesPerEpoch(),
            d.seed(),
            d.threads());
    Backbone backbone = TestBackbone.get();
    FeatureConfig config = FeatureConfig.defaults();
    List<FashionMnist.Item> trainItems = FashionMnist.read("train", trainN);
    List<FashionMnist.Item> testItems = FashionMnist.read("t10k", testN);
    long t0 = System.nanoTime();
    List<float[]> train;
    List<float[]> test;
    try (CutExtractor bottom = CutExtractor.open(config.baseModel(), backbone, CUT, config)) {
      train = bottom.extract(trainItems.stream().map(FashionMnist.Item::png).toList());
      test = bottom.extract(testItems.stream().map(FashionMnist.Item::png).toList());
    }
    System.out.printf(
        "bottom activations: %.1f s for %d images%n",
        (System.nanoTime() - t0) / 1e9, trainN + testN);
    int fit = trainN - trainN / 10;
    int[] y = trainItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    int[] testY =
        testItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    TopModel init =
        TopTrainer.initial(config.baseModel(), CUT, "out_relu", FashionMnist.LABELS, o.seed());
    long t1 = System.nanoTime();
    TopTrainer.Fit result =
        TopTrainer.train(
            config.baseModel(),
            init,
            ActivationRows.of(train.subList(0, fit)),
            java.util.Arrays.copyOf(y, fit),
            ActivationRows.of(train.subList(fit, trainN)),
            java.util.Arrays.copyOfRange(y, fit, trainN),
            o,
            (e, max, tl, vl) ->
                System.out.printf(
                    "epoch %d/%d: train loss %.4f, validation loss %.4f, %.0f s%n",
                    e, max, tl, vl, (System.nanoTime() - t1) / 1e9));
    float[][] p =
        TopTrainer.probabilities(
            config.baseModel(), result.top(), ActivationRows.of(test), o.threads());
    int correct = 0;
    for (int i = 0; i < testN; i++) {
      int best = 0;
      for (int k = 1; k < p[i].length; k++) {
        best = p[i][k] > p[i][best] ? k : best;
      }
      correct += best == testY[i] ? 1 : 0;
    }
    System.out.printf(
        "kept epoch %d of %d; test accuracy %.4f; training %.0f s%n",
        result.bestEpoch(),
        result.epochs(),
        (double) correct / testN,
        (System.nanoTime() - t1) / 1e9);
  }
}
