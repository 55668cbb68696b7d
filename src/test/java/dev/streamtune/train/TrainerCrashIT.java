package dev.streamtune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The trainer's exactly-once publishing under faults. A real {@code streamtune worker --roles train}
 * process halted (as by SIGKILL) after writing a version's artifacts but before its transaction
 * leaves one orphan run, and the restarted worker publishes that version exactly once. Two trainers
 * answering the same request race, and the one fenced by the other's {@code initTransactions}
 * never publishes.
 */
@WithStack
class TrainerCrashIT {
  private static final String MODEL = "crash";

  @Test
  void aTrainerKilledBetweenArtifactsAndEventPublishesTheVersionOnceAfterRestart(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "trainer-crash");
    String prefix = stack.unique("crash") + ".";
    TopicNames topics = TopicNames.withPrefix(prefix);
    prepare(stack, topics);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        TrainHarness h = new TrainHarness(stack.kafka(), stack.registry(), topics)) {
      store(s3, MODEL);
      h.request(MODEL);
      Map<String, String> env = env(stack, prefix, "crash-group");
      Process first = worker(env, "-Dstreamtune.test.crash=after-artifacts", dir.resolve("worker-1.log"));
      assertThat(first.waitFor(240, TimeUnit.SECONDS)).as("the worker halts at the crash point").isTrue();
      assertThat(first.exitValue()).isEqualTo(137);
      Set<String> runs = runs(s3, MODEL, 1);
      assertThat(runs).as("one run left its artifacts").hasSize(1);
      assertThat(s3.list("models/" + MODEL + "/1/" + runs.iterator().next()))
          .anyMatch(k -> k.endsWith("model-card.html"));
      assertThat(records(stack, topics, MODEL + "/1")).as("nothing published before the crash").isEmpty();
      assertThat(s3.get("models/" + MODEL + "/LATEST")).isEmpty();

      Process second = worker(env, "", dir.resolve("worker-2.log"));
      try {
        ModelVersion v1 = h.awaitVersion(MODEL, 1, Duration.ofSeconds(240));
        assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
        assertThat(runs).doesNotContain(v1.getTraining().getRunId());
        assertThat(runs(s3, MODEL, 1)).hasSize(2).contains(v1.getTraining().getRunId());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(new String(s3.get("models/" + MODEL + "/LATEST").orElseThrow())).contains(
                v1.getTraining().getRunId()));
        assertThat(records(stack, topics, MODEL + "/1")).as("exactly one event for version 1").hasSize(1);
        assertThat(h.versions().highest(MODEL)).isEqualTo(1);
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
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
      store(s3, model);
      List<TrainerApp> trainers = new ArrayList<>();
      try {
        for (String group : List.of("a", "b")) {
          trainers.add(TrainerApp.start(base.withGroup(stack.unique(group)), new TrainerApp.Parts(stack.kafka(),
              stack.registry(), stack.topics(), s3, fx, BaseModels.tfjsSource(fc).orElse(null),
              Files.createDirectories(dir.resolve(group))), policy, Clock.systemUTC()));
        }
        h.request(model);
        ModelVersion v1 = h.awaitVersion(model, 1, Duration.ofSeconds(240));
        assertThat(v1.getStatus()).as(v1.getReason()).isEqualTo(VersionStatus.PUBLISHED);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
            assertThat(trainers.stream().mapToInt(TrainerApp::fencedRuns).sum()).isEqualTo(1));
        assertThat(runs(s3, model, 1)).as("both trained; the fenced run is an orphan").hasSize(2);
        assertThat(records(stack, stack.topics(), model + "/1")).hasSize(1);
        assertThat(h.versions().highest(model)).isEqualTo(1);
        assertThat(trainers).allMatch(TrainerApp::isRunning);
      } finally {
        trainers.forEach(TrainerApp::close);
      }
    }
  }

  private static TopicPolicy prepare(Stack stack, TopicNames topics) {
    TopicPolicy policy = new TopicPolicy(3, (short) -1, Duration.ofHours(1));
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, policy);
    }
    return policy;
  }

  /** Puts TrainerIT's shapes straight into the example layout, as ingest would have. */
  private static void store(MinioObjectStore s3, String model) throws Exception {
    for (var e : TrainerIT.images(0, 36).entrySet()) {
      String label = e.getKey().substring(0, e.getKey().indexOf('#'));
      s3.put("examples/" + model + "/" + label + "/" + Digests.sha256(e.getValue()) + ".png", e.getValue(),
          "image/png", Map.of());
    }
  }

  private static Set<String> runs(MinioObjectStore s3, String model, int version) {
    String prefix = "models/" + model + "/" + version + "/";
    Set<String> runs = new TreeSet<>();
    s3.list(prefix).forEach(k -> runs.add(k.substring(prefix.length(), k.indexOf('/', prefix.length()))));
    return runs;
  }

  /** Every committed record of a key on models.versions, compaction aside. */
  private static List<ModelVersion> records(Stack stack, TopicNames topics, String key) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ModelVersion> out = new ArrayList<>();
    try (var registry = new SchemaRegistryClient(stack.registry());
        var c = new KafkaConsumer<>(p, new StringDeserializer(),
            ConfluentAvroSerde.of(ModelVersion.class, registry, stack.registry()).deserializer())) {
      var parts = c.partitionsFor(topics.modelVersions()).stream()
          .map(i -> new TopicPartition(topics.modelVersions(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      var end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(r -> {
          if (key.equals(r.key())) {
            out.add(r.value());
          }
        });
      }
    }
    return out;
  }

  private static Map<String, String> env(Stack stack, String topicPrefix, String group) {
    Map<String, String> env = stack.workerEnv(topicPrefix);
    env.put("STREAMTUNE_TRAIN_GROUP_ID", stack.unique(group));
    env.put("STREAMTUNE_TRAIN_TRANSACTIONAL_ID_PREFIX", stack.unique(group));
    return env;
  }

  private static Process worker(Map<String, String> env, String javaOpts, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bin/streamtune", "worker", "--roles", "train")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("JAVA_OPTS", javaOpts);
    return pb.start();
  }
}
