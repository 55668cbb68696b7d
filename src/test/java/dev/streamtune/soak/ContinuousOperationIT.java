package dev.streamtune.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.devstack.EmbeddedS3;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.events.registry.Compatibility;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import io.minio.MakeBucketArgs;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Months of operation, compressed: two ingest instances, two trainers and serve as real worker
 * processes, while upstream traffic flows (new images inline and by reference, re-sent events,
 * relabels and 5% hostile records) and, every 60 to 90 seconds, one process is stopped (SIGTERM or
 * SIGKILL) or started, and S3 and the schema registry each go down once for 30 s. At the end the
 * invariants hold: every good example stored once under its last label, every bad record
 * dead-lettered once with its reason, versions contiguous with sound artifacts and {@code LATEST},
 * each model's newest version trained on all its examples, serve on the highest PUBLISHED version,
 * no process exited on its own and no log holds a stack trace.
 *
 * <p>{@code -Dsoak.duration=PT60M} makes it the hour-long benchmark ({@code bench/soak/run.sh}); it
 * writes its figures to {@code target/soak-report.json}.
 */
@WithStack
class ContinuousOperationIT {
  private static final Duration RUN = Duration.parse(System.getProperty("soak.duration", "PT10M"));
  private static final int THRESHOLD = 40;

