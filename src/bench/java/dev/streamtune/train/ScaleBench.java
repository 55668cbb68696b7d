package dev.streamtune.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.streamtune.demo.FashionMnist;
import dev.streamtune.devstack.DevStack;
import dev.streamtune.devstack.DevStackConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TopicTail;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.CutExtractor;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.ml.Features;
import dev.streamtune.ml.HeadTrainer;
import dev.streamtune.ml.TopTrainer;
import dev.streamtune.store.HalfFloat;
import dev.streamtune.store.MinioObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark behind {@code bench/scale/run.sh}, on the whole Fashion-MNIST: one dev stack,
 * default settings, everything through events, ingest, S3 and a real {@code bin/streamtune worker
 * --roles train} in its own JVM (as deployed, no JVM flags), so that its resident memory is the
 * trainer's alone.
 *
 * <ol>
 *   <li>one-shot: the 60,000 training images for model {@code scale-oneshot} are ingested with no
 *       trainer running; a trainer then answers the coalesced requests with one cold {@code top}
 *       training on all of them (the same settings and budget as any run);
 *   <li>streaming: a fresh trainer; the same images for model {@code scale-stream} in increments of
 *       2,000, ingest's threshold (2,000) asking for each version, as in production; per version:
 *       examples, mode, request-to-event latency and its phases (from {@code training.status}), the
 *       trainer's resident memory, status and reason. The benchmark waits for each version's event,
 *       not by listing the bucket: a LIST of tens of thousands of examples on the embedded S3
 *       server costs seconds of CPU, which a poll would take from the run it measures; Versions
 *       that answer no increment (a background consolidation published between two) go to {@code
 *       extra}; after the last increment, the version that publishes the idle trainer's
 *       consolidation of the whole stream is awaited and scored as {@code afterStream};
 *   <li>head: the streaming phase again for model {@code scale-head}, with {@code train.mode=head};
 *   <li>scoring, between versions (so it does not share the CPU with the runs it measures): every
 *       version on all 10,000 test images, by the version's own top on the test images' cut
 *       activations (the exported SavedModel's bottom and top, which the export check proves
 *       equal), or a head version's head on their backbone features.
 * </ol>
 *
 * Each phase runs on a stack of its own; its results go to {@code target/bench-scale/{phase}.json},
 * rewritten after every version, so a long run can be split over sessions.
 */
