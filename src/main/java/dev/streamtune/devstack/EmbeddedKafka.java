package dev.streamtune.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka KRaft cluster (broker and controller in one) running in this JVM on loopback,
 * with its data in a directory of the caller's choice.
 *
 * <p>The storage is formatted on first use and kept: starting again on the same directory finds the
 * same topics and offsets. {@link #close()} stops the server; it does not delete the data.
 *
 * <p>The client listener is PLAINTEXT, or SASL_PLAINTEXT when started with {@link SaslUsers} users:
 * each user may log in with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, and an unknown user or a wrong
 * password is refused with an authentication error. There is no authorizer: a user who logs in may
 * do anything. The passwords are kept in memory only, not in {@code server.properties}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  static final String BROKER_USER = "streamtune-broker";
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;
  private final SaslUsers sasl;
  private final String brokerPassword;

  private EmbeddedKafka(
      KafkaRaftServer server,
      String bootstrapServers,
      Path dataDir,
      SaslUsers sasl,
      String brokerPassword) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
    this.sasl = sasl;
    this.brokerPassword = brokerPassword;
  }

  /**
   * Formats (if needed) and starts a broker, waiting until it answers.
   *
   * @param dataDir where the log segments and metadata live
   * @param brokerPort the client port, 0 for a free one
   * @param controllerPort the controller port, 0 for a free one
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
    return start(dataDir, brokerPort, controllerPort, null);
  }

  /**
   * Like {@link #start(Path, int, int)}, with a SASL_PLAINTEXT client listener when {@code sasl} is
   * not null. The SCRAM credentials are (re)written at every start.
   */
  public static EmbeddedKafka start(
      Path dataDir, int brokerPort, int controllerPort, SaslUsers sasl) {
    try {
      Files.createDirectories(dataDir);
      Path propsFile = dataDir.resolve("server.properties");
      Properties previous = new Properties();
      if (Files.exists(propsFile)) {
        try (var in = Files.newInputStream(propsFile)) {
          previous.load(in);
        }
      }
      int bport = chosen(brokerPort, previous, "streamtune.broker.port");
      int cport = chosen(controllerPort, previous, "streamtune.controller.port");
      Properties props = properties(dataDir, bport, cport, sasl != null);
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "embedded Kafka");
      }
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        format(propsFile);
      }
      String brokerPassword = sasl == null ? null : UUID.randomUUID().toString();
      if (sasl != null) {
        props.putAll(sasl.listenerJaas(BROKER_USER, brokerPassword));
      }
      KafkaRaftServer server =
          new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + bport;
      EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dataDir, sasl, brokerPassword);
      kafka.awaitReady(Duration.ofSeconds(60));
      LOG.info(
          "Kafka broker ready at {} ({}) with data in {}",
          bootstrap,
          sasl == null ? "PLAINTEXT" : "SASL_PLAINTEXT",
          dataDir);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded Kafka broker in " + dataDir, e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Client settings for this broker: PLAINTEXT, or SASL_PLAINTEXT with the given user.
   *
   * @param mechanism PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; ignored without SASL
   */
  public dev.streamtune.events.KafkaConfig clientConfig(
      String mechanism, String user, String password) {
    return sasl == null
        ? dev.streamtune.events.KafkaConfig.plaintext(bootstrapServers)
        : dev.streamtune.events.KafkaConfig.sasl(
            bootstrapServers, "SASL_PLAINTEXT", mechanism, user, password, null);
  }

  /** The data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits for it. */
  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  /**
   * Waits until the broker answers; with SASL, also writes every user's SCRAM credentials and waits
   * until the first user can log in with SCRAM.
   */
  private void awaitReady(Duration timeout) {
    Map<String, Object> conf = clientConfig("PLAIN", BROKER_USER, brokerPassword).clientProps();
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (sasl != null) {
        for (ScramMechanism m :
            List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
          List<UserScramCredentialAlteration> scram = new ArrayList<>();
          sasl.users()
              .forEach(
                  (user, password) ->
                      scram.add(
                          new UserScramCredentialUpsertion(
                              user, new ScramCredentialInfo(m, 4096), password)));
          admin
              .alterUserScramCredentials(scram)
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        awaitScramLogin(timeout);
      }
    } catch (Exception e) {
      close();
      throw new IllegalStateException(
          "The embedded Kafka broker did not answer at " + bootstrapServers, e);
    }
  }

  /**
   * The broker applies SCRAM credentials from the metadata log shortly after the controller commits
   * them.
   */
  private void awaitScramLogin(Duration timeout) throws Exception {
    var first = new TreeMap<>(sasl.users()).firstEntry();
    Map<String, Object> conf =
        clientConfig("SCRAM-SHA-512", first.getKey(), first.getValue()).clientProps();
    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Admin admin = Admin.create(conf)) {
        admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof SaslAuthenticationException)
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      Thread.sleep(100);
    }
  }

  private static Properties properties(Path dataDir, int bport, int cport, boolean sasl) {
    Properties p = new Properties();
    String client = sasl ? "SASL_PLAINTEXT" : "PLAINTEXT";
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + cport);
    p.put("listeners", client + "://127.0.0.1:" + bport + ",CONTROLLER://127.0.0.1:" + cport);
    p.put("advertised.listeners", client + "://127.0.0.1:" + bport);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
    if (sasl) {
      p.put("inter.broker.listener.name", client);
      p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
      p.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
    }
    p.put("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.backoff.ms", "1000");
    p.put("streamtune.broker.port", String.valueOf(bport));
    p.put("streamtune.controller.port", String.valueOf(cport));
    return p;
  }

  private static void format(Path propsFile) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int rc;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format",
                "--standalone",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                propsFile.toString()
              },
              out);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "Formatting Kafka storage failed (" + rc + "): " + buf.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * The asked-for port, else the one this data directory used before (a KRaft controller's address
   * is part of its formatted quorum), else a free one.
   */
  private static int chosen(int asked, Properties previous, String key) throws IOException {
    if (asked != 0) {
      return asked;
    }
    String before = previous.getProperty(key);
    return before != null ? Integer.parseInt(before) : freePort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
