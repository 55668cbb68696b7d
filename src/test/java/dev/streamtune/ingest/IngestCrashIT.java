package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.NodeScript;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ingest as a real {@code streamtune worker} process, fed inline images and {@code ImageRef}s,
 * killed with SIGKILL five times at random points of a run (a seeded random share of the images
 * stored, printed for a replay) and started again each time. In the end every good example is
 * stored exactly once under its latest label, every poison record is dead-lettered once with its
 * reason, and each model got exactly the training requests its new examples and relabels call for:
 * none lost, none duplicated.
 */
@WithStack
class IngestCrashIT {
  private static final int THRESHOLD = 40;
  private static final int KILLS = 5;

  @Test
  void aWorkerKilledFiveTimesAtRandomPointsLosesNothingAndDuplicatesNothing(Stack stack)
      throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-crash");
    Workload w;
    try (MinioObjectStore refs = new MinioObjectStore(stack.s3())) {
      w = Workload.write(dir, 1500, 7, refs, stack.bucket());
    }
    Map<String, String> env = env(stack, dir);
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, new TopicPolicy(3, (short) -1, Duration.ofHours(1)));
    }
    NodeScript.run(
        "publish",
        stack.bootstrapServers(),
        stack.registryUrl().toString(),
        topics.labelledImages(),
        NodeScript.avsc(),
        w.manifest().toString());
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      for (int k = 0; k < KILLS; k++) {
        int at = (int) (w.distinctImages() * (k + random.nextDouble()) / (KILLS + 1));
        System.out.printf(
            "IngestCrashIT (seed %d): kill %d of %d once %d of %d images are stored%n",
            seed, k + 1, KILLS, at, w.distinctImages());
        Path log = dir.resolve("worker-" + k + ".log");
        Process worker = worker(env, log);
        await(at + " images stored by the worker of " + log)
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(50))
            .ignoreExceptions()
            .until(() -> s3.list("examples/").size() >= at);
        worker.destroyForcibly();
        assertThat(worker.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(137);
      }
      Process last = worker(env, dir.resolve("worker-last.log"));
      try {
        await()
            .atMost(Duration.ofSeconds(240))
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(s3.list("examples/")).hasSize(w.distinctImages()));
        w.assertOutcome(stack.kafka(), stack.registry(), topics, s3, THRESHOLD);
      } finally {
        last.destroy();
        last.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> env(Stack stack, Path dir) {
    Map<String, String> env = stack.workerEnv(stack.topicPrefix());
    env.put("STREAMTUNE_INGEST_APPLICATION_ID", stack.unique("crash"));
    env.put("STREAMTUNE_INGEST_STATE_DIR", dir.resolve("state").toString());
    env.put("STREAMTUNE_INGEST_THRESHOLD", String.valueOf(THRESHOLD));
    env.put("STREAMTUNE_INGEST_SCHEDULE_MAX_DELAY", "0s");
    env.put("STREAMTUNE_INGEST_SESSION_TIMEOUT", "6s");
    env.put("STREAMTUNE_INGEST_REF_BUCKETS", stack.bucket());
    return env;
  }

  private static Process worker(Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("bin/streamtune", "worker", "--roles", "ingest")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }
}
