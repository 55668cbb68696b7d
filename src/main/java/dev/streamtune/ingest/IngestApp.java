package dev.streamtune.ingest;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.ObjectStore;
import dev.streamtune.store.S3Config;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest topology: prepares the topics, binds the local state to the cluster and bucket
 * ({@link StateBinding}), starts Kafka Streams, and decides what a dying stream thread means. An
 * outage (storage or registry, after the retry budget) replaces the thread, which resumes from the
 * last commit; anything else stops the app, saying why.
 */
public final class IngestApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);
  private final KafkaStreams streams;
  private final MinioObjectStore store;
  private final SchemaRegistryClient registry;
  private final KafkaStreamsMetrics metrics;
  private final WriteBarrier barrier;
  private final StateBinding binding;

  private IngestApp(
      KafkaStreams streams,
      MinioObjectStore store,
      SchemaRegistryClient registry,
      KafkaStreamsMetrics metrics,
      WriteBarrier barrier,
      StateBinding binding) {
    this.binding = binding;
    this.barrier = barrier;
    this.streams = streams;
    this.store = store;
    this.registry = registry;
    this.metrics = metrics;
  }

  /** Prepares the topics and starts ingest, with meters nobody reads. */
  public static IngestApp start(
      IngestConfig config,
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      TopicPolicy policy,
      S3Config s3) {
    return start(config, kafka, registryConfig, topics, policy, s3, new SimpleMeterRegistry());
  }

  /**
   * Prepares the topics and starts ingest.
   *
   * @param meters the process's registry: ingest's meters and Kafka Streams' go there
   */
  public static IngestApp start(
      IngestConfig config,
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      TopicPolicy policy,
      S3Config s3,
      MeterRegistry meters) {
    return start(
        config, kafka, registryConfig, topics, policy, s3, meters, UnaryOperator.identity());
  }

  /**
   * As {@link #start}, with the topology's storage seen through {@code storage} (a test's hook).
   */
  static IngestApp start(
      IngestConfig config,
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      TopicPolicy policy,
      S3Config s3,
      MeterRegistry meters,
      UnaryOperator<ObjectStore> storage) {
    IngestMetrics counts = new IngestMetrics(meters);
    StateBinding binding =
        new StateBinding(
            config.stateDir(),
            config.applicationId(),
            s3,
            IngestTopology.changelogs(config.applicationId()));
    Path stateDir;
    MinioObjectStore store = new MinioObjectStore(s3);
    try (Admin admin = Admin.create(kafka.clientProps())) {
      TopicManager.ensure(admin, topics, policy);
      checkHistory(admin, store, config.applicationId());
      stateDir = binding.bind(admin);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    SchemaRegistryClient registry = new SchemaRegistryClient(registryConfig);
    WriteBarrier barrier = new WriteBarrier(config.storeWriters(), config.storeWriters() * 4);
    var topology =
        IngestTopology.build(
            config,
            topics,
            ConfluentAvroSerde.of(LabelledImage.class, registry, registryConfig),
            ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig),
            storage.apply(store),
            barrier,
            counts);
    Properties props = new Properties();
    props.putAll(
        IngestTopology.properties(
            config.withApplication(config.applicationId(), stateDir), kafka, topics));
    props.put(IngestMetrics.PROPERTY, counts);
    KafkaStreams streams = new KafkaStreams(topology, props, BarrierProducer.supplier(barrier));
    streams.setUncaughtExceptionHandler(
        e -> {
          if (Failures.classify(e) == Failures.Disposition.RETRY) {
            LOG.warn(
                "Ingest thread failed on an outage; replacing it to resume from the last commit: {}",
                e.toString());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          LOG.error("Ingest stops on an error that retrying cannot fix", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(binding.recorder(stateDir, kafka.clientProps()));
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    streams.start();
    LOG.info(
        "Ingest started: {} → {}, local state in {}",
        topics.labelledImages(),
        s3.bucket(),
        stateDir);
    return new IngestApp(streams, store, registry, metrics, barrier, binding);
  }

  private static void checkHistory(Admin admin, MinioObjectStore store, String applicationId) {
    try {
      BucketHistory.check(
          store,
          applicationId,
          BucketHistory.records(admin, IngestTopology.changelogs(applicationId).get(0)));
    } catch (java.io.UncheckedIOException e) {
      LOG.warn(
          "Could not check bucket {} against ingest's history, storage is unavailable ({}); starting anyway",
          store.bucket(),
          e.getMessage());
    }
  }

  /** The Kafka Streams state, such as RUNNING. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Stops processing, committing what is done. */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    binding.awaitRecorded();
    barrier.close();
    metrics.close();
    store.close();
    registry.close();
  }
}
