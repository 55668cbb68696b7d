package dev.streamtune.feedback;

import dev.streamtune.events.ChampionDecision;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.Failures;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.LocalFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the feedback role: prepares the topics and starts the {@link FeedbackTopology}. An outage
 * replaces the stream thread, which resumes from the last commit; anything else stops the role.
 */
public final class FeedbackApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackApp.class);
  private final KafkaStreams streams;
  private final SchemaRegistryClient registry;
  private final KafkaStreamsMetrics metrics;
  private final Path temporary;

  private FeedbackApp(
      KafkaStreams streams,
      SchemaRegistryClient registry,
      KafkaStreamsMetrics metrics,
      Path temporary) {
    this.streams = streams;
    this.registry = registry;
    this.metrics = metrics;
    this.temporary = temporary;
  }

  /**
   * Prepares the topics and starts the role.
   *
   * @param meters the process's registry
   */
  public static FeedbackApp start(
      FeedbackConfig config,
      KafkaConfig kafka,
      RegistryConfig registryConfig,
      TopicNames topics,
      TopicPolicy policy,
      MeterRegistry meters) {
    try (Admin admin = Admin.create(kafka.clientProps())) {
      TopicManager.ensure(admin, topics, policy);
    }
    Path stateDir = stateDir(config);
    SchemaRegistryClient registry = new SchemaRegistryClient(registryConfig);
    Properties props = new Properties();
    props.putAll(FeedbackTopology.properties(config, kafka, topics, stateDir));
    KafkaStreams streams =
        new KafkaStreams(
            FeedbackTopology.build(
                config,
                topics,
                ConfluentAvroSerde.of(Prediction.class, registry, registryConfig),
                ConfluentAvroSerde.of(LabellingRequest.class, registry, registryConfig),
                ConfluentAvroSerde.of(TrainingRequest.class, registry, registryConfig),
                ConfluentAvroSerde.of(ChampionDecision.class, registry, registryConfig),
                meters),
            props);
    streams.setUncaughtExceptionHandler(
        e -> {
          if (Failures.classify(e) == Failures.Disposition.RETRY) {
            LOG.warn("Feedback thread failed on an outage; replacing it: {}", e.toString());
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          }
          LOG.error("Feedback stops on an error that retrying cannot fix", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams);
    m.bindTo(meters);
    streams.start();
    LOG.info(
        "Feedback started: {} → {}, at most {} a model a day",
        topics.predictions(),
        topics.labellingRequests(),
        config.dailyRequests());
    return new FeedbackApp(streams, registry, m, config.stateDir() == null ? stateDir : null);
  }

  private static Path stateDir(FeedbackConfig config) {
    try {
      return config.stateDir() == null
          ? Files.createTempDirectory("streamtune-feedback")
          : Files.createDirectories(config.stateDir());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the feedback state directory", e);
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
    metrics.close();
    registry.close();
    if (temporary != null) {
      streams.cleanUp();
      try {
        LocalFiles.deleteTree(temporary);
      } catch (UncheckedIOException e) {
        LOG.warn("Could not delete the feedback state {}: {}", temporary, e.toString());
      }
    }
  }
}
