package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trainer's exactly-once publishing under faults. A real {@code streamtune worker --roles
 * train} process is halted (as by SIGKILL) at each point of a run in turn: before any backbone
 * pass, after the first epoch, after the artifacts (leaving an orphan run), after the event (before
 * {@code LATEST}, which the next worker repairs) and after {@code LATEST}. Each restart resumes the
 * unanswered request, and in the end every version is published exactly once, with matching
 * artifacts and {@code LATEST} level with the topic ({@link Invariants}). Two trainers (in two
 * groups) answering the same request race: the run fenced by the other's {@code initTransactions}
 * is never published, and since its trainer still owns its copy of the request, it runs it again on
 * top of the published version.
 */
@WithStack
class TrainerCrashIT {
  private static final String MODEL = "crash";

  @Test
  void aTrainerKilledAtEachPointOfARunPublishesEveryVersionOnce(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-crash");
    String prefix = stack.unique("crash") + ".";
    TopicNames topics = TopicNames.withPrefix(prefix);
    prepare(stack, topics);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      store(s3, MODEL, 0, 36);
      h.request(MODEL);
      Map<String, String> env = env(stack, prefix, "crash-group");
      int n = 0;
      for (String point :
          List.of("before-features", "mid-training", "after-artifacts", "after-publish")) {
        halt(worker(env, point, dir.resolve("worker-" + ++n + ".log")), point);
        if (!point.equals("after-publish")) {
          assertThat(records(stack, topics, MODEL + "/1"))
              .as("nothing published before " + point)
              .isEmpty();
        }
      }
      Set<String> runs = runs(s3, MODEL, 1);
      assertThat(runs)
          .as("only after-artifacts and after-publish got as far as artifacts")
          .hasSize(2);
      assertThat(records(stack, topics, MODEL + "/1"))
          .singleElement()
          .satisfies(v -> assertThat(runs).contains(v.getTraining().getRunId()));
      assertThat(s3.get("models/" + MODEL + "/LATEST")).as("halted before LATEST").isEmpty();

      store(s3, MODEL, 36, 18);
      h.request(MODEL);
      Path log5 = dir.resolve("worker-" + ++n + ".log");
      halt(worker(env, "after-latest", log5), "after-latest");
      assertThat(Files.readString(log5)).contains("Rewrote LATEST of 1 model(s)");

      h.request(MODEL);
      Process last = worker(env, "", dir.resolve("worker-" + ++n + ".log"));
      try {
        ModelVersion v3 = h.awaitVersion(MODEL, 3, Duration.ofSeconds(240));
        assertThat(v3.getStatus()).as(v3.getReason()).isEqualTo(VersionStatus.PUBLISHED);
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    Invariants.versionsSound(
                        s3,
                        Invariants.versionRecords(
                            stack.kafka(), stack.registry(), topics.modelVersions())));
        assertThat(
                Invariants.versionRecords(stack.kafka(), stack.registry(), topics.modelVersions()))
            .extracting(ModelVersion::getVersion)
            .as("one record per version")
            .containsExactlyInAnyOrder(1, 2, 3);
      } finally {
        last.destroy();
        last.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static void halt(Process worker, String point) throws InterruptedException {
    assertThat(worker.waitFor(240, TimeUnit.SECONDS)).as("the worker halts at " + point).isTrue();
    assertThat(worker.exitValue()).as(point).isEqualTo(137);
  }

  @Test
  void twoTrainersOnOneRequestPublishOneVersionAndTheOtherIsFenced(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-fence");
    String model = "fence";
    TopicPolicy policy = prepare(stack, stack.topics());
    FeatureConfig fc = FeatureConfig.defaults();
    TrainConfig base = TrainConfig.defaults().withTransactionalPrefix(stack.unique("tx"));
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        FeatureExtractor fx = FeatureExtractor.open(BaseModels.backbone(fc), fc);
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), stack.topics())) {
      store(s3, model, 0, 36);
      List<TrainerApp> trainers = new ArrayList<>();
      try {
        for (String group : List.of("a", "b")) {
          trainers.add(
              TrainerApp.start(
                  base.withGroup(stack.unique(group)),
                  new TrainerApp.Parts(
                      stack.kafka(),
                      stack.registry(),
                      stack.topics(),
                      s3,
                      fx,
                      BaseModels.tfjsSource(fc).orElse(null),
                      Files.createDirectories(dir.resolve(group))),
                  policy,
                  Clock.systemUTC()));
        }
        h.request(model);
        ModelVersion v1 = h.awaitVersion(model, 1, Duration.ofSeconds(240));
        assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
        await()
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(
                () ->
                    assertThat(trainers.stream().mapToInt(TrainerApp::fencedRuns).sum())
                        .isEqualTo(1));
        assertThat(runs(s3, model, 1)).as("both trained; the fenced run is an orphan").hasSize(2);
        assertThat(records(stack, stack.topics(), model + "/1")).hasSize(1);
        ModelVersion v2 = h.awaitVersion(model, 2, Duration.ofSeconds(240));
        assertThat(v2.getParentVersion())
            .as(
                "the fenced trainer still owned its copy of the request, so it ran it "
                    + "again, on top of version 1")
            .isEqualTo(1);
        assertThat(records(stack, stack.topics(), model + "/2")).hasSize(1);
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    Invariants.versionsSound(
                        s3,
                        Invariants.versionRecords(
                            stack.kafka(), stack.registry(), stack.topics().modelVersions())));
        assertThat(trainers).allMatch(TrainerApp::isRunning);
      } finally {
        trainers.forEach(TrainerApp::close);
      }
    }
  }

  static TopicPolicy prepare(Stack stack, TopicNames topics) {
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, policy);
    }
    return policy;
  }

  /** Puts TrainerIT's shapes straight into the example layout, as ingest would have. */
  static void store(MinioObjectStore s3, String model, int from, int count) throws Exception {
    for (var e : TrainerIT.images(from, count).entrySet()) {
      String label = e.getKey().substring(0, e.getKey().indexOf('#'));
      s3.put(
          "examples/" + model + "/" + label + "/" + Digests.sha256(e.getValue()) + ".png",
          e.getValue(),
          "image/png",
          Map.of());
    }
  }

  private static Set<String> runs(MinioObjectStore s3, String model, int version) {
    String prefix = "models/" + model + "/" + version + "/";
    Set<String> runs = new TreeSet<>();
    s3.list(prefix)
        .forEach(k -> runs.add(k.substring(prefix.length(), k.indexOf('/', prefix.length()))));
    return runs;
  }

  /** Every committed record of a key on models.versions, compaction aside. */
  private static List<ModelVersion> records(Stack stack, TopicNames topics, String key) {
    return Invariants.versionRecords(stack.kafka(), stack.registry(), topics.modelVersions())
        .stream()
        .filter(v -> key.equals(v.getModelId() + "/" + v.getVersion()))
        .toList();
  }

  private static Map<String, String> env(Stack stack, String topicPrefix, String group) {
    Map<String, String> env = stack.workerEnv(topicPrefix);
    env.put("STREAMTUNE_TRAIN_GROUP_ID", stack.unique(group));
    env.put("STREAMTUNE_TRAIN_TRANSACTIONAL_ID_PREFIX", stack.unique(group));
    env.put("STREAMTUNE_TRAIN_SESSION_TIMEOUT", "6s");
    env.put("STREAMTUNE_TRAIN_TOLERANCE", "1");
    env.put("STREAMTUNE_TRAIN_MAX_RECALL_DROP", "1");
    return env;
  }

  private static Process worker(Map<String, String> env, String crashPoint, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("bin/streamtune", "worker", "--roles", "train")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment()
        .put("JAVA_OPTS", crashPoint.isEmpty() ? "" : "-Dstreamtune.test.crash=" + crashPoint);
    return pb.start();
  }
}
