package dev.streamtune.feedback;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.ServedAs;
import dev.streamtune.events.StatusRoute;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.TrainingRequests;
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
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The feedback topology, as a pure function of its configuration and serdes:
 *
 * <pre>
 * predictions ─┬─(those with a kept image)─▶ ask (labelling state: asked images, requests a day)
 *              │                               └─▶ labelling.requests
 *              ├─(the champion's, as the sample drew)─▶ drift (drift state: windows, reference)
 *              │                                        ├─▶ training.requests (DRIFT, once a drift)
 *              │                                        └─▶ training.status (each window's statistics)
 *              └─(a challenger's answers, the champion's sampled)─▶ judge (challenger state: trials)
 *                                                      ├─▶ models.champions (at a trial's end)
 *                                                      └─▶ training.status (the trial's statistics)
 * undecodable predictions ─▶ images.labelled.dlq (Kafka Streams' dead-letter queue)
 * </pre>
 *
 * <p>Predictions are keyed by model ({@code PredictionLog} sends them so), so one model's budget
 * and windows live in one task and need no repartition.
 */
public final class FeedbackTopology {
  private FeedbackTopology() {}

  /** Builds the topology, with meters nobody reads. */
  public static Topology build(
      FeedbackConfig config,
      TopicNames topics,
      Serde<Prediction> predictions,
      Serde<LabellingRequest> requests,
      Serde<TrainingRequest> trainingRequests,
      Serde<ChampionDecision> decisions) {
    return build(
        config,
        topics,
        predictions,
        requests,
        trainingRequests,
        decisions,
        new SimpleMeterRegistry());
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
      Serde<TrainingRequest> trainingRequests,
      Serde<ChampionDecision> decisions,
      MeterRegistry meters) {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LabellingProcessor.STORE),
            Serdes.String(),
            Serdes.Long()));
    KStream<String, Prediction> all =
        b.stream(
                topics.predictions(),
                Consumed.with(Serdes.String(), predictions).withName("predictions"))
            .filter((k, v) -> v != null, Named.as("decoded"));
    all.filter((k, v) -> v.getImageUri() != null, Named.as("kept"))
        .process(
            () -> new LabellingProcessor(config, meters), Named.as("ask"), LabellingProcessor.STORE)
        .to(
            topics.labellingRequests(),
            Produced.with(Serdes.String(), requests).withName("requests"));
    if (config.driftWindow() > 0) {
      drift(b, all, config, topics, trainingRequests);
    }
    challenger(b, all, config, topics, decisions);
    return b.build();
  }

  private static void challenger(
      StreamsBuilder b,
      KStream<String, Prediction> all,
      FeedbackConfig config,
      TopicNames topics,
      Serde<ChampionDecision> decisions) {
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ChallengerProcessor.STORE),
            Serdes.String(),
            Serdes.String()));
    StatusRoute.route(
        all.filter(
                (k, v) -> v.getServedAs() != ServedAs.CHAMPION || v.getSampled(),
                Named.as("trial-answers"))
            .process(
                () -> new ChallengerProcessor(config),
                Named.as("judge"),
                ChallengerProcessor.STORE),
        ChampionDecision.class,
        topics.championDecisions(),
        decisions,
        topics,
        "decision",
        "trial-");
  }

  private static void drift(
      StreamsBuilder b,
      KStream<String, Prediction> all,
      FeedbackConfig config,
      TopicNames topics,
      Serde<TrainingRequest> trainingRequests) {
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DriftProcessor.STORE),
            Serdes.String(),
            Serdes.String()));
    TrainingRequests.route(
        all.filter(
                (k, v) -> v.getSampled() && v.getServedAs() == ServedAs.CHAMPION,
                Named.as("sampled"))
            .process(() -> new DriftProcessor(config), Named.as("drift"), DriftProcessor.STORE),
        topics,
        trainingRequests,
        "drift-");
  }

  /**
   * The Kafka Streams properties the role runs with: exactly-once v2 (a request commits with the
   * state that decided it), undecodable predictions to the dead-letter topic.
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
