package dev.streamtune.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.demo.FashionMnist;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadTrainer;
import dev.streamtune.store.MinioObjectStore;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer benchmark behind {@code bench/train/run.sh}, on Fashion-MNIST from Debian's {@code
 * dataset-fashion-mnist}: everything goes through the real path (events → ingest → S3 → training
 * request → trainer → ModelVersion) on one dev stack.
 *
 * <ol>
 *   <li>one-shot: the first 10,000 training images, then one request; the version's head is scored
 *       on the first 2,000 test images (their features computed once by the same backbone);
 *   <li>retrain latency: +1,000 new images on top of the 10,000 cached, request to event;
 *   <li>streaming: the same 10,000 images for another model, in 10 increments of 1,000, one request
 *       each (warm starts); the last PUBLISHED version is scored on the test images.
 * </ol>
 *
 * Writes {@code target/bench-train/peer/*.f32} (out_relu features and labels) for the TF.js peer,
 * {@code tools/tfjs-reference/probe.mjs}.
 */
public final class TrainBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(15);

  private TrainBench() {}

  /**
   * {@code TrainBench [TRAIN] [TEST] [INCREMENTS] [MODES]}, defaults 10000 2000 10 head,top: every
   * phase in {@code head} mode, then in {@code top} mode, in one run. The property {@code
   * streamtune.bench.top.epochs} shortens top's one-shot training, for profiling only.
   */
  public static void main(String[] args) throws Exception {
    int trainN = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int testN = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int increments = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    List<TrainConfig.Mode> modes =
        args.length > 3
            ? java.util.Arrays.stream(args[3].split(","))
                .map(m -> TrainConfig.Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT)))
                .toList()
            : List.of(TrainConfig.Mode.HEAD, TrainConfig.Mode.TOP);
    int topEpochs =
        Integer.getInteger(
            "streamtune.bench.top.epochs", TrainConfig.defaults().top().options().maxEpochs());
    Path dir = Path.of("target", "bench-train").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    List<FashionMnist.Item> train = FashionMnist.read("train", trainN + 1_000);
    List<FashionMnist.Item> test = FashionMnist.read("t10k", testN);
    ObjectNode out =
        JSON.createObjectNode()
            .put("train", trainN)
            .put("test", testN)
            .put("increments", increments);
    FeatureConfig fc = FeatureConfig.defaults();
    TrainConfig.Top top = TrainConfig.defaults().top();
    TopicNames topics = DevStackConfig.ephemeral(dir, false).topics();
    TopicPolicy policy = new TopicPolicy(6, (short) -1, Duration.ofHours(1));
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true));
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        IngestApp ingest =
            IngestApp.start(
                IngestConfig.defaults()
                    .withTriggers(10_000_000, 1, Duration.ZERO)
                    .withApplication("bench-train-ingest", dir.resolve("state")),
                stack.kafka(),
                stack.registry(),
                topics,
                policy,
                stack.s3());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      long t0 = System.nanoTime();
      float[][][] testFeatures = features(fx, test);
      out.put("testFeatureSeconds", (System.nanoTime() - t0) / 1e9);
      int[] truth = test.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
      Scorer scorer = new Scorer(s3, fx, test, testFeatures, truth, dir.resolve("scoring"));
      for (TrainConfig.Mode mode : modes) {
        TrainConfig config =
            TrainConfig.defaults()
                .withTop(top.withMode(mode).withOptions(top.options().withEpochs(topEpochs)));
        String name = "fm-" + mode.name().toLowerCase(java.util.Locale.ROOT);
        ObjectNode m = out.putObject(name);
        try (TrainerApp trainer =
            TrainerApp.start(
                config,
                new TrainerApp.Parts(
                    stack.kafka(),
                    stack.registry(),
                    topics,
                    s3,
                    fx,
                    BaseModels.tfjsSource(fc).orElse(null),
                    Files.createDirectories(dir.resolve("work"))),
                policy,
                Clock.systemUTC())) {
          ModelVersion oneShot =
              produceAndTrain(h, s3, name + "-oneshot", train.subList(0, trainN), 1);
          m.set("oneShot", scorer.score(oneShot));
          if (mode == TrainConfig.Mode.HEAD) {
            writePeerFiles(
                s3,
                fx,
                dir.resolve("peer"),
                name + "-oneshot",
                train.subList(0, trainN),
                testFeatures,
                truth);
          }
          ModelVersion more =
              produceAndTrain(h, s3, name + "-oneshot", train.subList(0, trainN + 1_000), 2);
          ObjectNode latency = scorer.score(more);
          latency.put("requestToEventMillis", more.getTimings().getEndToEndMillis());
          m.set("retrainPlus1000", latency);
          ModelVersion last = null;
          var steps = m.putArray("streaming");
          int step = increments == 0 ? 0 : trainN / increments;
          for (int k = 1; k <= increments; k++) {
            ModelVersion v =
                produceAndTrain(h, s3, name + "-stream", train.subList(0, k * step), k);
            steps.add(scorer.score(v));
            if (v.getStatus() == dev.streamtune.events.VersionStatus.PUBLISHED) {
              last = v;
            }
          }
          m.put("streamingFinalVersion", last == null ? 0 : last.getVersion());
          m.put("trainerRunning", trainer.isRunning());
          m.put("peakRssMiB", StandaloneTrainer.memory(ProcessHandle.current().pid(), "VmHWM:"));
        }
        if (mode == TrainConfig.Mode.TOP) {
          m.set(
              "standaloneTrainer",
              standaloneTrainer(stack, h, name + "-oneshot", 3, dir.resolve("worker.log")));
        }
      }
      out.put("ingestState", ingest.state().toString());
    }
    String json = JSON.writeValueAsString(out);
    Files.writeString(dir.resolve("result.json"), json);
    System.out.println(json);
  }

  private static ModelVersion produceAndTrain(
      TrainHarness h,
      MinioObjectStore s3,
      String model,
      List<FashionMnist.Item> items,
      int version) {
    Map<String, String> distinct = new LinkedHashMap<>();
    for (FashionMnist.Item i : items) {
      distinct.put(Digests.sha256(i.png()), i.label());
    }
    int already = s3.list("examples/" + model + "/").size();
    for (FashionMnist.Item i : items.subList(Math.min(items.size(), already), items.size())) {
      h.send(model, i.label(), i.png());
    }
    h.flush();
    TrainHarness.awaitStored(s3, model, distinct.size(), WAIT);
    h.request(model);
    return h.awaitVersion(model, version, WAIT);
  }

  private static float[][][] features(FeatureExtractor fx, List<FashionMnist.Item> items) {
    var f = fx.extract(items.stream().map(FashionMnist.Item::png).toList());
    List<String> layers = fx.backbone().featureLayers();
    return f.stream()
        .map(x -> layers.stream().map(x::layer).toArray(float[][]::new))
        .toArray(float[][][]::new);
  }

  /**
   * A real {@code bin/streamtune worker --roles train} in its own JVM, as deployed (no JVM flags),
   * in the trainer group once this JVM's trainer has left it, answers one request for a model whose
   * examples are all cached; its peak resident memory is the trainer's alone.
   */
  private static ObjectNode standaloneTrainer(
      DevStack stack, TrainHarness h, String model, int version, Path log) throws Exception {
    h.request(model);
    try (StandaloneTrainer p = StandaloneTrainer.start(stack, log)) {
      ModelVersion v = h.awaitVersion(model, version, WAIT);
      ObjectNode n =
          JSON.createObjectNode()
              .put("version", v.getVersion())
              .put("status", v.getStatus().toString())
              .put("mode", v.getTraining().getMode().toString())
              .put("examples", v.getExamples().getTotal())
              .put("cacheHits", v.getTraining().getFeatureCacheHits())
              .put("trainingMillis", v.getTimings().getTrainingMillis())
              .put("peakRssMiB", p.memory("VmHWM:"));
      System.err.println("bench: standalone trainer " + n);
      return n;
    }
  }

  /**
   * Scores a version on the test images: a head on the test features computed once, a fine-tuned
   * top through its exported SavedModel (downloaded and loaded through DJL) on the test PNGs.
   */
  private record Scorer(
      MinioObjectStore s3,
      FeatureExtractor fx,
      List<FashionMnist.Item> test,
      float[][][] features,
      int[] truth,
      Path work) {
    ObjectNode score(ModelVersion v) throws IOException {
      ObjectNode n =
          JSON.createObjectNode()
              .put("version", v.getVersion())
              .put("status", v.getStatus().toString())
              .put("reason", v.getReason())
              .put("mode", v.getTraining().getMode().toString())
              .put("featureLayer", v.getTraining().getFeatureLayer())
              .put("validationAccuracy", v.getMetrics().getAccuracy())
              .put("examples", v.getExamples().getTotal())
              .put("cacheHits", v.getTraining().getFeatureCacheHits())
              .put("cacheMisses", v.getTraining().getFeatureCacheMisses())
              .put("trainingMillis", v.getTimings().getTrainingMillis());
      Head head = Parent.load(s3, v).head();
      List<String> order = head.labels();
      int[] mapped =
          java.util.Arrays.stream(truth)
              .map(t -> order.indexOf(FashionMnist.LABELS.get(t)))
              .toArray();
      float[][] p;
      if (v.getTraining().getMode() == dev.streamtune.events.TrainingMode.TOP) {
        Path local =
            TrainHarness.download(
                s3,
                v.getArtifacts().getSavedModel(),
                work.resolve(v.getModelId() + "-" + v.getVersion()));
        p = new float[test.size()][];
        try (var c = dev.streamtune.ml.ExportedClassifier.open(local, 100_000_000)) {
          for (int i = 0; i < test.size(); i += 64) {
            float[][] part =
                c.probabilities(
                    test.subList(i, Math.min(test.size(), i + 64)).stream()
                        .map(FashionMnist.Item::png)
                        .toList());
            System.arraycopy(part, 0, p, i, part.length);
          }
        }
      } else {
        int layer = fx.backbone().featureLayers().indexOf(head.featureLayer());
        p =
            HeadTrainer.probabilities(
                head, java.util.Arrays.stream(features).map(f -> f[layer]).toArray(float[][]::new));
      }
      n.put("testAccuracy", Evaluation.of(order, p, mapped).accuracy());
      System.err.println("bench: " + v.getModelId() + " " + n);
      return n;
    }
  }

  private static void writePeerFiles(
      MinioObjectStore s3,
      FeatureExtractor fx,
      Path dir,
      String model,
      List<FashionMnist.Item> train,
      float[][][] test,
      int[] testTruth)
      throws IOException {
    Files.createDirectories(dir);
    var b = fx.backbone();
    var cache =
        new dev.streamtune.store.FeatureCache(
            s3,
            b.digest(),
            b.featureLayers(),
            b.featureDims().values().stream().mapToInt(Integer::intValue).toArray(),
            4096,
            Clock.systemUTC());
    Map<String, float[][]> cached =
        cache.read(model, train.stream().map(i -> Digests.sha256(i.png())).toList());
    int layer = b.featureLayers().indexOf("out_relu");
    float[][] x =
        train.stream().map(i -> cached.get(Digests.sha256(i.png()))[layer]).toArray(float[][]::new);
    int[] y = train.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
    write(dir.resolve("train-x.f32"), x);
    write(dir.resolve("train-y.f32"), y);
    write(
        dir.resolve("test-x.f32"),
        java.util.Arrays.stream(test).map(f -> f[layer]).toArray(float[][]::new));
    write(dir.resolve("test-y.f32"), testTruth);
    Map<String, Object> meta = new HashMap<>();
    meta.put("layer", "out_relu");
    meta.put("dims", x[0].length);
    meta.put("classes", FashionMnist.LABELS.size());
    JSON.writeValue(dir.resolve("meta.json").toFile(), meta);
  }

  private static void write(Path file, float[][] rows) throws IOException {
    try (var out =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      for (float[] r : rows) {
        for (float v : r) {
          out.writeInt(Integer.reverseBytes(Float.floatToIntBits(v)));
        }
      }
    }
  }

  private static void write(Path file, int[] labels) throws IOException {
    float[][] rows =
        java.util.Arrays.stream(labels).mapToObj(l -> new float[] {l}).toArray(float[][]::new);
    write(file, rows);
  }
}
