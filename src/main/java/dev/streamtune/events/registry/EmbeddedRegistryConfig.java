package dev.streamtune.events.registry;

import dev.streamtune.events.KafkaConfig;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the embedded schema registry.
 *
 * @param host address to bind, loopback by default
 * @param port port to bind; 0 picks a free one
 * @param bootstrapServers the Kafka cluster that stores the schemas
 * @param topic the compacted topic holding them ({@code _schemas})
 * @param replicationFactor of that topic when it is created
 * @param defaultCompatibility the global level until someone changes it
 * @param users user to password for HTTP basic auth; empty turns auth off
 * @param kafkaProps extra Kafka client properties (security and the like)
 */
public record EmbeddedRegistryConfig(
    String host,
    int port,
    String bootstrapServers,
    String topic,
    short replicationFactor,
    Compatibility defaultCompatibility,
    Map<String, String> users,
    Map<String, Object> kafkaProps) {

  /** Checks and copies the values. */
  public EmbeddedRegistryConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("registry port must be 0 to 65535, not " + port);
    }
    if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,200}")) {
      throw new IllegalArgumentException("illegal registry topic " + topic);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replication factor must be at least 1");
    }
    users = Map.copyOf(users);
    kafkaProps = Map.copyOf(kafkaProps);
  }

  /** Loopback, a free port, {@code _schemas} with one replica, FULL_TRANSITIVE, no auth. */
  public static EmbeddedRegistryConfig defaults(String bootstrapServers) {
    return new EmbeddedRegistryConfig(
        "127.0.0.1",
        0,
        bootstrapServers,
        "_schemas",
        (short) 1,
        Compatibility.FULL_TRANSITIVE,
        Map.of(),
        Map.of());
  }

  /**
   * Like {@link #defaults(String)}, for a cluster with security: the registry's producer, consumer
   * and admin client take every property of {@link KafkaConfig#clientProps()}.
   */
  public static EmbeddedRegistryConfig defaults(KafkaConfig kafka) {
    return new EmbeddedRegistryConfig(
        "127.0.0.1",
        0,
        kafka.bootstrapServers(),
        "_schemas",
        (short) 1,
        Compatibility.FULL_TRANSITIVE,
        Map.of(),
        kafka.clientProps());
  }

  /** A copy listening on a fixed port. */
  public EmbeddedRegistryConfig withPort(int newPort) {
    return new EmbeddedRegistryConfig(
        host,
        newPort,
        bootstrapServers,
        topic,
        replicationFactor,
        defaultCompatibility,
        users,
        kafkaProps);
  }

  /** A copy that demands HTTP basic auth from these users. */
  public EmbeddedRegistryConfig withUsers(Map<String, String> newUsers) {
    return new EmbeddedRegistryConfig(
        host,
        port,
        bootstrapServers,
        topic,
        replicationFactor,
        defaultCompatibility,
        newUsers,
        kafkaProps);
  }

  @Override
  public String toString() {
    return "EmbeddedRegistryConfig["
        + host
        + ":"
        + port
        + ", kafka="
        + bootstrapServers
        + ", topic="
        + topic
        + ", compatibility="
        + defaultCompatibility
        + ", users="
        + users.keySet()
        + ", kafkaProps="
        + kafkaProps.keySet()
        + "]";
  }
}