  @Test
  void theLoopSurvivesMembershipChangesOutagesAndHostileRecords(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "soak");
    Files.createDirectories(dir.resolve("logs"));
    String prefix = stack.unique("soak") + ".";
    TopicNames topics = TopicNames.withPrefix(prefix);
    try (var admin = stack.admin()) {
      TopicManager.ensure(admin, topics, new TopicPolicy(3, (short) -1, Duration.ofHours(1)));
    }
    Servers servers = Servers.start(stack, dir);
    long seed = Long.getLong("soak.seed", System.nanoTime());
    Random random = new Random(seed);
    SoakReport report = new SoakReport(seed, RUN);
    var traffic = Executors.newSingleThreadScheduledExecutor();
    try (servers;
        Fleet fleet = new Fleet(dir.resolve("logs"));
        MinioObjectStore s3 = new MinioObjectStore(servers.s3Config("soak"));
        MinioObjectStore refs = new MinioObjectStore(servers.s3Config("soak-refs"));
        SoakTraffic upstream =
            new SoakTraffic(
                stack.kafka(),
                servers.registry(),
                topics.labelledImages(),
                refs,
                "soak-refs",
                seed)) {
      int servePort = freePort();
      define(fleet, stack, servers, prefix, dir, servePort);
      List.of("ingest-1", "ingest-2", "trainer-1", "serve").forEach(fleet::start);
      traffic.scheduleAtFixedRate(upstream::next, 0, 500, TimeUnit.MILLISECONDS);

      Chaos chaos = new Chaos(fleet, servers, report);
      long end = System.nanoTime() + RUN.toNanos();
      while (System.nanoTime() + Duration.ofSeconds(90).toNanos() < end) {
        chaos.wait(Duration.ofSeconds(60 + random.nextInt(31)));
        if (chaos.steps() == 0) {
          report.sample("start", fleet);
        }
        chaos.next();
      }
      traffic.shutdown();
      assertThat(traffic.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      chaos.restoreAll();

      Map<String, String> latest = upstream.latestLabels();
      Map<String, String> poison = upstream.poison();
      await("every good example stored once under its last label")
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .untilAsserted(() -> Invariants.storedExactlyOnce(s3, latest));
      await("every hostile record dead-lettered once with its reason")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(DeadLetterLog.reasons(stack.kafka(), topics.deadLetters()))
                      .isEqualTo(poison));
      Map<String, Long> examples = upstream.examplesPerModel();
      await("each model's newest version trained on all its examples")
          .atMost(Duration.ofMinutes(8))
          .pollInterval(Duration.ofSeconds(5))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var versions =
                    Invariants.versionsSound(
                        s3,
                        Invariants.versionRecords(
                            stack.kafka(), servers.registry(), topics.modelVersions()));
                examples.forEach(
                    (model, n) ->
                        assertThat(versions.get(model))
                            .as(model)
                            .last()
                            .satisfies(v -> assertThat(v.getExamples().getTotal()).isEqualTo(n)));
              });
      // A trainer may still publish (a schedule trigger) between reading the topic and LATEST:
      // read both again until they agree.
      var read = new java.util.concurrent.atomic.AtomicReference<Map<String, List<ModelVersion>>>();
      await("the versions and LATEST, read together")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  read.set(
                      Invariants.versionsSound(
                          s3,
                          Invariants.versionRecords(
                              stack.kafka(), servers.registry(), topics.modelVersions()))));
      var versions = read.get();
      await("serve on the highest PUBLISHED version of each model")
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                for (var e : versions.entrySet()) {
                  assertThat(ServeProbe.servedVersion(servePort, e.getKey()))
                      .as(e.getKey())
                      .isEqualTo(
                          e.getValue().stream()
                              .filter(v -> v.getStatus() == VersionStatus.PUBLISHED)
                              .mapToInt(ModelVersion::getVersion)
                              .max()
                              .orElse(0));
                }
              });
      report.sample("end", fleet);
      report.finish(upstream.events(), poison.size(), versions);

      assertThat(fleet.unexpectedExits()).as("processes that exited on their own").isEmpty();
      assertThat(fleet.stackTraceLines()).as("stack traces in the workers' logs").isEmpty();
      assertThat(versions.values())
          .allSatisfy(vs -> assertThat(vs).anyMatch(v -> v.getStatus() == VersionStatus.PUBLISHED));
    } finally {
      traffic.shutdownNow();
      report.write(Path.of("target", "soak-report.json"));
    }
  }

  private static void define(
      Fleet fleet, Stack stack, Servers servers, String prefix, Path dir, int servePort) {
    Map<String, String> env = stack.workerEnv(prefix);
    env.put("STREAMTUNE_SCHEMA_REGISTRY_URL", servers.registryUrl());
    env.put("STREAMTUNE_S3_ENDPOINT", servers.s3Endpoint());
    env.put("STREAMTUNE_S3_BUCKET", "soak");
    env.put("STREAMTUNE_INGEST_REF_BUCKETS", "soak-refs");
    env.put("STREAMTUNE_INGEST_APPLICATION_ID", stack.unique("ingest"));
    env.put("STREAMTUNE_INGEST_THRESHOLD", String.valueOf(THRESHOLD));
    env.put("STREAMTUNE_INGEST_SCHEDULE_MIN_EXAMPLES", "1");
    env.put("STREAMTUNE_INGEST_SCHEDULE_MAX_DELAY", "20s");
    env.put("STREAMTUNE_INGEST_STORAGE_RETRY", "5s");
    env.put("STREAMTUNE_INGEST_SESSION_TIMEOUT", "6s");
    env.put("STREAMTUNE_TRAIN_SESSION_TIMEOUT", "6s");
    env.put("STREAMTUNE_TRAIN_GROUP_ID", stack.unique("trainer"));
    env.put("STREAMTUNE_TRAIN_TRANSACTIONAL_ID_PREFIX", stack.unique("tx"));
    env.put("STREAMTUNE_SERVE_CACHE_DIR", dir.resolve("serving").toString());
    for (int i = 1; i <= 2; i++) {
      Map<String, String> ingest = new java.util.HashMap<>(env);
      ingest.put("STREAMTUNE_INGEST_STATE_DIR", dir.resolve("state-" + i).toString());
      ingest.put("JAVA_OPTS", "-Xmx1g");
      fleet.define("ingest-" + i, "ingest", ingest);
      fleet.define("trainer-" + i, "train", env);
    }
    Map<String, String> serve = new java.util.HashMap<>(env);
    serve.put("STREAMTUNE_SERVE_PORT", String.valueOf(servePort));
    fleet.define("serve", "serve", serve);
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The S3 server and schema registry of the soak, its own so that it can stop them. */
  static final class Servers implements AutoCloseable {
    private final Stack stack;
    private final Path dir;
    private final EmbeddedRegistryConfig registryConfig;
    private EmbeddedS3 s3;
    private EmbeddedSchemaRegistry registry;
    private final int s3Port;
    private final int registryPort;

    private Servers(Stack stack, Path dir, EmbeddedRegistryConfig registryConfig) {
      this.stack = stack;
      this.dir = dir;
      this.registryConfig = registryConfig;
      this.s3 = EmbeddedS3.start(dir.resolve("s3"), 0, stack.accessKey(), stack.secretKey());
      this.s3Port = s3.endpoint().getPort();
      this.registry = EmbeddedSchemaRegistry.start(registryConfig);
      this.registryPort = registry.url().getPort();
    }

    static Servers start(Stack stack, Path dir) throws Exception {
      EmbeddedRegistryConfig rc =
          new EmbeddedRegistryConfig(
              "127.0.0.1",
              0,
              stack.bootstrapServers(),
              stack.unique("_schemas"),
              (short) 1,
              Compatibility.FULL_TRANSITIVE,
              Map.of(),
              Map.of());
      Servers s = new Servers(stack, dir, rc);
      try (var client = s.s3Config("soak").newClient()) {
        client.makeBucket(MakeBucketArgs.builder().bucket("soak").build());
        client.makeBucket(MakeBucketArgs.builder().bucket("soak-refs").build());
      }
      return s;
    }

    S3Config s3Config(String bucket) {
      return new S3Config(s3.endpoint(), "us-east-1", bucket, stack.accessKey(), stack.secretKey());
    }

    String s3Endpoint() {
      return s3.endpoint().toString();
    }

    String registryUrl() {
      return registry.url().toString();
    }

    RegistryConfig registry() {
      return RegistryConfig.of(registry.url());
    }

    void stopS3() {
      s3.close();
    }

    void startS3() {
      s3 = EmbeddedS3.start(dir.resolve("s3"), s3Port, stack.accessKey(), stack.secretKey());
    }

    void stopRegistry() {
      registry.close();
    }

    void startRegistry() {
      registry = EmbeddedSchemaRegistry.start(registryConfig.withPort(registryPort));
    }

    @Override
    public void close() {
      s3.close();
      registry.close();
    }
  }
}
