package dev.streamtune.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.demo.FashionMnist;
import dev.streamtune.events.ChampionAnswer;
import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.events.ServedAs;
import dev.streamtune.ml.Backbone;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.ClassifierExporter;
import dev.streamtune.ml.ExportedClassifier;
import dev.streamtune.ml.FeatureConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The challenger benchmark behind {@code bench/challenger/run.sh}: does the feedback role's trial,
 * with its default settings (500 answers, agreement 0.8, confidence drop 0.05), promote a better
 * version and keep out a broken one? On Fashion-MNIST, the champion is a head on MobileNetV2's
 * {@code block_13_expand_relu} trained on the first N training images; the challengers are a head
 * trained on the first M (the next version a trainer would publish), the same version with two
 * labels' rows swapped (t-shirt and shirt: a label-mapping bug), with every label shifted by one (a
 * broken export), and the champion itself published again; last, the better version against a weak
 * champion (a head on 150 images), where agreement calls "different" a version that is right where
 * the champion is wrong. Each model classifies the 10,000 test images once, through their exported
 * SavedModels; the trial then replays them in a seeded random order as serve's shadow mode
 * publishes them (the challenger's answer, the champion's in {@code comparedWith}) through the real
 * topology ({@code FeedbackTopology} on {@code TopologyTestDriver}) until it decides. The true
 * accuracy of each side on the trial's images, which the judge never sees, is reported next to its
 * decision. {@code ChallengerBench [N] [M]}, default 1,000 and 4,000.
 */
public final class ChallengerBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WEAK = 150;

  private ChallengerBench() {}

  public static void main(String[] args) throws Exception {
    int championN = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int challengerN = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
    long t0 = System.nanoTime();
    FeatureConfig fc = FeatureConfig.defaults();
    Backbone backbone = BaseModels.backbone(fc);
    List<FashionMnist.Item> train = FashionMnist.read("train", challengerN);
    List<FashionMnist.Item> test = FashionMnist.read("t10k", 10_000);
    Path dir = Path.of("target", "bench-challenger").toAbsolutePath();
    dev.streamtune.store.LocalFiles.deleteTree(dir);
    ClassifierExporter.export(
        backbone,
        DriftBench.head(backbone, fc, train.subList(0, championN)),
        "fashion",
        1,
        dir.resolve("v1"));
    ClassifierExporter.export(
        backbone, DriftBench.head(backbone, fc, train), "fashion", 2, dir.resolve("v2"));
    ClassifierExporter.export(
        backbone,
        DriftBench.head(backbone, fc, train.subList(0, WEAK)),
        "fashion",
        1,
        dir.resolve("weak"));
    List<Prediction> champion = answers(dir.resolve("v1"), test);
    List<Prediction> better = answers(dir.resolve("v2"), test);
    List<Prediction> weak = answers(dir.resolve("weak"), test);
    ObjectNode out =
        JSON.createObjectNode()
            .put("championTrainImages", championN)
            .put("challengerTrainImages", challengerN)
            .put("trafficImages", test.size())
            .put("championAccuracy", DriftBench.accuracy(champion, test))
            .put("challengerAccuracy", DriftBench.accuracy(better, test))
            .put("weakChampionTrainImages", WEAK)
            .put("weakChampionAccuracy", DriftBench.accuracy(weak, test))
            .put("classifySeconds", (System.nanoTime() - t0) / 1e9);
    FeedbackConfig config = FeedbackConfig.defaults();
    out.put("window", config.challengerWindow())
        .put("minAgreement", config.challengerAgreement())
        .put("maxConfidenceDrop", config.challengerConfidenceDrop());
    ObjectNode cases = out.putObject("challengers");
    cases.set("better", trial(champion, better, test, config, 1));
    cases.set(
        "twoLabelsSwapped",
        trial(
            champion,
            relabel(better, Map.of("t-shirt", "shirt", "shirt", "t-shirt")),
            test,
            config,
            2));
    cases.set("everyLabelShifted", trial(champion, relabel(better, shifted()), test, config, 3));
    cases.set("theChampionAgain", trial(champion, champion, test, config, 4));
    cases.set("betterAgainstAWeakChampion", trial(weak, better, test, config, 5));
    System.out.println(JSON.writeValueAsString(out));
  }

  private static List<Prediction> answers(Path model, List<FashionMnist.Item> test) {
    try (ExportedClassifier c = ExportedClassifier.open(model, 40_000_000)) {
      return DriftBench.classify(c, test, UnaryOperator.identity());
    }
  }

  /** Replays the traffic as SHADOW predictions until the judge decides (or the traffic ends). */
  private static ObjectNode trial(
      List<Prediction> champion,
      List<Prediction> challenger,
      List<FashionMnist.Item> test,
      FeedbackConfig config,
      long seed)
      throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < test.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    ObjectNode r = JSON.createObjectNode();
    int championRight = 0;
    int challengerRight = 0;
    try (FeedbackDriver feedback = new FeedbackDriver(config, Instant.now())) {
      for (int n = 0; n < order.size(); n++) {
        int i = order.get(n);
        ScoredLabel answered = champion.get(i).getTop().get(0);
        Prediction shadow = Prediction.newBuilder(challenger.get(i)).build();
        shadow.setVersion(2);
        shadow.setSampled(false);
        shadow.setServedAs(ServedAs.SHADOW);
        shadow.setComparedWith(
            new ChampionAnswer(1, answered.getLabel(), answered.getProbability()));
        feedback.predictions.pipeInput("fashion", shadow);
        championRight += answered.getLabel().equals(test.get(i).label()) ? 1 : 0;
        challengerRight += shadow.getTop().get(0).getLabel().equals(test.get(i).label()) ? 1 : 0;
        if (!feedback.decisions.isEmpty()) {
          ChampionDecision d = feedback.decisions.readValue();
          JsonNode detail = JSON.readTree(d.getDetail());
          r.put("outcome", d.getOutcome().name())
              .put("answersUntilDecision", n + 1)
              .put("trueChampionAccuracy", (double) championRight / (n + 1))
              .put("trueChallengerAccuracy", (double) challengerRight / (n + 1))
              .set("detail", detail);
          return r;
        }
      }
    }
    return r.put("outcome", "undecided");
  }

  private static Map<String, String> shifted() {
    Map<String, String> m = new java.util.HashMap<>();
    List<String> l = FashionMnist.LABELS;
    for (int i = 0; i < l.size(); i++) {
      m.put(l.get(i), l.get((i + 1) % l.size()));
    }
    return m;
  }

  /** The same answers under other label names, as a label-mapping bug would give them. */
  private static List<Prediction> relabel(List<Prediction> ps, Map<String, String> names) {
    List<Prediction> out = new ArrayList<>();
    for (Prediction p : ps) {
      Prediction q = Prediction.newBuilder(p).build();
      q.setTop(
          p.getTop().stream()
              .map(
                  s ->
                      new ScoredLabel(
                          names.getOrDefault(s.getLabel(), s.getLabel()), s.getProbability()))
              .toList());
      out.add(q);
    }
    return out;
  }
}
