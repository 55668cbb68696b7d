package dev.streamtune.devstack;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicManager;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import dev.streamtune.store.LocalFiles;
import dev.streamtune.store.S3Config;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka, S3 and a schema registry in this JVM on loopback: what {@code streamtune dev-stack},
 * {@code streamtune demo} and the integration tests run on when there is no Docker.
 *
 * <p>It starts a KRaft broker ({@link EmbeddedKafka}) and an S3 server ({@link EmbeddedS3}) in
 * parallel, then the schema registry on the broker; it creates the bucket and Streamtune's topics.
 * Data stays in {@link DevStackConfig#dir()} between runs unless {@code fresh} is set. {@link
 * #close()} stops everything in reverse order.
 *
 * <pre>{@code
 * try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir, true))) {
 *   KafkaConfig kafka = stack.kafka();
 * }
 * }</pre>
 */
public final class DevStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevStack.class);

  /**
   * Where the servers listen, and the credentials to use.
   *
   * @param bootstrapServers Kafka {@code host:port}
   * @param registryUrl schema registry base URL
   * @param s3Endpoint S3 endpoint URL
   * @param bucket the bucket Streamtune uses
   * @param accessKey S3 access key
   * @param secretKey S3 secret key
   * @param dataDir where the data lives
   */
  public record Endpoints(
      String bootstrapServers,
      URI registryUrl,
      URI s3Endpoint,
      String bucket,
      String accessKey,
      String secretKey,
      Path dataDir) {}

  private final Deque<AutoCloseable> started;
  private final Endpoints endpoints;

  private DevStack(Deque<AutoCloseable> started, Endpoints endpoints) {
    this.started = started;
    this.endpoints = endpoints;
  }

  /**
   * Starts the stack, or fails with everything already started stopped again.
   *
   * @throws IllegalStateException when a server cannot start, such as a port in use
   */
  public static DevStack start(DevStackConfig c) {
    long t0 = System.nanoTime();
    Path dir = c.dir().toAbsolutePath();
    if (c.fresh()) {
      LocalFiles.deleteTree(dir);
    }
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      var kafkaF =
          CompletableFuture.supplyAsync(
              () -> EmbeddedKafka.start(dir.resolve("kafka"), c.kafkaPort(), c.controllerPort()));
      var s3F =
          CompletableFuture.supplyAsync(
              () -> EmbeddedS3.start(dir.resolve("s3"), c.s3Port(), c.accessKey(), c.secretKey()));
      CompletableFuture.allOf(kafkaF, s3F).exceptionally(x -> null).join();
      for (CompletableFuture<? extends AutoCloseable> f : java.util.List.of(kafkaF, s3F)) {
        if (!f.isCompletedExceptionally()) {
          started.push(f.join());
        }
      }
      rethrow(kafkaF);
      rethrow(s3F);
      EmbeddedKafka kafka = kafkaF.join();
      EmbeddedS3 s3 = s3F.join();
      KafkaConfig kafkaConfig = KafkaConfig.plaintext(kafka.bootstrapServers());
      try (Admin admin = Admin.create(kafkaConfig.clientProps())) {
        var report = TopicManager.ensure(admin, c.topics(), c.topicPolicy());
        LOG.info("Topics created: {}; already there: {}", report.created(), report.checked());
      }
      EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(
              EmbeddedRegistryConfig.defaults(kafkaConfig).withPort(c.registryPort()));
      started.push(registry);
      S3Config s3Config =
          new S3Config(s3.endpoint(), "us-east-1", c.bucket(), c.accessKey(), c.secretKey());
      ensureBucket(s3Config);
      Endpoints e =
          new Endpoints(
              kafka.bootstrapServers(),
              registry.url(),
              s3.endpoint(),
              c.bucket(),
              c.accessKey(),
              c.secretKey(),
              dir);
      LOG.info(
          "Dev stack up in {} ms: {}", (System.nanoTime() - t0) / 1_000_000, e.bootstrapServers());
      return new DevStack(started, e);
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  /** Where everything listens. */
  public Endpoints endpoints() {
    return endpoints;
  }

  /** A Kafka config pointing at this stack. */
  public KafkaConfig kafka() {
    return KafkaConfig.plaintext(endpoints.bootstrapServers());
  }

  /** A registry config pointing at this stack. */
  public RegistryConfig registry() {
    return RegistryConfig.of(endpoints.registryUrl());
  }

  /** An S3 config pointing at this stack's bucket. */
  public S3Config s3() {
    return new S3Config(
        endpoints.s3Endpoint(),
        "us-east-1",
        endpoints.bucket(),
        endpoints.accessKey(),
        endpoints.secretKey());
  }

  /** Stops the registry, the S3 server and the broker, in that order; keeps the data. */
  @Override
  public void close() {
    closeAll(started);
  }

  private static void rethrow(CompletableFuture<?> f) {
    if (f.isCompletedExceptionally()) {
      Throwable cause =
          f.handle((v, x) -> x instanceof CompletionException ce ? ce.getCause() : x).join();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }

  private static void ensureBucket(S3Config s3) {
    try (MinioClient client = s3.newClient()) {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(s3.bucket()).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(s3.bucket()).build());
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot create bucket " + s3.bucket() + " on " + s3.endpoint() + ": " + e, e);
    }
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    RuntimeException first = null;
    while (!started.isEmpty()) {
      try {
        started.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = new IllegalStateException("Stopping the dev stack failed", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
