package dev.streamtune.devstack;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.S3Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the embedded dev stack.
 *
 * @param dir where the broker's logs, the S3 buckets and the registry's topic live; kept between
 *     runs
 * @param fresh wipe {@code dir} before starting
 * @param kafkaPort broker port (0: a free one, or the one this directory used before)
 * @param controllerPort KRaft controller port (likewise)
 * @param registryPort schema registry port (0: a free one)
 * @param s3Port S3 port (0: a free one)
 * @param bucket bucket created at start
 * @param accessKey the S3 access key the server accepts
 * @param secretKey its secret
 * @param topics topics created at start
 * @param topicPolicy how they are created
 */
public record DevStackConfig(
    Path dir,
    boolean fresh,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    int s3Port,
    String bucket,
    String accessKey,
    String secretKey,
    TopicNames topics,
    TopicPolicy topicPolicy) {

  /** Data directory. */
  public static final Setting<Path> DIR =
      Setting.path(
          "devstack.dir",
          "~/.streamtune/dev-stack",
          "data directory of the dev stack, kept between runs");

  /** Fresh start. */
  public static final Setting<Boolean> FRESH =
      Setting.bool("devstack.fresh", false, "wipe the data directory before starting");

  /** Broker port. */
  public static final Setting<Integer> KAFKA_PORT =
      Setting.port("devstack.kafka.port", 9092, "Kafka broker port");

  /** Controller port. */
  public static final Setting<Integer> CONTROLLER_PORT =
      Setting.port("devstack.controller.port", 9093, "KRaft controller port");

  /** Registry port. */
  public static final Setting<Integer> REGISTRY_PORT =
      Setting.port("devstack.registry.port", 8081, "schema registry port");

  /** S3 port. */
  public static final Setting<Integer> S3_PORT =
      Setting.port("devstack.s3.port", 9000, "S3 server port");

  /**
   * The dev stack's own settings; it also reads the S3 credentials, topic names and topic policy.
   */
  public static final List<Setting<?>> OWN =
      List.of(DIR, FRESH, KAFKA_PORT, CONTROLLER_PORT, REGISTRY_PORT, S3_PORT);

  /** Every setting it reads. */
  public static final List<Setting<?>> SETTINGS;

  static {
    List<Setting<?>> all = new ArrayList<>(OWN);
    all.addAll(List.of(S3Config.BUCKET, S3Config.ACCESS_KEY, S3Config.SECRET_KEY));
    all.addAll(TopicNames.SETTINGS);
    all.addAll(TopicPolicy.SETTINGS);
    SETTINGS = List.copyOf(all);
  }

  /** Checks the values. */
  public DevStackConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(topicPolicy, "topicPolicy");
  }

  /** Reads the settings. */
  public static DevStackConfig from(ConfigSource s) {
    return new DevStackConfig(
        s.get(DIR),
        s.get(FRESH),
        s.get(KAFKA_PORT),
        s.get(CONTROLLER_PORT),
        s.get(REGISTRY_PORT),
        s.get(S3_PORT),
        s.get(S3Config.BUCKET),
        s.get(S3Config.ACCESS_KEY),
        s.get(S3Config.SECRET_KEY),
        TopicNames.from(s),
        TopicPolicy.from(s));
  }

  /** Defaults in {@code dir}, with free ports, for tests and the demo. */
  public static DevStackConfig ephemeral(Path dir, boolean fresh) {
    DevStackConfig d = from(ConfigSource.ofSettings(java.util.Map.of()));
    return new DevStackConfig(
        dir, fresh, 0, 0, 0, 0, d.bucket, d.accessKey, d.secretKey, d.topics, d.topicPolicy);
  }

  @Override
  public String toString() {
    return "DevStackConfig[dir="
        + dir
        + ", fresh="
        + fresh
        + ", ports kafka="
        + kafkaPort
        + " controller="
        + controllerPort
        + " registry="
        + registryPort
        + " s3="
        + s3Port
        + ", bucket="
        + bucket
        + "]";
  }
}
