package dev.streamtune.testing;

import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.TopicNames;
import dev.streamtune.store.S3Config;
import io.minio.MinioClient;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Real servers for one test class: the run's shared Kafka, schema registry and S3, with a topic
 * prefix and a bucket of the class's own, so classes stay independent.
 */
public final class Stack {
  private final Servers servers;
  private final String topicPrefix;
  private final String bucket;

  Stack(Servers servers, String topicPrefix, String bucket) {
    this.servers = servers;
    this.topicPrefix = topicPrefix;
    this.bucket = bucket;
  }

  /** {@code devstack} or {@code containers}. */
  public String kind() {
    return servers.kind();
  }

  /** Kafka {@code host:port}. */
  public String bootstrapServers() {
    return servers.bootstrapServers();
  }

  /** Schema registry base URL. */
  public URI registryUrl() {
    return servers.registryUrl();
  }

  /** S3 endpoint. */
  public URI s3Endpoint() {
    return servers.s3Endpoint();
  }

  /** S3 access key. */
  public String accessKey() {
    return servers.accessKey();
  }

  /** S3 secret key. */
  public String secretKey() {
    return servers.secretKey();
  }

  /** This class's bucket, created before its tests. */
  public String bucket() {
    return bucket;
  }

  /** This class's topic prefix, such as {@code it-1a2b3c4d.}. */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** Kafka client config for this stack. */
  public KafkaConfig kafka() {
    return KafkaConfig.plaintext(bootstrapServers());
  }

  /** Registry client config for this stack. */
  public RegistryConfig registry() {
    return RegistryConfig.of(registryUrl());
  }

  /** S3 config for this class's bucket. */
  public S3Config s3() {
    return new S3Config(s3Endpoint(), "us-east-1", bucket, accessKey(), secretKey());
  }

  /** Streamtune's topic names under this class's prefix. */
  public TopicNames topics() {
    return TopicNames.withPrefix(topicPrefix);
  }

  /** A topic (or subject, or group) name under this class's prefix that no other test uses. */
  public String unique(String base) {
    return topicPrefix + base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates topics of one partition each. */
  public void createTopics(String... names) {
    try (Admin admin = admin()) {
      admin
          .createTopics(Stream.of(names).map(n -> new NewTopic(n, 1, (short) 1)).toList())
          .all()
          .get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException("Cannot create topics " + List.of(names), e);
    }
  }

  /**
   * The environment a {@code streamtune worker} child process needs to reach this stack, its topics
   * behind {@code topicPrefix} with 3 partitions.
   */
  public Map<String, String> workerEnv(String topicPrefix) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers());
    env.put("STREAMTUNE_SCHEMA_REGISTRY_URL", registryUrl().toString());
    env.put("STREAMTUNE_S3_ENDPOINT", s3Endpoint().toString());
    env.put("STREAMTUNE_S3_BUCKET", bucket());
    env.put("STREAMTUNE_S3_ACCESS_KEY", accessKey());
    env.put("STREAMTUNE_S3_SECRET_KEY", secretKey());
    env.put("STREAMTUNE_TOPIC_PREFIX", topicPrefix);
    env.put("STREAMTUNE_TOPIC_PARTITIONS", "3");
    env.put("STREAMTUNE_HEALTH_PORT", "0");
    return env;
  }

  /** A new admin client; close it. */
  public Admin admin() {
    return Admin.create(Map.copyOf(kafka().clientProps()));
  }

  /** A new MinIO client; close it. */
  public MinioClient minio() {
    return s3().newClient();
  }
}
