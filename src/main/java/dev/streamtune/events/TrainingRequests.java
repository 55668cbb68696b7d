package dev.streamtune.events;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Sends one {@link TrainingRequest} outside the ingest topology: a person's {@code streamtune
 * train} (reason {@code MANUAL}) or a trainer's own request once a background consolidation is
 * ready ({@code CONSOLIDATION}). Keyed by the model id, like the ingest's requests, so that it
 * lands on the model's partition.
 */
public final class TrainingRequests {
  private TrainingRequests() {}

  /** A request for {@code modelId} made at {@code at}, with a new unique id and no new examples. */
  public static TrainingRequest of(String modelId, TrainingReason reason, Instant at) {
    return TrainingRequest.newBuilder()
        .setRequestId(UUID.randomUUID().toString())
        .setModelId(modelId)
        .setNewExamples(0)
        .setReason(reason)
        .setRequestedAt(at)
        .build();
  }

  /**
   * Sends {@code request} to {@code topic} with an idempotent producer, and waits for the broker.
   *
   * @throws ExecutionException when the broker refused it
   */
  public static RecordMetadata send(
      KafkaConfig kafka,
      SchemaRegistryClient registry,
      RegistryConfig registryConfig,
      String topic,
      TrainingRequest request)
      throws ExecutionException, InterruptedException {
    try (var producer =
        new KafkaProducer<>(
            kafka.idempotentProducerProps(),
            new StringSerializer(),
            ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig).serializer())) {
      return producer
          .send(new ProducerRecord<>(topic, request.getModelId().toString(), request))
          .get();
    }
  }

  /**
   * Routes a processor's output to the trainer's topics: each {@code TrainingRequest} to {@code
   * training.requests}, anything else, as text, to {@code training.status}. What ingest's trigger
   * and the feedback role's drift monitor both emit.
   *
   * @param prefix put before the names of the nodes it adds, so that two routings in one topology
   *     differ ({@code ""} for none)
   */
  public static void route(
      KStream<String, Object> out,
      TopicNames topics,
      Serde<TrainingRequest> requests,
      String prefix) {
    StatusRoute.route(
        out, TrainingRequest.class, topics.trainingRequests(), requests, topics, "request", prefix);
  }
}
