package dev.streamtune.serve;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.health.Meters;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The serve role: a {@link ModelSubscriber} on {@code models.versions}, and the {@link ServeServer}
 * with its {@link Dashboard} in front of it, against the configured Kafka, registry and object
 * storage; its classifications go to a {@link PredictionLog} on {@code predictions}.
 */
public final class ServeApp implements AutoCloseable {
  private final MinioObjectStore store;
  private final ModelSubscriber subscriber;
  private final Dashboard dashboard;
  private final ServeServer server;
  private final PredictionLog predictions;

  private ServeApp(
      MinioObjectStore store,
      ModelSubscriber subscriber,
      Dashboard dashboard,
      ServeServer server,
      PredictionLog predictions) {
    this.predictions = predictions;
    this.store = store;
    this.subscriber = subscriber;
    this.dashboard = dashboard;
    this.server = server;
  }

  /** Starts subscribing and serving, with a registry of its own that {@code /metrics} shows. */
  public static ServeApp start(
      ServeConfig config,
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      S3Config s3) {
    return start(config, kafka, registry, topics, s3, Meters.create());
  }

  /**
   * Starts subscribing and serving.
   *
   * @param meters the process's registry: serve's meters go there, and {@code /metrics} shows it
   */
  public static ServeApp start(
      ServeConfig config,
      KafkaConfig kafka,
      RegistryConfig registry,
      TopicNames topics,
      S3Config s3,
      MeterRegistry meters) {
    ServeMetrics metrics = new ServeMetrics(meters);
    MinioObjectStore store = new MinioObjectStore(s3);
    ModelSubscriber subscriber = null;
    Dashboard dashboard = null;
    PredictionLog predictions = null;
    try {
      predictions =
          PredictionLog.open(
              config, kafka, registry, topics.predictions(), store, Clock.systemUTC(), meters);
      subscriber =
          ModelSubscriber.start(
              kafka,
              registry,
              ModelSubscriber.Topics.of(topics),
              store,
              config,
              null,
              Clock.systemUTC(),
              metrics);
      dashboard = Dashboard.start(kafka, registry, topics, subscriber, store, config.challenger());
      return new ServeApp(
          store,
          subscriber,
          dashboard,
          ServeServer.start(config, subscriber, dashboard, metrics, predictions),
          predictions);
    } catch (RuntimeException e) {
      if (predictions != null) {
        predictions.close();
      }
      if (dashboard != null) {
        dashboard.close();
      }
      if (subscriber != null) {
        subscriber.close();
      }
      store.close();
      throw e;
    }
  }

  /** The HTTP port. */
  public int port() {
    return server.port();
  }

  /**
   * Whether serve is ready: caught up, its models loaded, and its subscriber not stuck for {@code
   * serve.subscriber.max.stuck}; what its {@code /readyz} answers.
   */
  public boolean ready() {
    return server.ready();
  }

  /**
   * Whether serve is alive: false once its subscriber stopped for good; what its {@code /healthz}
   * answers.
   */
  public boolean alive() {
    return server.alive();
  }

  /**
   * What is wrong with following {@code models.versions}, for the probes' answers; null when
   * nothing.
   */
  public String problem() {
    return subscriber.status().problem().orElse(null);
  }

  /** The subscriber, for readiness and in-process classification. */
  public ModelSubscriber subscriber() {
    return subscriber;
  }

  @Override
  public void close() {
    server.close();
    predictions.close();
    dashboard.close();
    subscriber.close();
    store.close();
  }
}
