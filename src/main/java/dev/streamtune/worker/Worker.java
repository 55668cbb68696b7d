package dev.streamtune.worker;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.feedback.FeedbackApp;
import dev.streamtune.health.HealthServer;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.serve.ServeApp;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.train.TrainerApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The roles of one process, started as a {@link WorkerConfig} says against one cluster, registry
 * and bucket, counting into one meter registry, and stopped in reverse order. What {@code
 * streamtune worker} runs, and what the demo runs on the embedded stack.
 *
 * <pre>{@code
 * PrometheusMeterRegistry meters = Meters.create();
 * try (Worker w = Worker.start(WorkerConfig.from(source, List.of("ingest", "train")),
 *         kafka, registry, topics, s3, meters, Clock.systemUTC());
 *     HealthServer h = HealthServer.start(HealthConfig.from(source), w.checks(), meters)) {
 *   ...
 * }
 * }</pre>
 */
public final class Worker implements AutoCloseable {
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<HealthServer.Check> checks = new ArrayList<>();
  private Consumer<String> onCloseFailure = m -> System.err.println("streamtune: " + m);
  private ServeApp serve;

  private Worker() {}

  /**
   * Starts the roles: ingest, then train, then serve, then feedback. When one fails to start, those
   * already started are stopped and the failure is thrown.
   *
   * @param meters the process's registry, given to every role
   * @param clock the trainer's clock
   */
  public static Worker start(
      WorkerConfig config,
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      S3Config s3,
      MeterRegistry meters,
      Clock clock)
      throws IOException {
    Worker w = new Worker();
    try {
      if (config.runs(Role.INGEST)) {
        IngestApp ingest =
            w.open(
                IngestApp.start(
                    config.ingest(), kafka, registry, topics, config.policy(), s3, meters));
        w.checks.add(streams("ingest", ingest::state));
      }
      if (config.runs(Role.TRAIN)) {
        FeatureExtractor extractor =
            w.open(
                FeatureExtractor.open(BaseModels.backbone(config.features()), config.features()));
        MinioObjectStore store = w.open(new MinioObjectStore(s3));
        Path work =
            config.workDir() == null
                ? Files.createTempDirectory("streamtune-train")
                : Files.createDirectories(config.workDir());
        TrainerApp trainer =
            w.open(
                TrainerApp.start(
                    config.train(),
                    new TrainerApp.Parts(
                        kafka,
                        registry,
                        topics,
                        store,
                        extractor,
                        BaseModels.tfjsSource(config.features()).orElse(null),
                        work,
                        meters),
                    config.policy(),
                    clock));
        w.checks.add(new HealthServer.Check("train", trainer::isRunning, trainer::isRunning));
      }
      if (config.runs(Role.SERVE)) {
        ServeApp s = w.open(ServeApp.start(config.serve(), kafka, registry, topics, s3, meters));
        w.serve = s;
        w.checks.add(new HealthServer.Check("serve", s::alive, s::ready, s::problem));
      }
      if (config.runs(Role.FEEDBACK)) {
        FeedbackApp f =
            w.open(
                FeedbackApp.start(
                    config.feedback(), kafka, registry, topics, config.policy(), meters));
        w.checks.add(streams("feedback", f::state));
      }
      return w;
    } catch (IOException | RuntimeException | Error e) {
      w.close();
      throw e;
    }
  }

  /** The health of a Kafka Streams role: alive while running, rebalancing or starting. */
  private static HealthServer.Check streams(String name, Supplier<KafkaStreams.State> state) {
    return new HealthServer.Check(
        name,
        () -> state.get().isRunningOrRebalancing() || state.get() == KafkaStreams.State.CREATED,
        () -> state.get() == KafkaStreams.State.RUNNING);
  }

  private <T extends AutoCloseable> T open(T part) {
    running.add(part);
    return part;
  }

  /** Each role's health, for the {@link HealthServer}. */
  public List<HealthServer.Check> checks() {
    return List.copyOf(checks);
  }

  /** The serve role, when it runs. */
  public Optional<ServeApp> serve() {
    return Optional.ofNullable(serve);
  }

  /** Whether every role is alive: none has stopped for good. */
  public boolean alive() {
    return checks.stream().allMatch(c -> c.alive().getAsBoolean());
  }

  /** Where a failure to stop a role is told (standard error by default). */
  public Worker onCloseFailure(Consumer<String> sink) {
    this.onCloseFailure = sink;
    return this;
  }

  /** Stops the roles in reverse order; a failure to stop one is told and the others still stop. */
  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      AutoCloseable part = running.get(i);
      try {
        part.close();
      } catch (Exception e) {
        onCloseFailure.accept("stopping " + part.getClass().getSimpleName() + " failed: " + e);
      }
    }
    running.clear();
  }
}
