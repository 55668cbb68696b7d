package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.ingest.DeadLetterReplay;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamtune dlq replay [--reason R]...}: re-sends dead letters after a fix. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-send dead letters to the topic they came from, after a fix (an object uploaded, a schema "
          + "registered, a limit raised): those of the given reasons, or all. Safe to repeat: ingest stores an image "
          + "once however often it arrives; records still bad go back to the dead-letter topic."
    })
final class DlqCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--reason",
      split = ",",
      paramLabel = "<reason>",
      description =
          "replay only dead letters of these reasons (streamtune.reason header), such as REF_MISSING")
  List<String> reasons;

  @Option(names = "--dry-run", description = "count what would be replayed, send nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    var source = SettingOptions.source(spec);
    var result =
        DeadLetterReplay.replay(
            KafkaConfig.from(source),
            TopicNames.from(source),
            reasons == null ? Set.of() : Set.copyOf(reasons),
            dryRun);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "Read %d dead letters %s; %s %d.%n",
        result.read(), result.byReason(), dryRun ? "would replay" : "replayed", result.replayed());
    return 0;
  }
}
