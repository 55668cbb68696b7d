package dev.streamtune.train;

import dev.streamtune.demo.FashionMnist;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.ml.HeadTrainer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline experiment behind the trainer's defaults: the same split and head training as a run, on
 * Fashion-MNIST features computed once (cached in {@code target/fm-features.bin}), comparing
 * one-shot training with streaming in increments of warm starts. Guard-rails are not applied.
 * {@code HeadExperiment LAYER LR PATIENCE [INCREMENTS]}.
 */
public final class HeadExperiment {
  private HeadExperiment() {}

  public static void main(String[] args) throws Exception {
    String layer = args.length > 0 ? args[0] : "block_13_expand_relu";
    float lr = args.length > 1 ? Float.parseFloat(args[1]) : 1e-3f;
    int patience = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int increments = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    float warmLr = args.length > 4 ? Float.parseFloat(args[4]) : lr;
    int warmPatience = args.length > 5 ? Integer.parseInt(args[5]) : patience;
    List<FashionMnist.Item> train = FashionMnist.read("train", 10_000);
    List<FashionMnist.Item> test = FashionMnist.read("t10k", 2_000);
    float[][] all = features(layer, train, test);
    float[][] testX = java.util.Arrays.copyOfRange(all, 10_000, 12_000);
    int[] testY = test.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    HeadOptions o = new HeadOptions(lr, 1e-4f, 64, 50, patience, 20_000, 42, 1);
    if (!"skip".equals(System.getenv("ONESHOT"))) {
      Head oneShot = fit(null, train, all, 10_000, layer, o);
      System.out.printf("one-shot: test %.4f%n", accuracy(oneShot, testX, testY));
    }
    HeadOptions warm = new HeadOptions(warmLr, 1e-4f, 64, 50, warmPatience, 20_000, 42, 1);
    Head h = null;
    for (int k = 1; k <= increments; k++) {
      h = fit(h, train, all, k * 10_000 / increments, layer, h == null ? o : warm);
    }
    System.out.printf("streamed in %d: test %.4f%n", increments, accuracy(h, testX, testY));
  }

  private static Head fit(
      Head parent,
      List<FashionMnist.Item> train,
      float[][] all,
      int n,
      String layer,
      HeadOptions o) {
    List<Dataset.Example> ex = new ArrayList<>();
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      String sha = Digests.sha256(train.get(i).png());
      index.put(sha, i);
      ex.add(new Dataset.Example(sha, train.get(i).label(), "k" + i));
    }
    Dataset d = Dataset.of("m", ex, 10);
    List<String> labels = new ArrayList<>(parent == null ? List.of() : parent.labels());
    d.labels().stream().filter(l -> !labels.contains(l)).forEach(labels::add);
    float[][] tx = d.train().stream().map(e -> all[index.get(e.sha256())]).toArray(float[][]::new);
    int[] ty = d.train().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    float[][] vx =
        d.validationExamples().stream()
            .map(e -> all[index.get(e.sha256())])
            .toArray(float[][]::new);
    int[] vy = d.validationExamples().stream().mapToInt(e -> labels.indexOf(e.label())).toArray();
    Head init =
        parent == null
            ? Head.initial(labels, layer, Head.statistics(tx), 0, 42)
            : parent.withLabels(labels);
    HeadTrainer.Fit f = HeadTrainer.train(init, tx, ty, vx, vy, o, null);
    System.out.printf(
        "  n=%d epochs=%d best=%d valLoss=%.4f%n",
        n, f.epochs(), f.bestEpoch(), f.validationLoss());
    return f.head();
  }

  private static double accuracy(Head h, float[][] x, int[] y) {
    int[] mapped =
        java.util.Arrays.stream(y)
            .map(t -> h.labels().indexOf(FashionMnist.LABELS.get(t)))
            .toArray();
    return Evaluation.of(h.labels(), HeadTrainer.probabilities(h, x), mapped).accuracy();
  }

  private static float[][] features(
      String layer, List<FashionMnist.Item> train, List<FashionMnist.Item> test) throws Exception {
    Path cache = Path.of("target", "fm-features-" + layer + ".bin");
    if (Files.exists(cache)) {
      try (var in =
          new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(cache)))) {
        int n = in.readInt();
        int d = in.readInt();
        float[][] out = new float[n][d];
        for (float[] row : out) {
          for (int j = 0; j < d; j++) {
            row[j] = in.readFloat();
          }
        }
        return out;
      }
    }
    List<byte[]> images = new ArrayList<>();
    train.forEach(i -> images.add(i.png()));
    test.forEach(i -> images.add(i.png()));
    FeatureConfig fc = FeatureConfig.defaults();
    float[][] out;
    try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc)) {
      out = fx.extract(images).stream().map(f -> f.layer(layer)).toArray(float[][]::new);
    }
    try (var o =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(cache)))) {
      o.writeInt(out.length);
      o.writeInt(out[0].length);
      for (float[] row : out) {
        for (float v : row) {
          o.writeFloat(v);
        }
      }
    }
    return out;
  }
}
