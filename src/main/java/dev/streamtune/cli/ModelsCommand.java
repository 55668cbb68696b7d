package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.train.VersionLog;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune models [--model m]}: lists versions from {@code models.versions}; {@code
 * streamtune models rollback} ({@link RollbackCommand}) makes an older one current again; {@code
 * streamtune models promote} ({@link PromoteCommand}) chooses the champion while serve runs
 * challengers.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "List model versions from models.versions: status, accuracy, parent, labels and reason. "
            + "Subcommands: rollback, promote.")
final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "<modelId>", description = "only this model")
  String model;

  @Override
  public Integer call() {
    var source = SettingOptions.source(spec);
    PrintWriter out = spec.commandLine().getOut();
    VersionLog log =
        VersionLog.read(
            KafkaConfig.from(source),
            RegistryConfig.from(source),
            TopicNames.from(source).modelVersions(),
            Duration.ofSeconds(30));
    List<String> models = model == null ? log.models() : List.of(model);
    out.printf(
        "%-20s %7s %-9s %-4s %8s %8s %7s  %s%n",
        "MODEL", "VERSION", "STATUS", "MODE", "ACCURACY", "PARENT", "LABELS", "REASON");
    for (String m : models) {
      for (ModelVersion v : log.versions(m)) {
        out.printf(
            Locale.ROOT,
            "%-20s %7d %-9s %-4s %8.4f %8s %7d  %s%n",
            m,
            v.getVersion(),
            v.getStatus(),
            v.getTraining().getMode(),
            v.getMetrics().getAccuracy(),
            v.getParentVersion() == null ? "-" : v.getParentVersion().toString(),
            v.getLabels().size(),
            v.getReason());
      }
    }
    if (models.isEmpty() || models.stream().allMatch(m -> log.versions(m).isEmpty())) {
      out.println("(no versions yet)");
    }
    return 0;
  }
}
