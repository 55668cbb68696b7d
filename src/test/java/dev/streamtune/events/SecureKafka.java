package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.config.ConfigSource;
import java.util.Map;

/**
 * One Kafka config with every security setting (SASL_SSL, SCRAM-SHA-512, trust and key stores),
 * read from the environment as a deployment gives it, and the check that a component's client
 * properties carry all of it.
 */
public final class SecureKafka {
  /** The JAAS line, a secret. */
  public static final String JAAS = KafkaConfig.jaasLine("SCRAM-SHA-512", "ingest", "s3cr\"et");

  private SecureKafka() {}

  /** The config, as {@link KafkaConfig#from} reads it from environment variables. */
  public static KafkaConfig config() {
    return KafkaConfig.from(
        ConfigSource.of(
            Map.of("kafka.bootstrap.servers", "kafka-1:9094,kafka-2:9094"),
            Map.of(
                "STREAMTUNE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "STREAMTUNE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.p12",
                "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12",
                "STREAMTUNE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw",
                "STREAMTUNE_KAFKA_SSL_KEYSTORE_LOCATION", "/etc/kafka/client.p12",
                "STREAMTUNE_KAFKA_SSL_KEYSTORE_TYPE", "PKCS12",
                "STREAMTUNE_KAFKA_SSL_KEYSTORE_PASSWORD", "key-pw")));
  }

  /**
   * Asserts that {@code props} (a component's client properties) carry every setting of {@link
   * #config()}.
   */
  public static void assertSecured(Map<String, Object> props) {
    assertThat(props)
        .containsEntry("bootstrap.servers", "kafka-1:9094,kafka-2:9094")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", JAAS)
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
        .containsEntry("ssl.truststore.type", "PKCS12")
        .containsEntry("ssl.truststore.password", "trust-pw")
        .containsEntry("ssl.keystore.location", "/etc/kafka/client.p12")
        .containsEntry("ssl.keystore.type", "PKCS12")
        .containsEntry("ssl.keystore.password", "key-pw");
  }
}