public final class ScaleBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofMinutes(40);
  private static final int PACE_SLICE = 50;
  private static final Duration CONSOLIDATION_WAIT = Duration.ofMinutes(50);

  private ScaleBench() {}

  /**
   * {@code ScaleBench [TOTAL] [INCREMENT] [TEST] [PHASES] [PACE]}, defaults 60000 2000 10000
   * stream,oneshot 0 (or head: the stream again with {@code train.mode=head}); each phase on a
   * stack of its own, its results in {@code target/bench-scale/{phase}.json}, so the phases can run
   * in separate sessions. {@code PACE}, in seconds, spreads each increment of the stream phases
   * evenly over that time, as labels trickling in from users would arrive (0: one burst).
   */
  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 60_000;
    int increment = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    int testN = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    List<String> run = List.of((args.length > 3 ? args[3] : "stream,oneshot").split(","));
    Duration pace = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 0);
    Path root = Path.of("target", "bench-scale").toAbsolutePath();
    List<FashionMnist.Item> train = FashionMnist.read("train", total);
    List<FashionMnist.Item> test = FashionMnist.read("t10k", testN);
    for (String phase : run) {
      Path dir = root.resolve(phase);
      dev.streamtune.store.LocalFiles.deleteTree(dir);
      Files.createDirectories(dir);
      ObjectNode out =
          JSON.createObjectNode()
              .put("phase", phase)
              .put("total", total)
              .put("increment", increment)
              .put("test", testN)
              .put("paceSeconds", pace.toSeconds())
              .put("commit", System.getProperty("streamtune.bench.commit", "unknown"))
              .put("started", Instant.now().toString());
      phase(phase, dir, train, test, increment, pace, out);
      out.put("ended", Instant.now().toString());
      save(root.resolve(phase + ".json"), out);
      System.out.println(JSON.writeValueAsString(out));
    }
  }

  private static void phase(
      String phase,
      Path dir,
      List<FashionMnist.Item> train,
      List<FashionMnist.Item> test,
      int increment,
      Duration pace,
      ObjectNode out)
      throws Exception {
    Path result = dir.getParent().resolve(phase + ".json");
    TopicNames topics = DevStackConfig.ephemeral(dir, false).topics();
    TopicPolicy policy = new TopicPolicy(6, (short) -1, Duration.ofHours(1));
    Map<String, Map<String, Instant>> phases = new ConcurrentHashMap<>();
    int total = train.size();
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir.resolve("stack"), true));
        MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        IngestApp ingest =
            IngestApp.start(
                IngestConfig.defaults()
                    .withTriggers(increment, 1, Duration.ofDays(1))
                    .withApplication("bench-scale-ingest", dir.resolve("state")),
                stack.kafka(),
                stack.registry(),
                topics,
                policy,
                stack.s3());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics);
        TopicTail status =
            TopicTail.start(
                stack.kafka(), topics.trainingStatus(), 10, e -> phase(phases, e.text()));
        Scorer scorer = Scorer.open(dir.resolve("scoring"), test)) {
      out.put("testActivationSeconds", scorer.seconds());
      if (phase.equals("oneshot")) {
        long t0 = System.nanoTime();
        send(h, "scale-oneshot", train, Duration.ZERO);
        TrainHarness.awaitStored(s3, "scale-oneshot", total, WAIT);
        out.put("ingestSeconds", (System.nanoTime() - t0) / 1e9);
        save(result, out);
        try (StandaloneTrainer t = StandaloneTrainer.start(stack, dir.resolve("trainer.log"))) {
          ModelVersion v = h.awaitVersion("scale-oneshot", 1, WAIT);
          ObjectNode n = row(v, phases, t);
          scorer.score(s3, v, n);
          out.set("oneShot", n);
        }
      } else {
        boolean head = phase.equals("head");
        String model = head ? "scale-head" : "scale-stream";
        ArrayNode rows = out.putArray("stream");
        Map<String, String> env = head ? Map.of("STREAMTUNE_TRAIN_MODE", "head") : Map.of();
        try (StandaloneTrainer t =
            StandaloneTrainer.start(stack, dir.resolve("trainer.log"), env)) {
          ArrayNode extra = out.putArray("extra");
          int next = 1;
          for (int k = 1; k * increment <= total; k++) {
            send(h, model, train.subList((k - 1) * increment, k * increment), pace);
            while (true) {
              ModelVersion v = h.awaitVersion(model, next++, WAIT);
              ObjectNode n = row(v, phases, t);
              n.put("examplesSent", k * increment);
              scorer.score(s3, v, n);
              boolean answers = v.getExamples().getTotal() >= (long) k * increment;
              (answers ? rows : extra).add(n);
              save(result, out);
              if (answers) {
                break;
              }
            }
          }
          if (!head) {
            afterStream(h, s3, scorer, model, next, phases, t, out);
            save(result, out);
          }
        }
      }
      out.put("ingestState", ingest.state().toString());
    }
  }

  /**
   * Waits, once the stream is over, for the version that publishes the idle trainer's background
   * consolidation (its reason names it), as {@code afterStream}, with how long after the last
   * streamed version it came; versions before it go to {@code extra}. None within {@code
   * CONSOLIDATION_WAIT} is recorded as such.
   */
  private static void afterStream(
      TrainHarness h,
      MinioObjectStore s3,
      Scorer scorer,
      String model,
      int next,
      Map<String, Map<String, Instant>> phases,
      StandaloneTrainer t,
      ObjectNode out)
      throws IOException {
    long t0 = System.nanoTime();
    try {
      for (int k = next; ; k++) {
        ModelVersion v = h.awaitVersion(model, k, CONSOLIDATION_WAIT);
        ObjectNode n = row(v, phases, t);
        n.put("secondsAfterStream", (System.nanoTime() - t0) / 1e9);
        scorer.score(s3, v, n);
        if (v.getReason().contains("consolidated ")) {
          out.set("afterStream", n);
          return;
        }
        ((ArrayNode) out.get("extra")).add(n);
      }
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      out.put("afterStream", "no consolidated version within " + CONSOLIDATION_WAIT);
    }
  }

  /** Sends {@code items} in slices of 50, the slices spread evenly over {@code pace}. */
  private static void send(
      TrainHarness h, String model, List<FashionMnist.Item> items, Duration pace)
      throws InterruptedException {
    long start = System.nanoTime();
    for (int from = 0; from < items.size(); from += PACE_SLICE) {
      long due = start + pace.toNanos() * from / items.size();
      TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
      for (FashionMnist.Item i : items.subList(from, Math.min(items.size(), from + PACE_SLICE))) {
        h.send(model, i.label(), i.png());
      }
      h.flush();
    }
  }

  /** Records the first time of each phase of each run, from {@code training.status}. */
  private static void phase(Map<String, Map<String, Instant>> phases, String text) {
    try {
      JsonNode n = JSON.readTree(text);
      if (!"trainer".equals(n.path("source").asText())) {
        return;
      }
      String run = n.path("modelId").asText() + "/" + n.path("version").asInt();
      phases
          .computeIfAbsent(run, k -> new java.util.LinkedHashMap<>())
          .putIfAbsent(n.path("phase").asText(), Instant.parse(n.path("at").asText()));
    } catch (IOException | RuntimeException e) {
      // another producer's line
    }
  }

  private static ObjectNode row(
      ModelVersion v, Map<String, Map<String, Instant>> phases, StandaloneTrainer t)
      throws IOException {
    ObjectNode n =
        JSON.createObjectNode()
            .put("version", v.getVersion())
            .put("examples", v.getExamples().getTotal())
            .put("newExamples", v.getExamples().getNewExamples())
            .put("mode", v.getTraining().getMode().toString())
            .put("status", v.getStatus().toString())
            .put("reason", v.getReason())
            .put("validation", v.getExamples().getValidation())
            .put("validationAccuracy", v.getMetrics().getAccuracy())
            .put("requestToEventMillis", v.getTimings().getEndToEndMillis())
            .put("trainingMillis", v.getTimings().getTrainingMillis())
            .put("cacheHits", v.getTraining().getFeatureCacheHits())
            .put("cacheMisses", v.getTraining().getFeatureCacheMisses())
            .put("rssMiB", t.memory("VmRSS:"))
            .put("peakRssMiB", t.memory("VmHWM:"))
            .put("cpuSeconds", t.cpuSeconds());
    long[] heap = t.heap();
    n.put("heapCommittedMiB", heap[0]).put("heapUsedMiB", heap[1]);
    Map<String, Instant> p = phases.getOrDefault(v.getModelId() + "/" + v.getVersion(), Map.of());
    ObjectNode ph = n.putObject("phases");
    List<Map.Entry<String, Instant>> list = new ArrayList<>(p.entrySet());
    list.removeIf(e -> e.getValue().isAfter(v.getCreatedAt()));
    for (int i = 0; i < list.size(); i++) {
      Instant end = i + 1 < list.size() ? list.get(i + 1).getValue() : v.getCreatedAt();
      ph.put(list.get(i).getKey(), Duration.between(list.get(i).getValue(), end).toMillis() / 1e3);
    }
    System.err.println("bench: " + v.getModelId() + " " + n);
    return n;
  }

  /**
   * Scores versions on the test images: their cut activations computed once, then each version's
   * own top on them; a head version by its head on the test images' backbone features (computed
   * once per layer, at the first head version). Run between versions, while the trainer waits for
   * the next increment, so it never shares the CPU with a run it measures.
   */
  private record Scorer(
      Path base,
      FeatureExtractor fx,
      CutExtractor bottom,
      SpilledActivations acts,
      List<FashionMnist.Item> test,
      dev.streamtune.ml.ActivationRows rows,
      Map<String, float[][]> features,
      double seconds)
      implements AutoCloseable {
    static Scorer open(Path dir, List<FashionMnist.Item> test) throws IOException {
      long t0 = System.nanoTime();
      FeatureConfig fc = FeatureConfig.defaults();
      Path base = BaseModels.tfjsSource(fc).orElseThrow();
      FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
      CutExtractor bottom =
          CutExtractor.open(base, fx.backbone(), TrainConfig.defaults().top().cut(), fc);
      SpilledActivations acts =
          new SpilledActivations(
              Files.createDirectories(dir),
              bottom.shape()[0] * bottom.shape()[1] * bottom.shape()[2]);
      List<String> shas = new ArrayList<>();
      batches(
          test,
          (images, at) -> {
            List<float[]> a = bottom.extract(images);
            for (int j = 0; j < a.size(); j++) {
              String key = String.format("%064d", at + j);
              acts.put(key, HalfFloat.fromFloats(a.get(j)));
              shas.add(key);
            }
          });
      return new Scorer(
          base,
          fx,
          bottom,
          acts,
          test,
          acts.rows(shas),
          new java.util.HashMap<>(),
          (System.nanoTime() - t0) / 1e9);
    }

    void score(MinioObjectStore s3, ModelVersion v, ObjectNode n) {
      Parent parent = Parent.load(s3, v);
      long t0 = System.nanoTime();
      float[][] p =
          parent.top() != null
              ? TopTrainer.probabilities(base, parent.top(), rows, 2)
              : HeadTrainer.probabilities(
                  parent.head(),
                  features.computeIfAbsent(parent.head().featureLayer(), this::layer));
      List<String> order = parent.head().labels();
      int[] truth = test.stream().mapToInt(i -> order.indexOf(i.label())).toArray();
      n.put("testAccuracy", Evaluation.of(order, p, truth).accuracy());
      n.put("scoringSeconds", (System.nanoTime() - t0) / 1e9);
      System.err.println("bench: scored " + n);
    }

    /** The backbone's features of the test images at {@code layer}, for a head version. */
    private float[][] layer(String layer) {
      float[][] out = new float[test.size()][];
      batches(
          test,
          (images, at) -> {
            List<Features> f = fx.extract(images);
            for (int j = 0; j < f.size(); j++) {
              out[at + j] = f.get(j).layer(layer);
            }
          });
      return out;
    }

    /** Hands the test images to {@code batch} 64 at a time, with the first one's index. */
    private static void batches(
        List<FashionMnist.Item> test, java.util.function.ObjIntConsumer<List<byte[]>> batch) {
      for (int i = 0; i < test.size(); i += 64) {
        batch.accept(
            test.subList(i, Math.min(test.size(), i + 64)).stream()
                .map(FashionMnist.Item::png)
                .toList(),
            i);
      }
    }

    @Override
    public void close() {
      acts.close();
      bottom.close();
      fx.close();
    }
  }

  private static void save(Path file, ObjectNode out) throws IOException {
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
  }
}
