package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.testing.NodeScript;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the real {@code bin/streamtune dev-stack} as a child process, produces through the endpoints
 * it prints with the Node kafkajs client, and stops it with SIGTERM.
 */
class DevStackCommandIT {
  private final Path dir =
      Path.of("target", "devstack-cli-it", UUID.randomUUID().toString()).toAbsolutePath();
  private Process process;

  @AfterEach
  void stop() throws IOException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    dev.streamtune.store.LocalFiles.deleteTree(dir);
  }

  @Test
  void printsEndpointsServesAnyClientAndStopsOnSigterm() throws Exception {
    process =
        new ProcessBuilder(
                "bin/streamtune",
                "dev-stack",
                "--fresh",
                "--dir",
                dir.toString(),
                "--kafka-port",
                "0",
                "--controller-port",
                "0",
                "--registry-port",
                "0",
                "--s3-port",
                "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (var in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (IOException e) {
                lines.add("read failed: " + e);
              }
            });
    reader.start();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> lines.contains(DevStackBanner.LAST_LINE) || !process.isAlive());
    assertThat(process.isAlive()).as("dev-stack is running; it printed %s", lines).isTrue();

    Map<String, String> env = new ConcurrentHashMap<>();
    lines.stream()
        .filter(l -> l.startsWith("export STREAMTUNE_"))
        .map(l -> l.substring(7).split("=", 2))
        .forEach(kv -> env.put(kv[0], kv[1]));
    String bootstrap = env.get("STREAMTUNE_KAFKA_BOOTSTRAP_SERVERS");
    String registryUrl = env.get("STREAMTUNE_SCHEMA_REGISTRY_URL");
    assertThat(bootstrap).matches("127\\.0\\.0\\.1:\\d+");
    assertThat(registryUrl).startsWith("http://127.0.0.1:");
    assertThat(env)
        .containsKeys(
            "STREAMTUNE_S3_ENDPOINT",
            "STREAMTUNE_S3_BUCKET",
            "STREAMTUNE_S3_ACCESS_KEY",
            "STREAMTUNE_S3_SECRET_KEY");
    assertThat(String.join("\n", lines))
        .contains("kafkajs")
        .contains("confluent-kafka")
        .contains("bootstrap.servers=");

    NodeScript.run("produce", bootstrap, registryUrl, "images.labelled", NodeScript.avsc());
    assertThat(firstEvent(bootstrap, registryUrl).getEventId()).isEqualTo("evt-0001");

    List<ProcessHandle> children = process.descendants().toList();
    long start = System.nanoTime();
    process.destroy();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s of SIGTERM").isTrue();
    assertThat(process.exitValue()).isIn(0, 143);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(children).noneMatch(ProcessHandle::isAlive);
    int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
    assertThat(connects(port)).as("broker port closed").isFalse();
    assertThat(Files.exists(dir.resolve("kafka"))).as("data kept").isTrue();
  }

  private static LabelledImage firstEvent(String bootstrap, String registryUrl) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "devstack-cli-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    RegistryConfig rc = RegistryConfig.of(URI.create(registryUrl));
    List<LabelledImage> got = new ArrayList<>();
    try (var registry = new SchemaRegistryClient(rc);
        var c =
            new KafkaConsumer<>(
                p,
                new StringDeserializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, rc).deserializer())) {
      c.subscribe(List.of("images.labelled"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                return !got.isEmpty();
              });
    }
    return got.get(0);
  }

  private static boolean connects(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
