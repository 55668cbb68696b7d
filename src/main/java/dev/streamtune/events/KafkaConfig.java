package dev.streamtune.events;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How to reach the Kafka cluster; every role's clients start from {@link #clientProps()}.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
 * @param saslMechanism such as PLAIN or SCRAM-SHA-512, or null
 * @param saslJaasConfig the JAAS line with the credentials, or null; a secret
 */
public record KafkaConfig(
    String bootstrapServers, String securityProtocol, String saslMechanism, String saslJaasConfig) {

  /** Bootstrap servers. */
  public static final Setting<String> BOOTSTRAP = Setting.string("kafka.bootstrap.servers", "127.0.0.1:9092",
          "Kafka bootstrap servers, host:port[,host:port...]")
      .must(s -> s.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"), "must be host:port[,host:port...]");
  /** Security protocol. */
  public static final Setting<String> SECURITY_PROTOCOL = Setting.string("kafka.security.protocol", "PLAINTEXT",
          "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
      .must(s -> List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(s),
          "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");
  /** SASL mechanism. */
  public static final Setting<String> SASL_MECHANISM = Setting.string("kafka.sasl.mechanism", null,
      "SASL mechanism, such as PLAIN or SCRAM-SHA-512").asOptional();
  /** SASL JAAS config. */
  public static final Setting<String> SASL_JAAS = Setting.string("kafka.sasl.jaas.config", null,
      "SASL JAAS configuration line with the credentials").asSecret().asOptional();

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP, SECURITY_PROTOCOL, SASL_MECHANISM, SASL_JAAS);

  /** Checks the values. */
  public KafkaConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(securityProtocol, "securityProtocol");
  }

  /** Reads the settings. */
  public static KafkaConfig from(ConfigSource source) {
    return new KafkaConfig(source.get(BOOTSTRAP), source.get(SECURITY_PROTOCOL), source.get(SASL_MECHANISM),
        source.get(SASL_JAAS));
  }

  /** A plaintext cluster at {@code bootstrapServers}. */
  public static KafkaConfig plaintext(String bootstrapServers) {
    return new KafkaConfig(bootstrapServers, "PLAINTEXT", null, null);
  }

  /** The connection properties shared by producers, consumers, admin clients and Streams. */
  public Map<String, Object> clientProps() {
    Map<String, Object> p = new HashMap<>();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, securityProtocol);
    if (saslMechanism != null) {
      p.put(SaslConfigs.SASL_MECHANISM, saslMechanism);
    }
    if (saslJaasConfig != null) {
      p.put(SaslConfigs.SASL_JAAS_CONFIG, saslJaasConfig);
    }
    return p;
  }

  @Override
  public String toString() {
    return "KafkaConfig[" + bootstrapServers + ", " + securityProtocol + (saslMechanism == null ? "" : ", "
        + saslMechanism) + (saslJaasConfig == null ? "" : ", jaas=(hidden)") + "]";
  }
}
