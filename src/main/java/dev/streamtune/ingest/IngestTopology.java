package dev.streamtune.ingest;

import dev.streamtune.events.AvroBinarySerde;
import dev.streamtune.events.ExampleIndexEntry;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.TrainingRequests;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.S3Config;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology, as a pure function of its configuration and collaborators:
 *
 * <pre>
 * images.labelled ─decode─▶ validate ─▶ repartition by modelId/sha256 ─▶ store (examples state)
 *   ├─▶ images.labelled.dlq (records bad at the store stage, rebuilt as they came in)
 *   ├─▶ examples.index (each new example or relabel, in its model's partition)
 *   └─▶ repartition by modelId ─▶ trigger (model-counters state, punctuator) ─▶ training.requests
 *                                                                        └─▶ training.status (counts)
 * bad records ─▶ images.labelled.dlq (KIP-1034 handlers, {@link DeadLetters})
 * </pre>
 */
public final class IngestTopology {
  private IngestTopology() {}

  /**
   * Builds the topology.
   *
   * @param config ingest settings
   * @param topics topic names
   * @param images serde of the input events (Confluent wire format)
   * @param requests serde of training requests (Confluent wire format)
   * @param store the bucket examples go to (and {@code ImageRef}s are read from); writes run
   *     inline, as {@code TopologyTestDriver} needs
   */
  public static Topology build(
      IngestConfig config,
      TopicNames topics,
      Serde<LabelledImage> images,
      Serde<TrainingRequest> requests,
      ObjectStore store) {
    return build(
        config,
        topics,
        images,
        requests,
        store,
        WriteBarrier.inline(),
        new IngestMetrics(new SimpleMeterRegistry()));
  }

  /**
   * Builds the topology with its storage writes behind {@code barrier} (see {@link IngestApp}),
   * counting into {@code metrics}.
   */
  static Topology build(
      IngestConfig config,
      TopicNames topics,
      Serde<LabelledImage> images,
      Serde<TrainingRequest> requests,
      ObjectStore store,
      WriteBarrier barrier,
      IngestMetrics metrics) {
    StorageRetry retry = new StorageRetry(config.storageRetry());
    Validator validator = new Validator(config, store, retry, barrier);
    Rejections rejections = new Rejections();
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreProcessor.STORE),
            Serdes.String(),
            Serdes.String()));
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(TriggerProcessor.STORE),
            Serdes.String(),
            Serdes.String()));
    b.stream(topics.labelledImages(), Consumed.with(Serdes.ByteArray(), images).withName("decode"))
        .process(() -> new ValidateProcessor(validator), Named.as("validate"))
        .repartition(
            Repartitioned.with(Serdes.String(), new AvroBinarySerde<>(LabelledImage.class))
                .withName("by-image"))
        .process(
            () ->
                new StoreProcessor(
                    validator,
                    store,
                    retry,
                    config.maxPixels(),
                    barrier,
                    rejections,
                    topics.labelledImages(),
                    images.serializer(),
                    metrics),
            Named.as("store"),
            StoreProcessor.STORE)
        .split(Named.as("stored-"))
        .branch(
            (k, v) -> StoreProcessor.isDeadLetter(v),
            Branched.withConsumer(
                s ->
                    s.map(
                            (k, v) ->
                                KeyValue.pair(
                                    ((DeadLetters.StoreDeadLetter) v).key(),
                                    ((DeadLetters.StoreDeadLetter) v).value()),
                            Named.as("as-dead-letter"))
                        .to(
                            topics.deadLetters(),
                            Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
                                .withName("store-dlq")),
                "dlq"))
        .defaultBranch(
            Branched.withConsumer(
                s -> {
                  KStream<String, ExampleIndexEntry> stored =
                      s.mapValues(v -> (ExampleIndexEntry) v, Named.as("as-entry"));
                  index(stored, topics);
                  counts(stored.mapValues(v -> 1L, Named.as("as-count")), config, topics, requests);
                },
                "counts"));
    return b.build();
  }

  /** Writes each stored example to {@code examples.index}, in its model's partition. */
  private static void index(KStream<String, ExampleIndexEntry> stored, TopicNames topics) {
    stored
        .map((k, v) -> KeyValue.pair(v.recordKey(), v.recordValue()), Named.as("as-index"))
        .to(
            topics.exampleIndex(),
            Produced.with(Serdes.String(), Serdes.String())
                .withStreamPartitioner(
                    (topic, key, value, partitions) ->
                        Optional.of(
                            Set.of(
                                ExampleIndexEntry.partition(
                                    key.substring(0, key.indexOf('/')), partitions))))
                .withName("index"));
  }

  private static void counts(
      KStream<String, Long> counts,
      IngestConfig config,
      TopicNames topics,
      Serde<TrainingRequest> requests) {
    TrainingRequests.route(
        counts
            .repartition(Repartitioned.with(Serdes.String(), Serdes.Long()).withName("by-model"))
            .process(
                () -> new TriggerProcessor(config), Named.as("trigger"), TriggerProcessor.STORE),
        topics,
        requests,
        "");
  }

  /** The changelog topics Kafka Streams keeps ingest's stores in, for {@code applicationId}. */
  static List<String> changelogs(String applicationId) {
    return Stream.of(StoreProcessor.STORE, TriggerProcessor.STORE)
        .map(s -> applicationId + "-" + s + "-changelog")
        .toList();
  }

  /**
   * The Kafka Streams properties ingest runs with: exactly-once v2, the dead-letter handlers, and a
   * transaction timeout above the storage retry budget plus one storage call that hangs to its
   * timeout (a write issued just before the commit's budget runs out), so retrying an outage never
   * times the transaction out first.
   */
  public static Map<String, Object> properties(
      IngestConfig config, KafkaConfig kafka, TopicNames topics) {
    Map<String, Object> p = new HashMap<>(kafka.clientProps());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnDecode.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnProcess.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(
        StreamsConfig.mainConsumerPrefix(
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
        true);
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
    long budget = config.storageRetry().toMillis();
    int txTimeout =
        (int)
            Math.max(
                Math.max(120_000, budget * 2 + 60_000),
                budget + S3Config.CALL_TIMEOUT.toMillis() + 30_000);
    p.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), txTimeout);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), txTimeout);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 500);
    p.put(
        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        (int) config.sessionTimeout().toMillis());
    return p;
  }
}
