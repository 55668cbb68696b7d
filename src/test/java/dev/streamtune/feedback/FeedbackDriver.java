package dev.streamtune.feedback;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.SubjectNameStrategy;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.registry.LocalSchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The feedback topology on {@code TopologyTestDriver} with the default topic names, an in-memory
 * registry and its own meters: the predictions to pipe in and the four topics it writes.
 */
public final class FeedbackDriver implements AutoCloseable {
  /** The driver, for its clock and stores. */
  public final TopologyTestDriver driver;

  /** {@code predictions}. */
  public final TestInputTopic<String, Prediction> predictions;

  /** {@code labelling.requests}. */
  public final TestOutputTopic<String, LabellingRequest> labelling;

  /** {@code training.requests}. */
  public final TestOutputTopic<String, TrainingRequest> requests;

  /** {@code training.status}. */
  public final TestOutputTopic<String, String> status;

  /** {@code models.champions}. */
  public final TestOutputTopic<String, ChampionDecision> decisions;

  /** The topology's meters. */
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  /**
   * Builds the topology with {@code config}.
   *
   * @param start the driver's wall clock at start
   */
  public FeedbackDriver(FeedbackConfig config, Instant start) {
    TopicNames topics = TopicNames.defaults();
    LocalSchemaRegistry registry = LocalSchemaRegistry.inMemory();
    var in =
        new ConfluentAvroSerde<>(Prediction.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
    var asked =
        new ConfluentAvroSerde<>(
            LabellingRequest.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
    var train =
        new ConfluentAvroSerde<>(
            TrainingRequest.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
    var decided =
        new ConfluentAvroSerde<>(
            ChampionDecision.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
    Properties props = new Properties();
    props.putAll(
        FeedbackTopology.properties(
            config,
            KafkaConfig.plaintext("unused:9092"),
            topics,
            Path.of("target", "ttd-state", UUID.randomUUID().toString())));
    driver =
        new TopologyTestDriver(
            FeedbackTopology.build(config, topics, in, asked, train, decided, meters),
            props,
            start);
    predictions =
        driver.createInputTopic(topics.predictions(), new StringSerializer(), in.serializer());
    labelling =
        driver.createOutputTopic(
            topics.labellingRequests(), new StringDeserializer(), asked.deserializer());
    requests =
        driver.createOutputTopic(
            topics.trainingRequests(), new StringDeserializer(), train.deserializer());
    decisions =
        driver.createOutputTopic(
            topics.championDecisions(), new StringDeserializer(), decided.deserializer());
    status =
        driver.createOutputTopic(
            topics.trainingStatus(), new StringDeserializer(), new StringDeserializer());
  }

  @Override
  public void close() {
    driver.close();
  }
}
