package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import dev.streamtune.train.Rollback;
import dev.streamtune.train.TrainConfig;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune models rollback --model m --to N}: makes an older PUBLISHED version current
 * again.
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Make an older PUBLISHED version current again: publishes a new version (the highest plus one) "
          + "that re-announces its artifacts, with reason \"ROLLBACK to vN by operator\", then rewrites LATEST. "
          + "Serve swaps to it; the next training warm-starts from it. A trainer running for the model is fenced.",
      "Exit status 2 when the version is unknown, REJECTED or its artifacts are gone; 0 (nothing published) "
          + "when it is already current."
    })
final class RollbackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "<modelId>", description = "the model")
  String model;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "<version>",
      description = "the PUBLISHED version to serve")
  int version;

  @Option(
      names = "--reason",
      paramLabel = "<text>",
      defaultValue = "",
      description = "why, appended to the new version's reason")
  String note;

  @Override
  public Integer call() {
    ModelOption.check(model);
    var source = SettingOptions.source(spec);
    PrintWriter out = spec.commandLine().getOut();
    try (MinioObjectStore store = new MinioObjectStore(S3Config.from(source))) {
      var done =
          Rollback.run(
              KafkaConfig.from(source),
              RegistryConfig.from(source),
              TopicNames.from(source),
              store,
              source.get(TrainConfig.TRANSACTIONAL_PREFIX),
              model,
              version,
              note,
              Clock.systemUTC());
      if (done.isEmpty()) {
        out.printf("Version %d of %s is already current; nothing published.%n", version, model);
      } else {
        out.printf(
            "Published version %d of %s: %s (artifacts of version %d, run %s); LATEST updated.%n",
            done.get().getVersion(),
            model,
            done.get().getReason(),
            version,
            done.get().getTraining().getRunId());
      }
      return 0;
    } catch (Rollback.Refused e) {
      spec.commandLine().getErr().println("streamtune: refused: " + e.getMessage());
      return 2;
    }
  }
}
