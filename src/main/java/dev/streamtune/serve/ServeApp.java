package dev.streamtune.serve;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;

/**
 * The serve role: a {@link ModelSubscriber} on {@code models.versions} and the {@link ServeServer}
 * in front of it, against the configured Kafka, registry and object storage.
 */
public final class ServeApp implements AutoCloseable {
  private final MinioObjectStore store;
  private final ModelSubscriber subscriber;
  private final ServeServer server;

  private ServeApp(MinioObjectStore store, ModelSubscriber subscriber, ServeServer server) {
    this.store = store;
    this.subscriber = subscriber;
    this.server = server;
  }

  /** Starts subscribing and serving. */
  public static ServeApp start(ServeConfig config, KafkaConfig kafka, RegistryConfig registry, TopicNames topics,
      S3Config s3) {
    MinioObjectStore store = new MinioObjectStore(s3);
    ModelSubscriber subscriber = null;
    try {
      subscriber = ModelSubscriber.start(kafka, registry, topics.modelVersions(), store, config, null);
      return new ServeApp(store, subscriber, ServeServer.start(config, subscriber));
    } catch (RuntimeException e) {
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

  /** The subscriber, for readiness and in-process classification. */
  public ModelSubscriber subscriber() {
    return subscriber;
  }

  @Override
  public void close() {
    server.close();
    subscriber.close();
    store.close();
  }
}
