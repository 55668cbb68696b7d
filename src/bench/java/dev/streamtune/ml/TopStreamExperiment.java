package dev.streamtune.ml;

import dev.streamtune.demo.FashionMnist;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Offline experiment for the streamed {@code top} mode on Fashion-MNIST: the training images in
 * increments, the first trained cold with {@link TopOptions#defaults()}, each later one warm from
 * the previous top with {@link TopOptions#warm} scaled as given, every tenth image held out for
 * validation (as the trainer's split would), and each increment scored on the test images. {@code
 * TopStreamExperiment [TRAIN] [TEST] [INCREMENTS] [WARM_SCALE] [WARM_SAMPLES]}.
 */
public final class TopStreamExperiment {
  private static final String CUT = "block_10_project_BN";

  private TopStreamExperiment() {}

  public static void main(String[] args) throws java.io.IOException {
    int trainN = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int testN = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int increments = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    float scale = args.length > 3 ? Float.parseFloat(args[3]) : 0.1f;
    int warmSamples = args.length > 4 ? Integer.parseInt(args[4]) : 3000;
    FeatureConfig config = FeatureConfig.defaults();
    List<FashionMnist.Item> trainItems = FashionMnist.read("train", trainN);
    List<FashionMnist.Item> testItems = FashionMnist.read("t10k", testN);
    List<float[]> train;
    List<float[]> test;
    try (CutExtractor bottom =
        CutExtractor.open(config.baseModel(), TestBackbone.get(), CUT, config)) {
      train = bottom.extract(trainItems.stream().map(FashionMnist.Item::png).toList());
      test = bottom.extract(testItems.stream().map(FashionMnist.Item::png).toList());
    }
    int[] y = trainItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    int[] testY =
        testItems.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    TopOptions cold = TopOptions.defaults();
    TopOptions d = cold.warm(1, warmSamples, false);
    TopOptions warm =
        new TopOptions(
            cold.learningRate() * scale,
            cold.headLearningRate() * scale,
            d.weightDecay(),
            d.batchSize(),
            1,
            d.patience(),
            warmSamples,
            d.seed(),
            d.threads());
    TopModel top =
        TopTrainer.initial(config.baseModel(), CUT, "out_relu", FashionMnist.LABELS, cold.seed());
    int step = trainN / increments;
    for (int k = 1; k <= increments; k++) {
      int n = k * step;
      int[] fitIdx = IntStream.range(0, n).filter(i -> i % 10 != 0).toArray();
      int[] valIdx = IntStream.range(0, n).filter(i -> i % 10 == 0).toArray();
      long t0 = System.nanoTime();
      TopTrainer.Fit fit =
          TopTrainer.train(
              config.baseModel(),
              top,
              rows(train, fitIdx),
              pick(y, fitIdx),
              rows(train, valIdx),
              pick(y, valIdx),
              k == 1 ? cold : warm,
              null);
      top = fit.top();
      float[][] p =
          TopTrainer.probabilities(
              config.baseModel(), top, ActivationRows.of(test), cold.threads());
      int correct = 0;
      for (int i = 0; i < testN; i++) {
        int best = 0;
        for (int c = 1; c < p[i].length; c++) {
          best = p[i][c] > p[i][best] ? c : best;
        }
        correct += best == testY[i] ? 1 : 0;
      }
      System.out.printf(
          "increment %d (%d images): kept epoch %d of %d, test accuracy %.4f, %.0f s%n",
          k,
          n,
          fit.bestEpoch(),
          fit.epochs(),
          (double) correct / testN,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static ActivationRows rows(List<float[]> all, int[] idx) {
    List<float[]> out = new ArrayList<>(idx.length);
    for (int i : idx) {
      out.add(all.get(i));
    }
    return ActivationRows.of(out);
  }

  private static int[] pick(int[] y, int[] idx) {
    return IntStream.of(idx).map(i -> y[i]).toArray();
  }
}
