package dev.streamtune.cli;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingReason;
import dev.streamtune.events.TrainingRequest;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
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
    Map<String, Object> props = KafkaConfig.from(source).idempotentProducerProps();
    TrainingRequest request =
        TrainingRequest.newBuilder()
            .setRequestId(UUID.randomUUID().toString())
            .setModelId(model)
            .setNewExamples(0)
            .setReason(TrainingReason.MANUAL)
            .setRequestedAt(Instant.now())
            .build();
    try (var registry = new SchemaRegistryClient(registryConfig);
        var producer =
            new KafkaProducer<>(
                props,
                new StringSerializer(),
                ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig)
                    .serializer())) {
      var meta =
          producer.send(new ProducerRecord<>(topics.trainingRequests(), model, request)).get();
      spec.commandLine()
          .getOut()
          .printf(
              "Requested a training of %s (request %s, %s partition %d offset %d)%n",
              model, request.getRequestId(), meta.topic(), meta.partition(), meta.offset());
    }
    return 0;
  }
}
