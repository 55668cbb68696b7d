package dev.streamtune.feedback;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.testing.Stack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The feedback role running on a test's stack (topics of one partition, its own application id),
 * with a producer of {@code Prediction}s as serve sends them, keyed by model, and a registry client
 * for the test's own readers.
 */
public final class FeedbackRun implements AutoCloseable {
  private final FeedbackApp app;
  private final SchemaRegistryClient registry;
  private final KafkaProducer<String, Prediction> producer;
  private final String topic;

  private FeedbackRun(
      FeedbackApp app,
      SchemaRegistryClient registry,
      KafkaProducer<String, Prediction> producer,
      String topic) {
    this.app = app;
    this.registry = registry;
    this.producer = producer;
    this.topic = topic;
  }

  /** Starts the role with {@code config} under an application id of its own. */
  public static FeedbackRun start(Stack stack, FeedbackConfig config) {
    FeedbackApp app =
        FeedbackApp.start(
            config.withApplicationId(stack.unique("feedback")),
            stack.kafka(),
            stack.registry(),
            stack.topics(),
            new TopicPolicy(1, (short) -1, Duration.ofHours(1)),
            new SimpleMeterRegistry());
    SchemaRegistryClient registry = new SchemaRegistryClient(stack.registry());
    return new FeedbackRun(
        app,
        registry,
        new KafkaProducer<>(
            stack.kafka().idempotentProducerProps(),
            new StringSerializer(),
            ConfluentAvroSerde.of(Prediction.class, registry, stack.registry()).serializer()),
        stack.topics().predictions());
  }

  /** Sends the predictions, in order, and waits until the broker has them all. */
  public void send(List<Prediction> predictions) {
    predictions.forEach(p -> producer.send(new ProducerRecord<>(topic, p.getModelId(), p)));
    producer.flush();
  }

  /** A registry client, for reading what the role wrote. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  @Override
  public void close() {
    producer.close();
    app.close();
    registry.close();
  }
}
