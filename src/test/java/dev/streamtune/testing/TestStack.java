package dev.streamtune.testing;

import dev.streamtune.devstack.EmbeddedKafka;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Real servers for integration tests, started once per test JVM: a Kafka KRaft broker and the
 * embedded schema registry on it. Data lives under {@code target/} and is removed at the end.
 */
public final class TestStack implements AutoCloseable {
  private final Path dir;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;

  private TestStack(Path dir, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.dir = dir;
    this.kafka = kafka;
    this.registry = registry;
  }

  static TestStack start() {
    Path dir = Path.of("target", "it-stack", UUID.randomUUID().toString()).toAbsolutePath();
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0);
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
        EmbeddedRegistryConfig.defaults(kafka.bootstrapServers()));
    return new TestStack(dir, kafka, registry);
  }

  /** {@code bootstrap.servers} of the broker. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The shared registry's base URL. */
  public String registryUrl() {
    return registry.url().toString();
  }

  /** The shared registry server. */
  public EmbeddedSchemaRegistry registry() {
    return registry;
  }

  /** A topic name no other test uses. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates topics with one partition each. */
  public void createTopics(String... names) {
    try (Admin admin = admin()) {
      admin.createTopics(Stream.of(names).map(n -> new NewTopic(n, 1, (short) 1)).toList()).all().get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An admin client; close it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
