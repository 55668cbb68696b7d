package dev.streamtune.events;

import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.SslConfigs;

/**
 * TLS settings of the Kafka clients, used when {@code kafka.security.protocol} is SSL or SASL_SSL:
 * the trust store that verifies the brokers, and the key store that proves this client (mutual
 * TLS). Passwords are secrets, read only from the environment or a file.
 *
 * @param truststore the trust store file, or null for the JVM's default trust
 * @param truststoreType JKS, PKCS12 or PEM, or null for Kafka's default (JKS)
 * @param truststorePassword its password, or null; a secret
 * @param keystore the client key store for mutual TLS, or null
 * @param keystoreType JKS, PKCS12 or PEM, or null for Kafka's default (JKS)
 * @param keystorePassword its password, or null; a secret
 * @param keyPassword the private key's password, or null; a secret
 * @param verifyHostname whether the broker's certificate must name the host connected to
 */
public record KafkaTls(
    Path truststore,
    String truststoreType,
    String truststorePassword,
    Path keystore,
    String keystoreType,
    String keystorePassword,
    String keyPassword,
    boolean verifyHostname) {

  /** No TLS settings: the JVM's trust, no client certificate, host names verified. */
  public static final KafkaTls NONE = new KafkaTls(null, null, null, null, null, null, null, true);

  private static final List<String> TYPES = List.of("JKS", "PKCS12", "PEM");

  /** Trust store. */
  public static final Setting<Path> TRUSTSTORE =
      Setting.path(
              "kafka.ssl.truststore.location",
              null,
              "trust store verifying the Kafka brokers (SSL, SASL_SSL); the JVM's trust when absent")
          .asOptional();

  /** Trust store type. */
  public static final Setting<String> TRUSTSTORE_TYPE =
      Setting.string(
              "kafka.ssl.truststore.type",
              null,
              "type of the Kafka trust store; Kafka's default (JKS) when absent")
          .must(TYPES::contains, "must be JKS, PKCS12 or PEM")
          .asOptional();

  /** Trust store password. */
  public static final Setting<String> TRUSTSTORE_PASSWORD =
      Setting.string("kafka.ssl.truststore.password", null, "password of the Kafka trust store")
          .asSecret()
          .asOptional();

  /** Key store. */
  public static final Setting<Path> KEYSTORE =
      Setting.path(
              "kafka.ssl.keystore.location",
              null,
              "key store with this client's certificate, for brokers that demand mutual TLS")
          .asOptional();

  /** Key store type. */
  public static final Setting<String> KEYSTORE_TYPE =
      Setting.string(
              "kafka.ssl.keystore.type",
              null,
              "type of the Kafka key store; Kafka's default (JKS) when absent")
          .must(TYPES::contains, "must be JKS, PKCS12 or PEM")
          .asOptional();

  /** Key store password. */
  public static final Setting<String> KEYSTORE_PASSWORD =
      Setting.string("kafka.ssl.keystore.password", null, "password of the Kafka key store")
          .asSecret()
          .asOptional();

  /** Key password. */
  public static final Setting<String> KEY_PASSWORD =
      Setting.string(
              "kafka.ssl.key.password", null, "password of the private key in the Kafka key store")
          .asSecret()
          .asOptional();

  /** Host name verification. */
  public static final Setting<Boolean> VERIFY_HOSTNAME =
      Setting.bool(
          "kafka.ssl.verify.hostname",
          true,
          "check that a broker's certificate names the host connected to (turn off only for tests)");

  /** Every setting of this record. */
  public static final List<Setting<?>> SETTINGS =
      List.of(
          TRUSTSTORE,
          TRUSTSTORE_TYPE,
          TRUSTSTORE_PASSWORD,
          KEYSTORE,
          KEYSTORE_TYPE,
          KEYSTORE_PASSWORD,
          KEY_PASSWORD,
          VERIFY_HOSTNAME);

  /** Reads the settings. */
  public static KafkaTls from(ConfigSource s) {
    return new KafkaTls(
        s.get(TRUSTSTORE),
        s.get(TRUSTSTORE_TYPE),
        s.get(TRUSTSTORE_PASSWORD),
        s.get(KEYSTORE),
        s.get(KEYSTORE_TYPE),
        s.get(KEYSTORE_PASSWORD),
        s.get(KEY_PASSWORD),
        s.get(VERIFY_HOSTNAME));
  }

  /** Whether anything differs from {@link #NONE}. */
  public boolean configured() {
    return !equals(NONE);
  }

  /** Adds the {@code ssl.*} client properties that are set. */
  void addTo(Map<String, Object> p) {
    putIf(
        p,
        SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
        truststore == null ? null : truststore.toString());
    putIf(p, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, truststoreType);
    putIf(p, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, truststorePassword);
    putIf(
        p, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore == null ? null : keystore.toString());
    putIf(p, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, keystoreType);
    putIf(p, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, keystorePassword);
    putIf(p, SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyPassword);
    if (!verifyHostname) {
      p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "");
    }
  }

  private static void putIf(Map<String, Object> p, String key, String value) {
    if (value != null) {
      p.put(key, value);
    }
  }

  @Override
  public String toString() {
    return "KafkaTls[truststore="
        + truststore
        + ", keystore="
        + keystore
        + ", passwords=(hidden), verifyHostname="
        + verifyHostname
        + "]";
  }
}
