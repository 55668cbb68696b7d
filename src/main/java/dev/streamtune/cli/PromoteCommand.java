package dev.streamtune.cli;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ChampionDecisions;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.ModelVersion;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.VersionStatus;
import dev.streamtune.train.VersionLog;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune models promote --model m --to N}: makes a PUBLISHED version the champion that
 * serve answers with while it runs challengers, by writing a {@link ChampionDecision} to {@code
 * models.champions}.
 */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = {
      "Make a PUBLISHED version the champion serve answers with while serve.challenger.mode is shadow "
          + "or split: writes a PROMOTED decision to models.champions, which every serve replica "
          + "follows. It settles every version published so far, so none of them is tried again; "
          + "the next version trained becomes the next challenger. With the mode off, serve "
          + "ignores decisions and serves the newest version.",
      "Exit status 2 when the version is unknown or not PUBLISHED."
    })
final class PromoteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "<modelId>", description = "the model")
  String model;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "<version>",
      description = "the PUBLISHED version to make champion")
  int version;

  @Option(
      names = "--by",
      paramLabel = "<name>",
      defaultValue = "${sys:user.name}",
      description = "who decides, recorded as operator:<name> (default: the user's name)")
  String by;

  @Option(
      names = "--reason",
      paramLabel = "<text>",
      defaultValue = "",
      description = "why, recorded in the decision's detail")
  String reason;

  @Override
  public Integer call() throws ExecutionException, InterruptedException {
    ModelOption.check(model);
    var source = SettingOptions.source(spec);
    PrintWriter out = spec.commandLine().getOut();
    KafkaConfig kafka = KafkaConfig.from(source);
    RegistryConfig registry = RegistryConfig.from(source);
    TopicNames topics = TopicNames.from(source);
    VersionLog log =
        VersionLog.read(kafka, registry, topics.modelVersions(), Duration.ofSeconds(30));
    ModelVersion chosen =
        log.versions(model).stream()
            .filter(v -> v.getVersion() == version)
            .findFirst()
            .orElse(null);
    if (chosen == null || chosen.getStatus() != VersionStatus.PUBLISHED) {
      spec.commandLine()
          .getErr()
          .printf(
              "streamtune: refused: %s version %d is %s; only a PUBLISHED version can be champion%n",
              model, version, chosen == null ? "unknown" : chosen.getStatus().toString());
      return 2;
    }
    int settles = Math.max(version, log.highest(model));
    String detail =
        dev.streamtune.http.Http.JSON.createObjectNode().put("reason", reason).toString();
    ChampionDecision d =
        ChampionDecisions.promoted(
            model, version, settles, ChampionDecisions.byOperator(by), detail, Instant.now());
    try (var client = new SchemaRegistryClient(registry)) {
      ChampionDecisions.send(kafka, client, registry, topics.championDecisions(), d);
    }
    out.printf(
        "%s version %d is champion; versions up to %d are settled (decided by %s).%n",
        model, version, settles, d.getDecidedBy());
    return 0;
  }
}
