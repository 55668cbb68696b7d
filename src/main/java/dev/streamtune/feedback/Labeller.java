package dev.streamtune.feedback;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Answers one model's pending labelling requests, as a member of a consumer group: each request is
 * shown to a {@link Decider} (a person at a terminal, an app, the demo), its label sent to {@code
 * images.labelled} as an ordinary {@code LabelledImage} ({@link LabellingRequests#answer}), and
 * only then is the request committed as handled. Labellers in one group share the requests; a
 * request skipped is handled too, a request not reached (a stop, a crash) stays pending.
 *
 * <pre>{@code
 * try (Labeller l = Labeller.open(kafka, registry, topics, "shirts", "streamtune-label-shirts")) {
 *   Labeller.Outcome o = l.run(r -> Labeller.Answer.label("shirt"), "alice", Duration.ofSeconds(10), 100);
 * }
 * }</pre>
 */
public final class Labeller implements AutoCloseable {
  private final String modelId;
  private final String imagesTopic;
  private final SchemaRegistryClient registry;
  private final KafkaConsumer<String, LabellingRequest> consumer;
  private final KafkaProducer<String, LabelledImage> producer;
  private final Clock clock;

  /** What to do with one request. */
  public interface Decider {
    /** The answer to {@code request}; asked on the labeller's thread, one request at a time. */
    Answer decide(LabellingRequest request);
  }

  /**
   * A decision: a label, a skip, or a stop (the request stays pending).
   *
   * @param label the label, or null to skip or stop
   * @param stop whether to stop before handling this request
   */
  public record Answer(String label, boolean stop) {
    /** Answers with {@code label}. */
    public static Answer label(String label) {
      return new Answer(Objects.requireNonNull(label, "label"), false);
    }

    /** Handles the request without a label: nobody is asked again. */
    public static Answer skip() {
      return new Answer(null, false);
    }

    /** Stops; this request stays pending. */
    public static Answer quit() {
      return new Answer(null, true);
    }
  }

  /**
   * What a run did.
   *
   * @param answered requests answered with a label
   * @param skipped requests handled without one
   * @param stopped whether the decider stopped the run
   */
  public record Outcome(int answered, int skipped, boolean stopped) {}

  private Labeller(
      String modelId,
      String imagesTopic,
      SchemaRegistryClient registry,
      KafkaConsumer<String, LabellingRequest> consumer,
      KafkaProducer<String, LabelledImage> producer,
      Clock clock) {
    this.modelId = modelId;
    this.imagesTopic = imagesTopic;
    this.registry = registry;
    this.consumer = consumer;
    this.producer = producer;
    this.clock = clock;
  }

  /**
   * Joins {@code group} on {@code labelling.requests}, from the first request it has not handled.
   *
   * @param modelId the model whose requests to answer; others are left to their own labellers
   */
  public static Labeller open(
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      String modelId,
      String group) {
    SchemaRegistryClient registry = new SchemaRegistryClient(registryConfig);
    try {
      Map<String, Object> c = kafka.readCommittedConsumerProps();
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
      c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
      KafkaConsumer<String, LabellingRequest> consumer =
          new KafkaConsumer<>(
              c,
              new StringDeserializer(),
              ConfluentAvroSerde.of(LabellingRequest.class, registry, registryConfig)
                  .deserializer());
      consumer.subscribe(List.of(topics.labellingRequests()));
      KafkaProducer<String, LabelledImage> producer =
          new KafkaProducer<>(
              kafka.idempotentProducerProps(),
              new StringSerializer(),
              ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig).serializer());
      return new Labeller(
          modelId, topics.labelledImages(), registry, consumer, producer, Clock.systemUTC());
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /**
   * Handles requests until {@code idle} passes without one, {@code max} are answered or skipped, or
   * the decider stops.
   *
   * @param labelledBy who answers, recorded in each answer ({@link LabellingRequests#SOURCE})
   */
  public Outcome run(Decider decider, String labelledBy, Duration idle, int max) {
    int answered = 0;
    int skipped = 0;
    long quietSince = System.nanoTime();
    while (answered + skipped < max && System.nanoTime() - quietSince < idle.toNanos()) {
      for (ConsumerRecord<String, LabellingRequest> r : consumer.poll(Duration.ofMillis(200))) {
        quietSince = System.nanoTime();
        LabellingRequest request = r.value();
        if (request != null && request.getModelId().equals(modelId)) {
          if (answered + skipped >= max) {
            return stop(answered, skipped, false);
          }
          Answer a = decider.decide(request);
          if (a.stop()) {
            return stop(answered, skipped, true);
          }
          if (a.label() == null) {
            skipped++;
          } else {
            send(LabellingRequests.answer(request, a.label(), labelledBy, clock.instant()));
            answered++;
          }
        }
        consumer.commitSync(
            Map.of(
                new TopicPartition(r.topic(), r.partition()),
                new OffsetAndMetadata(r.offset() + 1)));
      }
    }
    return new Outcome(answered, skipped, false);
  }

  /**
   * Stops with the rest of the batch unhandled: every partition goes back to its committed offset,
   * so that the next run, of this labeller or another of the group, starts there.
   */
  private Outcome stop(int answered, int skipped, boolean asked) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
    for (TopicPartition tp : assigned) {
      OffsetAndMetadata c = committed.get(tp);
      if (c == null) {
        consumer.seekToBeginning(List.of(tp));
      } else {
        consumer.seek(tp, c.offset());
      }
    }
    return new Outcome(answered, skipped, asked);
  }

  private void send(LabelledImage answer) {
    try {
      producer.send(new ProducerRecord<>(imagesTopic, answer.getModelId(), answer)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending a label", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not send a label: " + e.getCause(), e.getCause());
    }
  }

  @Override
  public void close() {
    producer.close();
    consumer.close();
    registry.close();
  }
}
