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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ingest as a real {@code streamtune worker} process, killed with SIGKILL mid-run and started
 * again: the final objects, dead letters and training requests are those of a run without a crash.
 */
@WithStack
class IngestCrashIT {
  private static final int THRESHOLD = 40;

  @Test
  void aKilledWorkerResumesAndTheResultEqualsACleanRun(Stack stack) throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-crash");
    IngestIT.Workload w = IngestIT.Workload.write(dir, 1500, 7);
    Map<String, String> env = env(stack, dir);
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, new TopicPolicy(3, (short) -1, Duration.ofHours(1)));
    }
    NodeScript.run("publish", stack.bootstrapServers(), stack.registryUrl().toString(), topics.labelledImages(),
        NodeScript.avsc(), w.manifest().toString());
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      Process first = worker(env, dir.resolve("worker-1.log"));
      await().atMost(Duration.ofSeconds(120)).ignoreExceptions()
          .until(() -> s3.list("examples/").size() >= w.distinctImages() / 4);
      first.destroyForcibly();
      assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).isEqualTo(137);
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
          assertThat(s3.list("examples/").size()).as("killed mid-run").isLessThan(w.distinctImages()));

      Process second = worker(env, dir.resolve("worker-2.log"));
      try {
        await().atMost(Duration.ofSeconds(240)).ignoreExceptions().untilAsserted(() ->
            assertThat(s3.list("examples/")).hasSize(w.distinctImages()));
        assertThat(IngestIT.read(stack, topics.deadLetters(), w.poison().size())).hasSize(w.poison().size());
        var requests = IngestIT.requests(stack, topics, w.expectedRequests(THRESHOLD));
        Map<String, Long> perModel = new HashMap<>();
        requests.forEach(r -> perModel.merge(r.getModelId(), 1L, Long::sum));
        assertThat(perModel).isEqualTo(w.requestsPerModel(THRESHOLD));
        w.assertStoredPerModel(s3);
      } finally {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, String> env(Stack stack, Path dir) {
    Map<String, String> env = stack.workerEnv(stack.topicPrefix());
    env.put("STREAMTUNE_INGEST_APPLICATION_ID", stack.unique("crash"));
    env.put("STREAMTUNE_INGEST_STATE_DIR", dir.resolve("state").toString());
    env.put("STREAMTUNE_INGEST_THRESHOLD", String.valueOf(THRESHOLD));
    env.put("STREAMTUNE_INGEST_SCHEDULE_MAX_DELAY", "0s");
    return env;
  }

  private static Process worker(Map<String, String> env, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("bin/streamtune", "worker", "--roles", "ingest")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }
}
