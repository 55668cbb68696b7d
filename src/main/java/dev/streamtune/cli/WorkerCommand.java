package dev.streamtune.cli;

import dev.streamtune.config.ConfigException;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.ingest.IngestApp;
import dev.streamtune.ingest.IngestConfig;
import dev.streamtune.ml.BaseModels;
import dev.streamtune.ml.FeatureConfig;
import dev.streamtune.ml.FeatureExtractor;
import dev.streamtune.serve.HealthConfig;
import dev.streamtune.serve.HealthServer;
import dev.streamtune.serve.ServeApp;
import dev.streamtune.serve.ServeConfig;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.train.TrainConfig;
import dev.streamtune.train.TrainerApp;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamtune worker}: runs roles against configured servers until SIGTERM. */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Run Streamtune's roles against the configured Kafka, schema registry and S3, until SIGTERM "
          + "or Ctrl-C, which stop them gracefully.",
      "Roles available: ingest (labelled images into object storage, dead letters, training requests), "
          + "train (incremental fine-tuning, guard-rails, model-version events) and serve (hot-swapped models "
          + "over HTTP, with health checks and metrics)."
    })
final class WorkerCommand implements Callable<Integer> {
  static final Set<String> ROLES = Set.of("ingest", "train", "serve");
  @Spec CommandSpec spec;

  @Option(
      names = "--roles",
      split = ",",
      defaultValue = "ingest,train,serve",
      paramLabel = "<role>",
      description = "comma-separated roles to run (default: ${DEFAULT-VALUE})")
  List<String> roles;

  @Override
  public Integer call() throws InterruptedException, java.io.IOException {
    return run(spec, roles);
  }

  /** Starts the roles and waits for SIGTERM or Ctrl-C, which stops them in reverse order. */
  static int run(CommandSpec spec, List<String> roles)
      throws InterruptedException, java.io.IOException {
    for (String r : roles) {
      if (!ROLES.contains(r)) {
        throw new ConfigException("Unknown role " + r + " for --roles; available: " + ROLES);
      }
    }
    var source = SettingOptions.source(spec);
    KafkaConfig kafka = KafkaConfig.from(source);
    RegistryConfig registry = RegistryConfig.from(source);
    TopicNames topics = TopicNames.from(source);
    S3Config s3 = S3Config.from(source);
    List<AutoCloseable> running = new ArrayList<>();
    List<HealthServer.Check> checks = new ArrayList<>();
    if (roles.contains("ingest")) {
      IngestApp ingest =
          IngestApp.start(
              IngestConfig.from(source), kafka, registry, topics, TopicPolicy.from(source), s3);
      running.add(ingest);
      checks.add(
          new HealthServer.Check(
              "ingest",
              () ->
                  ingest.state().isRunningOrRebalancing()
                      || ingest.state() == KafkaStreams.State.CREATED,
              () -> ingest.state() == KafkaStreams.State.RUNNING));
    }
    if (roles.contains("train")) {
      FeatureConfig features = FeatureConfig.from(source);
      FeatureExtractor extractor = FeatureExtractor.open(BaseModels.backbone(features), features);
      MinioObjectStore store = new MinioObjectStore(s3);
      running.add(extractor);
      running.add(store);
      TrainerApp trainer =
          TrainerApp.start(
              TrainConfig.from(source),
              new TrainerApp.Parts(
                  kafka,
                  registry,
                  topics,
                  store,
                  extractor,
                  BaseModels.tfjsSource(features).orElse(null),
                  Files.createTempDirectory("streamtune-train")),
              TopicPolicy.from(source),
              Clock.systemUTC());
      running.add(trainer);
      checks.add(new HealthServer.Check("train", trainer::isRunning, trainer::isRunning));
    }
    if (roles.contains("serve")) {
      ServeApp serve = ServeApp.start(ServeConfig.from(source), kafka, registry, topics, s3);
      running.add(serve);
      checks.add(new HealthServer.Check("serve", serve::alive, serve::ready, serve::problem));
      spec.commandLine().getOut().println("Serving on http://localhost:" + serve.port() + "/");
    }
    HealthServer health;
    try {
      health = HealthServer.start(HealthConfig.from(source), checks);
    } catch (RuntimeException e) {
      stop(running);
      throw e;
    }
    running.add(health);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop(running);
                  stopped.countDown();
                },
                "worker-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "Streamtune worker running roles "
            + roles
            + "; health on http://localhost:"
            + health.port()
            + "/healthz, /readyz and /metrics. Ctrl-C (SIGINT or SIGTERM) stops it.");
    out.flush();
    stopped.await();
    return 0;
  }

  private static void stop(List<AutoCloseable> running) {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        System.err.println("streamtune: stopping failed: " + e);
      }
    }
  }
}
