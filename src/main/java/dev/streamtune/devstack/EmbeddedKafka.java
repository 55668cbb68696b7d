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
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka KRaft cluster (broker and controller in one) running in this JVM on
 * loopback, with its data in a directory of the caller's choice.
 *
 * <p>The storage is formatted on first use and kept: starting again on the same directory finds
 * the same topics and offsets. {@link #close()} stops the server; it does not delete the data.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path dataDir;

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.dataDir = dataDir;
  }

  /**
   * Formats (if needed) and starts a broker, waiting until it answers.
   *
   * @param dataDir where the log segments and metadata live
   * @param brokerPort the client port, 0 for a free one
   * @param controllerPort the controller port, 0 for a free one
   */
  public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
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
      Properties props = properties(dataDir, bport, cport);
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "embedded Kafka");
      }
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        format(propsFile);
      }
      KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      String bootstrap = "127.0.0.1:" + bport;
      EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, dataDir);
      kafka.awaitReady(Duration.ofSeconds(60));
      LOG.info("Kafka broker ready at {} with data in {}", bootstrap, dataDir);
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded Kafka broker in " + dataDir, e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
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

  private void awaitReady(Duration timeout) {
    Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("The embedded Kafka broker did not answer at " + bootstrapServers, e);
    }
  }

  private static Properties properties(Path dataDir, int bport, int cport) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + cport);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + bport + ",CONTROLLER://127.0.0.1:" + cport);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + bport);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
      rc = StorageTool.execute(new String[] {"format", "--standalone", "-t",
          Uuid.randomUuid().toString(), "-c", propsFile.toString()}, out);
    }
    if (rc != 0) {
      throw new IllegalStateException("Formatting Kafka storage failed (" + rc + "): " + buf.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * The asked-for port, else the one this data directory used before (a KRaft controller's
   * address is part of its formatted quorum), else a free one.
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
