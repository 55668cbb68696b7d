package dev.streamtune.events.registry;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry server speaking Confluent's REST API, for the dev stack and the tests.
 *
 * <p>It serves subjects, versions, {@code schemas/ids/{id}}, the lookup POST, {@code config} GET
 * and PUT, and {@code compatibility/subjects/{s}/versions/{v}}; it stores everything in a compacted
 * Kafka topic, so schemas and ids survive a restart. Any Confluent client (Java, kafkajs with
 * {@code @kafkajs/confluent-schema-registry}, confluent-kafka for Python) can use it.
 *
 * <pre>{@code
 * try (var registry = EmbeddedSchemaRegistry.start(EmbeddedRegistryConfig.defaults(bootstrap))) {
 *   URI url = registry.url();
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private final LocalSchemaRegistry registry;
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;

  private EmbeddedSchemaRegistry(
      LocalSchemaRegistry registry, HttpServer server, ExecutorService executor) {
    this.registry = registry;
    this.server = server;
    this.executor = executor;
    InetSocketAddress a = server.getAddress();
    this.url = URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  /**
   * Replays the schema topic (creating it if missing) and starts serving.
   *
   * @throws IllegalStateException if the topic is misconfigured or Kafka cannot be reached
   */
  public static EmbeddedSchemaRegistry start(EmbeddedRegistryConfig config) {
    SchemaLog log =
        new KafkaSchemaLog(
            config.bootstrapServers(),
            config.topic(),
            config.replicationFactor(),
            config.kafkaProps());
    LocalSchemaRegistry registry;
    try {
      registry = new LocalSchemaRegistry(log, config.defaultCompatibility());
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      // Small answers without Nagle's delay; read once, by the first JDK HTTP server of the
      // process.
      System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
      HttpServer server =
          HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
      var context = server.createContext("/", new RegistryHttpHandler(registry));
      if (!config.users().isEmpty()) {
        context.setAuthenticator(authenticator(config.users()));
      }
      server.setExecutor(executor);
      server.start();
      EmbeddedSchemaRegistry started = new EmbeddedSchemaRegistry(registry, server, executor);
      LOG.info("Schema registry serving {} from topic {}", started.url, config.topic());
      return started;
    } catch (IOException e) {
      executor.shutdownNow();
      registry.close();
      throw new UncheckedIOException(
          "Cannot bind the schema registry to " + config.host() + ":" + config.port(), e);
    }
  }

  /** The base URL, such as {@code http://127.0.0.1:8081}. */
  public URI url() {
    return url;
  }

  /** The registry behind the server, for in-process use. */
  public LocalSchemaRegistry registry() {
    return registry;
  }

  /** Stops serving and releases the Kafka clients. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    registry.close();
  }

  private static BasicAuthenticator authenticator(Map<String, String> users) {
    return new BasicAuthenticator("streamtune-schema-registry") {
      @Override
      public boolean checkCredentials(String user, String password) {
        String expected = users.get(user);
        return expected != null
            && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
      }
    };
  }
}
