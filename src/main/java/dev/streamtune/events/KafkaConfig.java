package dev.streamtune.events;

import dev.streamtune.config.ConfigException;
import dev.streamtune.config.ConfigSource;
import dev.streamtune.config.Setting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How to reach the Kafka cluster, security included; every client of every role (Kafka Streams,
 * producers, consumers, admin clients, the embedded registry's log) starts from {@link
 * #clientProps()} and only adds settings of its own, so the security settings reach them all.
 *
 * <p>Supported: PLAINTEXT, SSL (with optional mutual TLS), SASL_PLAINTEXT and SASL_SSL with the
 * PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI mechanism. The JAAS line carries the
 * credentials and is a secret: it comes from {@code STREAMTUNE_KAFKA_SASL_JAAS_CONFIG} or the file
 * named by {@code STREAMTUNE_KAFKA_SASL_JAAS_CONFIG_FILE}, never from the command line.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param securityProtocol PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL
 * @param saslMechanism such as PLAIN or SCRAM-SHA-512; required with a SASL protocol, else null
 * @param saslJaasConfig the JAAS line with the credentials, or null; a secret
 * @param tls trust and key stores, for SSL and SASL_SSL
 */
public record KafkaConfig(
    String bootstrapServers,
    String securityProtocol,
    String saslMechanism,
    String saslJaasConfig,
    KafkaTls tls) {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaConfig.class);
  private static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final List<String> MECHANISMS =
      List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "GSSAPI");

  /** Bootstrap servers. */
  public static final Setting<String> BOOTSTRAP =
      Setting.string(
              "kafka.bootstrap.servers",
              "127.0.0.1:9092",
              "Kafka bootstrap servers, host:port[,host:port...]")
          .must(
              s -> s.matches("[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*"), "must be host:port[,host:port...]");

  /** Security protocol. */
  public static final Setting<String> SECURITY_PROTOCOL =
      Setting.string(
              "kafka.security.protocol", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
          .must(PROTOCOLS::contains, "must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL");

  /** SASL mechanism. */
  public static final Setting<String> SASL_MECHANISM =
      Setting.string(
              "kafka.sasl.mechanism",
              null,
              "SASL mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI")
          .must(
              MECHANISMS::contains,
              "must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI")
          .asOptional();

  /** SASL JAAS config. */
  public static final Setting<String> SASL_JAAS =
      Setting.string(
              "kafka.sasl.jaas.config", null, "SASL JAAS configuration line with the credentials")
          .asSecret()
          .asOptional();

  /** Every setting of this record, the TLS ones included. */
  public static final List<Setting<?>> SETTINGS;

  static {
    List<Setting<?>> all =
        new ArrayList<>(List.of(BOOTSTRAP, SECURITY_PROTOCOL, SASL_MECHANISM, SASL_JAAS));
    all.addAll(KafkaTls.SETTINGS);
    SETTINGS = List.copyOf(all);
  }

  /**
   * Checks that the settings fit together.
   *
   * @throws IllegalArgumentException when a SASL protocol lacks its mechanism or credentials
   */
  public KafkaConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(securityProtocol, "securityProtocol");
    tls = tls == null ? KafkaTls.NONE : tls;
    String problem = problem(securityProtocol, saslMechanism, saslJaasConfig);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * Reads the settings. SASL or TLS settings given for a protocol that does not use them are passed
   * on but warned about, naming the settings only.
   *
   * @throws ConfigException when a SASL protocol lacks its mechanism or credentials
   */
  public static KafkaConfig from(ConfigSource source) {
    String protocol = source.get(SECURITY_PROTOCOL);
    String mechanism = source.get(SASL_MECHANISM);
    String jaas = source.get(SASL_JAAS);
    KafkaTls tls = KafkaTls.from(source);
    KafkaConfig config;
    try {
      config = new KafkaConfig(source.get(BOOTSTRAP), protocol, mechanism, jaas, tls);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    unused(protocol, mechanism, jaas, config.tls()).ifPresent(LOG::warn);
    return config;
  }

  /** A plaintext cluster at {@code bootstrapServers}. */
  public static KafkaConfig plaintext(String bootstrapServers) {
    return new KafkaConfig(bootstrapServers, "PLAINTEXT", null, null, KafkaTls.NONE);
  }

  /**
   * A cluster that authenticates with a user name and password.
   *
   * @param securityProtocol SASL_PLAINTEXT or SASL_SSL
   * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
   */
  public static KafkaConfig sasl(
      String bootstrapServers,
      String securityProtocol,
      String mechanism,
      String user,
      String password,
      KafkaTls tls) {
    return new KafkaConfig(
        bootstrapServers, securityProtocol, mechanism, jaasLine(mechanism, user, password), tls);
  }

  /**
   * The JAAS line for a user name and password: the PLAIN or the SCRAM login module, with both
   * values quoted and escaped.
   */
  public static String jaasLine(String mechanism, String user, String password) {
    String module =
        switch (mechanism) {
          case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule";
          case "SCRAM-SHA-256", "SCRAM-SHA-512" ->
              "org.apache.kafka.common.security.scram.ScramLoginModule";
          default ->
              throw new IllegalArgumentException(
                  "no user/password login for SASL mechanism " + mechanism);
        };
    return module + " required username=" + quoted(user) + " password=" + quoted(password) + ";";
  }

  /**
   * The connection and security properties shared by producers, consumers, admin clients and
   * Streams.
   */
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
    tls.addTo(p);
    return p;
  }

  /**
   * {@link #clientProps()} for a consumer that reads only committed records and commits nothing
   * itself: how every reader of the transactional topics reads.
   */
  public Map<String, Object> readCommittedConsumerProps() {
    Map<String, Object> p = clientProps();
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
  }

  /** {@link #clientProps()} for an idempotent producer waiting for every in-sync replica. */
  public Map<String, Object> idempotentProducerProps() {
    Map<String, Object> p = clientProps();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  private static String problem(String protocol, String mechanism, String jaas) {
    boolean sasl = protocol.startsWith("SASL_");
    if (!PROTOCOLS.contains(protocol)) {
      return "kafka.security.protocol must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, not "
          + protocol;
    }
    if (sasl && mechanism == null) {
      return "kafka.security.protocol " + protocol + " needs kafka.sasl.mechanism";
    }
    if (sasl && jaas == null && !"GSSAPI".equals(mechanism)) {
      return "kafka.security.protocol "
          + protocol
          + " with "
          + mechanism
          + " needs the credentials in "
          + SASL_JAAS.sources();
    }
    return null;
  }

  /** Settings the protocol does not use, which Kafka would silently ignore. */
  static java.util.Optional<String> unused(
      String protocol, String mechanism, String jaas, KafkaTls tls) {
    if (!protocol.startsWith("SASL_") && (mechanism != null || jaas != null)) {
      return java.util.Optional.of(
          "kafka.sasl.* settings are given but kafka.security.protocol is "
              + protocol
              + ", which does not use them; set SASL_PLAINTEXT or SASL_SSL to authenticate");
    }
    if (!protocol.endsWith("SSL") && tls.configured()) {
      return java.util.Optional.of(
          "kafka.ssl.* settings are given but kafka.security.protocol is "
              + protocol
              + ", which does not use them; set SSL or SASL_SSL for TLS");
    }
    return java.util.Optional.empty();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public String toString() {
    return "KafkaConfig["
        + bootstrapServers
        + ", "
        + securityProtocol
        + (saslMechanism == null ? "" : ", " + saslMechanism)
        + (saslJaasConfig == null ? "" : ", jaas=(hidden)")
        + (tls.configured() ? ", " + tls : "")
        + "]";
  }
}
