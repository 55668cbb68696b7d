package dev.streamtune.cli;

import dev.streamtune.config.ConfigException;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.ingest.ExampleErasure;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code streamtune examples delete --model m (--sha256 h | --event-id e)...}: the right to
 * erasure.
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Erase images from a model's dataset (the right to erasure): the example object, its cached "
          + "features and activations, and its thumbnail in the model cards. The next version trains without them; "
          + "versions already trained keep what they learnt (see docs/operations.md).",
      "An --event-id is looked up on images.labelled, so it must be within the topic's retention. "
          + "Exit status 1 when an event id was not found (the others are erased), 2 on bad options."
    })
final class ExamplesDeleteCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "<modelId>", description = "the model")
  String model;

  @Option(
      names = "--sha256",
      split = ",",
      paramLabel = "<hex>",
      description = "an image's sha256; repeatable")
  List<String> sha256s = List.of();

  @Option(
      names = "--event-id",
      split = ",",
      paramLabel = "<id>",
      description = "the eventId of the LabelledImage that brought the image; repeatable")
  List<String> eventIds = List.of();

  @Override
  public Integer call() {
    ModelOption.check(model);
    if (sha256s.isEmpty() && eventIds.isEmpty()) {
      throw new ConfigException("Name the images to erase with --sha256 or --event-id");
    }
    var source = SettingOptions.source(spec);
    PrintWriter out = spec.commandLine().getOut();
    ExampleErasure.Result r;
    try (MinioObjectStore store = new MinioObjectStore(S3Config.from(source))) {
      r =
          ExampleErasure.erase(
              KafkaConfig.from(source),
              RegistryConfig.from(source),
              TopicNames.from(source),
              store,
              model,
              Set.copyOf(sha256s.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()),
              Set.copyOf(eventIds),
              Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    r.byEventId()
        .forEach((id, shas) -> out.printf("Event %s carried %s%n", id, String.join(", ", shas)));
    r.objectsDeleted().forEach(k -> out.printf("Deleted %s%n", k));
    out.printf(
        "Erased %d image(s) of %s: %d example object(s), %d cached value(s) in %d pack(s), %d model card(s).%n",
        r.sha256s().size(),
        model,
        r.objectsDeleted().size(),
        r.cache().entries(),
        r.cache().packsRewritten(),
        r.modelCards());
    if (!r.eventIdsNotFound().isEmpty()) {
      spec.commandLine()
          .getErr()
          .printf(
              "streamtune: not found on %s for %s (past its retention, or another "
                  + "model's): %s%n",
              TopicNames.from(source).labelledImages(), model, r.eventIdsNotFound());
      return 1;
    }
    return 0;
  }
}
