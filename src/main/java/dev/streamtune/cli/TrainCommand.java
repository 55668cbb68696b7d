package dev.streamtune.cli;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.TrainingRequests;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code streamtune train --model m}: asks for a training now (reason MANUAL). */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Send a TrainingRequest with reason MANUAL for a model to training.requests.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "<modelId>",
      description = "the model to retrain")
  String model;

  @Override
  public Integer call() throws Exception {
    ModelOption.check(model);
    var source = SettingOptions.source(spec);
    RegistryConfig registryConfig = RegistryConfig.from(source);
    TopicNames topics = TopicNames.from(source);
    TrainingRequest request =
        TrainingRequests.of(model, TrainingReason.MANUAL, java.time.Instant.now());
    try (var registry = new SchemaRegistryClient(registryConfig)) {
      var meta =
          TrainingRequests.send(
              KafkaConfig.from(source),
              registry,
              registryConfig,
              topics.trainingRequests(),
              request);
      spec.commandLine()
          .getOut()
          .printf(
              "Requested a training of %s (request %s, %s partition %d offset %d)%n",
              model, request.getRequestId(), meta.topic(), meta.partition(), meta.offset());
    }
    return 0;
  }
}
