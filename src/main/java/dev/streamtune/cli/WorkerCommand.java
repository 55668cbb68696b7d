package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.health.HealthConfig;
import dev.streamtune.health.HealthServer;
import dev.streamtune.health.Meters;
import dev.streamtune.store.S3Config;
import dev.streamtune.worker.Worker;
import dev.streamtune.worker.WorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
  @Spec CommandSpec spec;

  @Option(
      names = "--roles",
      split = ",",
      defaultValue = "ingest,train,serve,feedback",
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
    var source = SettingOptions.source(spec);
    WorkerConfig config = WorkerConfig.from(source, roles);
    PrometheusMeterRegistry meters = Meters.create();
    Worker worker =
        Worker.start(
            config,
            KafkaConfig.from(source),
            RegistryConfig.from(source),
            TopicNames.from(source),
            S3Config.from(source),
            meters,
            Clock.systemUTC());
    HealthServer health;
    try {
      health = HealthServer.start(HealthConfig.from(source), worker.checks(), meters);
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    worker.serve().ifPresent(s -> out.println("Serving on http://localhost:" + s.port() + "/"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  health.close();
                  worker.close();
                  stopped.countDown();
                },
                "worker-shutdown"));
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
}
