package dev.streamtune.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.demo.FashionMnist;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.ml.HeadTrainer;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;

/**
 * The drift benchmark behind {@code bench/drift/run.sh}: a Fashion-MNIST classifier (a head on
 * MobileNetV2's {@code block_13_expand_relu}, trained on the first N training images, exported as
 * serve loads it) classifies the test images of one half of the classes (t-shirt, trouser,
 * pullover, dress, coat), then the same images inverted, and rotated by 90°. Each distinct image is
 * classified once through the exported SavedModel; the stream of requests replays those answers as
 * serve would publish them (every one sampled), in a seeded random order, through the feedback
 * role's real topology ({@code FeedbackTopology} on {@code TopologyTestDriver}, default settings:
 * windows of 1,000, threshold 0.25). Per shift it reports the false alarms over the undrifted
 * requests, the largest undrifted window score, and the delay from the switch to the DRIFT request
 * in requests, with the switch on a window's boundary and in the middle of one (500 requests
 * later). {@code DriftBench [TRAIN] [UNDRIFTED]}, default 2,000 and 50,000.
 */
public final class DriftBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAYER = "block_13_expand_relu";

  private DriftBench() {}

  public static void main(String[] args) throws Exception {
    int trainN = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int undrifted = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    long t0 = System.nanoTime();
    FeatureConfig fc = FeatureConfig.defaults();
    Backbone backbone = BaseModels.backbone(fc);
    List<FashionMnist.Item> train = FashionMnist.read("train", trainN);
    List<FashionMnist.Item> half =
        FashionMnist.read("t10k", 10_000).stream()
            .filter(i -> FashionMnist.LABELS.indexOf(i.label()) < 5)
            .toList();
    Path dir = Path.of("target", "bench-drift").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    ClassifierExporter.export(backbone, head(backbone, fc, train), "fashion", 1, dir.resolve("m"));
    ObjectNode out =
        JSON.createObjectNode()
            .put("trainImages", trainN)
            .put("liveImages", half.size())
            .put("undriftedRequests", undrifted);
    List<Prediction> normal;
    List<Prediction> inverted;
    List<Prediction> rotated;
    try (ExportedClassifier c = ExportedClassifier.open(dir.resolve("m"), 40_000_000)) {
      normal = classify(c, half, UnaryOperator.identity());
      out.put("accuracyOnTheHalf", accuracy(normal, half));
      inverted = classify(c, half, DriftBench::invert);
      rotated = classify(c, half, DriftBench::rotate);
    }
    out.put("classifySeconds", (System.nanoTime() - t0) / 1e9);
    ObjectNode shifts = out.putObject("shifts");
    shifts.set("inverted", run(normal, inverted, undrifted, 1));
    shifts.set("rotated90", run(normal, rotated, undrifted, 2));
    shifts.set("invertedMidWindow", run(normal, inverted, undrifted + 500, 3));
    shifts.set("rotated90MidWindow", run(normal, rotated, undrifted + 500, 4));
    System.out.println(JSON.writeValueAsString(out));
  }

  static Head head(Backbone backbone, FeatureConfig fc, List<FashionMnist.Item> train)
      throws Exception {
    float[][] x = new float[train.size()][];
    int[] y = new int[train.size()];
    try (FeatureExtractor fx = FeatureExtractor.open(backbone, fc)) {
      for (int i = 0; i < train.size(); i += 64) {
        List<byte[]> batch =
            train.subList(i, Math.min(train.size(), i + 64)).stream()
                .map(FashionMnist.Item::png)
                .toList();
        var f = fx.extract(batch);
        for (int k = 0; k < f.size(); k++) {
          x[i + k] = f.get(k).layer(LAYER);
          y[i + k] = FashionMnist.LABELS.indexOf(train.get(i + k).label());
        }
      }
    }
    int cut = train.size() * 9 / 10;
    return HeadTrainer.train(
            Head.initial(FashionMnist.LABELS, LAYER, Head.statistics(x), 0, 42),
            java.util.Arrays.copyOfRange(x, 0, cut),
            java.util.Arrays.copyOfRange(y, 0, cut),
            java.util.Arrays.copyOfRange(x, cut, x.length),
            java.util.Arrays.copyOfRange(y, cut, y.length),
            HeadOptions.defaults(),
            null)
        .head();
  }

  /** Each image classified once, as the event serve would publish. */
  static List<Prediction> classify(
      ExportedClassifier c, List<FashionMnist.Item> items, UnaryOperator<byte[]> shift) {
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += 32) {
      List<byte[]> batch =
          items.subList(i, Math.min(items.size(), i + 32)).stream()
              .map(it -> shift.apply(it.png()))
              .toList();
      ExportedClassifier.Scores s = c.score(batch);
      for (int k = 0; k < batch.size(); k++) {
        out.add(event(c.labels(), s.probabilities()[k], s.projections()[k]));
      }
    }
    return out;
  }

  private static Prediction event(List<String> labels, float[] p, float[] projection) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      order.add(i);
    }
    order.sort((a, b) -> Float.compare(p[b], p[a]));
    List<ScoredLabel> top = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      top.add(new ScoredLabel(labels.get(order.get(i)), p[order.get(i)]));
    }
    double h = 0;
    for (float v : p) {
      h -= v > 0 ? v * Math.log(v) : 0;
    }
    List<Float> proj = new ArrayList<>();
    for (float v : projection) {
      proj.add(v);
    }
    return Prediction.newBuilder()
        .setPredictionId("")
        .setModelId("fashion")
        .setVersion(1)
        .setPredictedAt(Instant.EPOCH)
        .setTop(top)
        .setMargin(p[order.get(0)] - p[order.get(1)])
        .setEntropy((float) h)
        .setImageSha256("0".repeat(64))
        .setProjection(proj)
        .build();
  }

  static double accuracy(List<Prediction> ps, List<FashionMnist.Item> items) {
    int right = 0;
    for (int i = 0; i < ps.size(); i++) {
      right += ps.get(i).getTop().get(0).getLabel().equals(items.get(i).label()) ? 1 : 0;
    }
    return (double) right / ps.size();
  }

  /** Streams the undrifted requests, then the shifted ones until the monitor asks (or 20,000). */
  private static ObjectNode run(
      List<Prediction> normal, List<Prediction> shifted, int undrifted, long seed)
      throws Exception {
    ObjectNode r = JSON.createObjectNode();
    try (FeedbackDriver feedback = new FeedbackDriver(FeedbackConfig.defaults(), Instant.now())) {
      TestInputTopic<String, Prediction> input = feedback.predictions;
      TestOutputTopic<String, TrainingRequest> requests = feedback.requests;
      TestOutputTopic<String, String> status = feedback.status;
      Random random = new Random(seed);
      Replay calm = new Replay(normal, random);
      int falseAlarms = 0;
      for (int i = 0; i < undrifted; i++) {
        input.pipeInput("fashion", calm.next());
        if (!requests.isEmpty()) {
          falseAlarms += requests.readValuesToList().size();
        }
      }
      List<JsonNode> calmWindows = compared(status);
      r.put("falseAlarms", falseAlarms)
          .put("undriftedWindowsCompared", calmWindows.size())
          .put(
              "maxUndriftedScore",
              calmWindows.stream().mapToDouble(n -> n.get("score").asDouble()).max().orElse(0))
          .put(
              "meanUndriftedScore",
              calmWindows.stream().mapToDouble(n -> n.get("score").asDouble()).average().orElse(0));
      Replay drift = new Replay(shifted, random);
      int delay = -1;
      for (int i = 1; i <= 20_000 && delay < 0; i++) {
        input.pipeInput("fashion", drift.next());
        if (!requests.isEmpty()) {
          delay = i;
          r.put("detail", requests.readValuesToList().get(0).getDetail());
        }
      }
      r.put("delayRequests", delay);
      List<JsonNode> drifted = compared(status);
      if (!drifted.isEmpty()) {
        r.set("firstDriftedWindow", drifted.get(drifted.size() - 1));
      }
    }
    return r;
  }

  private static List<JsonNode> compared(TestOutputTopic<String, String> status) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String s : status.readValuesToList()) {
      JsonNode n = JSON.readTree(s);
      if (n.has("score")) {
        out.add(n);
      }
    }
    return out;
  }

  /** The same answers over and over, each pass in a new random order. */
  private static final class Replay {
    private final List<Prediction> items;
    private final Random random;
    private int at;

    Replay(List<Prediction> items, Random random) {
      this.items = new ArrayList<>(items);
      this.random = random;
      Collections.shuffle(this.items, random);
    }

    Prediction next() {
      if (at == items.size()) {
        Collections.shuffle(items, random);
        at = 0;
      }
      return items.get(at++);
    }
  }

  private static byte[] invert(byte[] png) {
    return transform(
        png,
        img -> {
          BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), img.getType());
          for (int yy = 0; yy < img.getHeight(); yy++) {
            for (int xx = 0; xx < img.getWidth(); xx++) {
              out.getRaster().setSample(xx, yy, 0, 255 - img.getRaster().getSample(xx, yy, 0));
            }
          }
          return out;
        });
  }

  private static byte[] rotate(byte[] png) {
    return transform(
        png,
        img -> {
          AffineTransform t = new AffineTransform();
          t.translate(img.getHeight(), 0);
          t.rotate(Math.PI / 2);
          BufferedImage out = new BufferedImage(img.getHeight(), img.getWidth(), img.getType());
          new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(img, out);
          return out;
        });
  }

  private static byte[] transform(byte[] png, UnaryOperator<BufferedImage> f) {
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      ImageIO.write(f.apply(img), "png", b);
      return b.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
