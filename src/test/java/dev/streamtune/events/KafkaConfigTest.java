package dev.streamtune.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.ConfigSource;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {

  @Test
  void everySecuritySettingReachesTheSharedAndTheRoleProperties() {
    KafkaConfig kafka = SecureKafka.config();
    SecureKafka.assertSecured(kafka.clientProps());
    SecureKafka.assertSecured(kafka.readCommittedConsumerProps());
    SecureKafka.assertSecured(kafka.idempotentProducerProps());
    assertThat(kafka.readCommittedConsumerProps())
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", false);
    assertThat(kafka.idempotentProducerProps())
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true);
    assertThat(kafka.clientProps()).doesNotContainKey("ssl.endpoint.identification.algorithm");
  }

  @Test
  void theCredentialsAreASecretAndNeverShown() {
    assertThat(KafkaConfig.SASL_JAAS.secret()).isTrue();
    assertThat(KafkaTls.TRUSTSTORE_PASSWORD.secret()).isTrue();
    assertThat(KafkaTls.KEYSTORE_PASSWORD.secret()).isTrue();
    assertThat(KafkaTls.KEY_PASSWORD.secret()).isTrue();
    var fromCli =
        ConfigSource.of(
            Map.of(
                "kafka.security.protocol",
                "SASL_PLAINTEXT",
                "kafka.sasl.mechanism",
                "PLAIN",
                "kafka.sasl.jaas.config",
                SecureKafka.JAAS),
            Map.of());
    assertThatThrownBy(() -> KafkaConfig.from(fromCli))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_KAFKA_SASL_JAAS_CONFIG_FILE")
        .hasMessageNotContaining("s3cr");
    assertThat(SecureKafka.config().toString())
        .doesNotContain("s3cr")
        .doesNotContain("trust-pw")
        .doesNotContain("key-pw")
        .contains("SCRAM-SHA-512");
  }

  @Test
  void theJaasLineQuotesAndEscapesSoKafkaReadsTheSameCredentials() {
    String line = KafkaConfig.jaasLine("SCRAM-SHA-256", "al\"ice", "pa\\ss word\"");
    var entry =
        JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(line)))
            .configurationEntries()
            .get(0);
    assertThat(entry.getLoginModuleName())
        .isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
    assertThat(entry.getOptions().get("username")).isEqualTo("al\"ice");
    assertThat(entry.getOptions().get("password")).isEqualTo("pa\\ss word\"");
    assertThat(KafkaConfig.jaasLine("PLAIN", "u", "p"))
        .startsWith("org.apache.kafka.common.security.plain.");
    assertThatThrownBy(() -> KafkaConfig.jaasLine("GSSAPI", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingSaslSettingsAreRefusedAndUnusedOnesWarnedAboutNamingTheSetting() {
    assertThatThrownBy(
            () -> KafkaConfig.from(env(Map.of("STREAMTUNE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.sasl.mechanism");
    assertThatThrownBy(
            () ->
                KafkaConfig.from(
                    env(
                        Map.of(
                            "STREAMTUNE_KAFKA_SECURITY_PROTOCOL",
                            "SASL_PLAINTEXT",
                            "STREAMTUNE_KAFKA_SASL_MECHANISM",
                            "SCRAM-SHA-256"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("STREAMTUNE_KAFKA_SASL_JAAS_CONFIG");
    assertThat(KafkaConfig.unused("PLAINTEXT", null, SecureKafka.JAAS, KafkaTls.NONE))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .contains("kafka.sasl.*")
                    .contains("is PLAINTEXT")
                    .doesNotContain("s3cr"));
    assertThat(KafkaConfig.unused("SASL_PLAINTEXT", "PLAIN", "x", SecureKafka.config().tls()))
        .hasValueSatisfying(w -> assertThat(w).contains("kafka.ssl.*").doesNotContain("trust-pw"));
    assertThat(KafkaConfig.unused("SASL_SSL", "PLAIN", "x", SecureKafka.config().tls())).isEmpty();
    assertThat(
            KafkaConfig.from(env(Map.of("STREAMTUNE_KAFKA_SASL_MECHANISM", "PLAIN"))).clientProps())
        .as("passed on, with a warning")
        .containsEntry("sasl.mechanism", "PLAIN");
    assertThatThrownBy(
            () -> KafkaConfig.from(env(Map.of("STREAMTUNE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-1"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.sasl.mechanism");
    assertThatThrownBy(() -> new KafkaConfig("k:9092", "SASL_SSL", null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostNameVerificationCanBeTurnedOffForTestCertificates() {
    KafkaConfig kafka =
        KafkaConfig.from(
            env(
                Map.of(
                    "STREAMTUNE_KAFKA_SECURITY_PROTOCOL",
                    "SSL",
                    "STREAMTUNE_KAFKA_SSL_VERIFY_HOSTNAME",
                    "false")));
    assertThat(kafka.clientProps())
        .containsEntry("ssl.endpoint.identification.algorithm", "")
        .containsEntry("security.protocol", "SSL")
        .doesNotContainKey("sasl.jaas.config");
    assertThat(KafkaConfig.plaintext("k:9092").clientProps())
        .containsOnlyKeys("bootstrap.servers", "security.protocol");
  }

  private static ConfigSource env(Map<String, String> env) {
    return ConfigSource.of(Map.of(), env);
  }
}
