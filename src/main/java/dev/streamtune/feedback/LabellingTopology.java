package dev.streamtune.feedback;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.TopicNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The labelling topology, as a pure function of its configuration and serdes:
 *
 * <pre>
 * predictions ─(those with a kept image)─▶ ask (labelling state: asked images, requests a day)
 *                                            └─▶ labelling.requests
 * undecodable predictions ─▶ images.labelled.dlq (Kafka Streams' dead-letter queue)
 * </pre>
 *
 * <p>Predictions are keyed by model ({@code PredictionLog} sends them so), so one model's budget
 * lives in one task and needs no repartition.
 */
public final class LabellingTopology {
  private LabellingTopology() {}

  /** Builds the topology, with meters nobody reads. */
  public static Topology build(
      FeedbackConfig config,
      TopicNames topics,
      Serde<Prediction> predictions,
      Serde<LabellingRequest> requests) {
    return build(config, topics, predictions, requests, new SimpleMeterRegistry());
  }

  /**
   * Builds the topology.
   *
   * @param meters where {@code streamtune.feedback.labelling{outcome}} counts
   */
  public static Topology build(
      FeedbackConfig config,
      TopicNames topics,
      Serde<Prediction> predictions,
      Serde<LabellingRequest> requests,
      MeterRegistry meters) {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LabellingProcessor.STORE),
            Serdes.String(),
            Serdes.Long()));
    b.stream(
            topics.predictions(),
            Consumed.with(Serdes.String(), predictions).withName("predictions"))
        .filter((k, v) -> v != null && v.getImageUri() != null, Named.as("kept"))
        .process(
            () -> new LabellingProcessor(config, meters), Named.as("ask"), LabellingProcessor.STORE)
        .to(
            topics.labellingRequests(),
            Produced.with(Serdes.String(), requests).withName("requests"));
    return b.build();
  }

  /**
   * The Kafka Streams properties the role runs with: exactly-once v2 (a request and its budget
   * commit together), undecodable predictions to the dead-letter topic.
   *
   * @param stateDir the state directory to use
   */
  public static Map<String, Object> properties(
      FeedbackConfig config, KafkaConfig kafka, TopicNames topics, Path stateDir) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    return p;
  }
}
