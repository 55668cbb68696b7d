package dev.streamtune.feedback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.demo.FashionMnist;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Head;
import dev.streamtune.ml.HeadOptions;
import dev.streamtune.ml.HeadTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Active against random labelling, behind {@code bench/active/run.sh}: Fashion-MNIST, a head on
 * MobileNetV2's {@code block_13_expand_relu} trained on the first 1,000 training images; a pool of
 * the next 20,000 unlabelled ones; in each of 5 rounds 500 more are labelled and the head trained
 * again from scratch on all labelled so far, either with the 500 the labelling queue would ask (the
 * pool classified in a random order by the current head, as serve would see it; those with a margin
 * under {@code serve.uncertain.margin} ask, the first 500 of them, the day's budget of the feedback
 * role; fewer than 500 under the margin are topped up at random) or with 500 at random. Test
 * accuracy on the 10,000 test images after each round, both arms in one run. {@code
 * ActiveLearningBench [MARGIN]}, default 0.3.
 */
public final class ActiveLearningBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAYER = "block_13_expand_relu";
  private static final int SEED = 1_000;
  private static final int POOL = 20_000;
  private static final int ROUNDS = 5;
  private static final int PER_ROUND = 500;

  private ActiveLearningBench() {}

  public static void main(String[] args) throws Exception {
    double margin = args.length > 0 ? Double.parseDouble(args[0]) : 0.3;
    long t0 = System.nanoTime();
    List<FashionMnist.Item> train = FashionMnist.read("train", SEED + POOL);
    List<FashionMnist.Item> test = FashionMnist.read("t10k", 10_000);
    float[][] x = features(train);
    float[][] tx = features(test);
    int[] y = labels(train);
    int[] ty = labels(test);
    ObjectNode out =
        JSON.createObjectNode()
            .put("margin", margin)
            .put("featureSeconds", (System.nanoTime() - t0) / 1e9);
    out.set("uncertainty", arm(x, y, tx, ty, margin, true));
    out.set("random", arm(x, y, tx, ty, margin, false));
    System.out.println(JSON.writeValueAsString(out));
  }

  private static ObjectNode arm(
      float[][] x, int[] y, float[][] tx, int[] ty, double margin, boolean uncertain) {
    Random random = new Random(7);
    List<Integer> labelled = new ArrayList<>();
    for (int i = 0; i < SEED; i++) {
      labelled.add(i);
    }
    List<Integer> pool = new ArrayList<>();
    for (int i = SEED; i < SEED + POOL; i++) {
      pool.add(i);
    }
    ObjectNode arm = JSON.createObjectNode();
    ArrayNode rounds = arm.putArray("rounds");
    Head head = fit(x, y, labelled);
    rounds.addObject().put("labels", labelled.size()).put("testAccuracy", accuracy(head, tx, ty));
    for (int r = 1; r <= ROUNDS; r++) {
      List<Integer> chosen;
      int underMargin = 0;
      if (uncertain) {
        Collections.shuffle(pool, random);
        float[][] p = HeadTrainer.probabilities(head, rows(x, pool));
        chosen = new ArrayList<>();
        for (int i = 0; i < pool.size() && chosen.size() < PER_ROUND; i++) {
          if (marginOf(p[i]) < margin) {
            chosen.add(pool.get(i));
          }
        }
        for (int i = 0; i < pool.size(); i++) {
          underMargin += marginOf(p[i]) < margin ? 1 : 0;
        }
        List<Integer> rest = new ArrayList<>(pool);
        rest.removeAll(chosen);
        Collections.shuffle(rest, random);
        chosen.addAll(rest.subList(0, PER_ROUND - chosen.size()));
      } else {
        Collections.shuffle(pool, random);
        chosen = new ArrayList<>(pool.subList(0, PER_ROUND));
      }
      pool.removeAll(chosen);
      labelled.addAll(chosen);
      head = fit(x, y, labelled);
      ObjectNode n =
          rounds
              .addObject()
              .put("labels", labelled.size())
              .put("testAccuracy", accuracy(head, tx, ty));
      if (uncertain) {
        n.put("poolUnderMargin", underMargin);
      }
      System.err.println(
          "bench: " + (uncertain ? "uncertainty" : "random") + " round " + r + " " + n);
    }
    return arm;
  }

  private static double marginOf(float[] p) {
    float a = 0;
    float b = 0;
    for (float v : p) {
      if (v > a) {
        b = a;
        a = v;
      } else if (v > b) {
        b = v;
      }
    }
    return a - b;
  }

  /** A head trained from scratch on the labelled images, 10% of them (every tenth) validating. */
  private static Head fit(float[][] x, int[] y, List<Integer> labelled) {
    List<Integer> tr = new ArrayList<>();
    List<Integer> va = new ArrayList<>();
    for (int i = 0; i < labelled.size(); i++) {
      (i % 10 == 9 ? va : tr).add(labelled.get(i));
    }
    float[][] trX = rows(x, tr);
    return HeadTrainer.train(
            Head.initial(FashionMnist.LABELS, LAYER, Head.statistics(trX), 0, 42),
            trX,
            tr.stream().mapToInt(i -> y[i]).toArray(),
            rows(x, va),
            va.stream().mapToInt(i -> y[i]).toArray(),
            HeadOptions.defaults(),
            null)
        .head();
  }

  private static double accuracy(Head head, float[][] tx, int[] ty) {
    float[][] p = HeadTrainer.probabilities(head, tx);
    int right = 0;
    for (int i = 0; i < p.length; i++) {
      int best = 0;
      for (int k = 1; k < p[i].length; k++) {
        best = p[i][k] > p[i][best] ? k : best;
      }
      right += best == ty[i] ? 1 : 0;
    }
    return (double) right / p.length;
  }

  private static float[][] rows(float[][] x, List<Integer> idx) {
    float[][] out = new float[idx.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = x[idx.get(i)];
    }
    return out;
  }

  private static int[] labels(List<FashionMnist.Item> items) {
    return items.stream().mapToInt(i -> FashionMnist.LABELS.indexOf(i.label())).toArray();
  }

  private static float[][] features(List<FashionMnist.Item> items) throws Exception {
    FeatureConfig fc = FeatureConfig.defaults();
    float[][] x = new float[items.size()][];
    try (FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc)) {
      for (int i = 0; i < items.size(); i += 64) {
        var f =
            fx.extract(
                items.subList(i, Math.min(items.size(), i + 64)).stream()
                    .map(FashionMnist.Item::png)
                    .toList());
        for (int k = 0; k < f.size(); k++) {
          x[i + k] = f.get(k).layer(LAYER);
        }
        if (i % 6400 == 0) {
          System.err.println("bench: features " + i + "/" + items.size());
        }
      }
    }
    return Arrays.copyOf(x, x.length);
  }
}
