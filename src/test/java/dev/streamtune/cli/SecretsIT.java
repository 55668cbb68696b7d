package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Secrets stay secret: a real {@code streamtune worker} (ingest, train and serve in a child JVM)
 * given an S3 secret key, registry basic-auth credentials and a Kafka JAAS line through the
 * environment and a {@code _FILE}, ingests a few images and serves {@code /metrics}; none of the
 * secrets appears in its whole log or in the metrics of either port. Its health port answers {@code
 * /readyz} with every role READY and {@code /healthz} with 200. And no secret can be given as an
 * option, where it would show in {@code ps}.
 */
@WithStack
class SecretsIT {
  private static final Pattern SERVING = Pattern.compile("Serving on http://localhost:(\\d+)/");
  private static final Pattern HEALTH =
      Pattern.compile("health on http://localhost:(\\d+)/healthz");

  @Test
  void noSecretAppearsInTheWorkersLogOrMetrics(Stack stack) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secrets-it");
    String registryPassword = "registry-pw-" + UUID.randomUUID();
    String jaasPassword = "jaas-pw-" + UUID.randomUUID();
    Path registryFile =
        Files.writeString(dir.resolve("registry-auth"), "streamtune:" + registryPassword);
    Map<String, String> env = new HashMap<>(stack.workerEnv(stack.topicPrefix()));
    env.put("STREAMTUNE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO_FILE", registryFile.toString());
    env.put(
        "STREAMTUNE_KAFKA_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"u\" password=\""
            + jaasPassword
            + "\";");
    env.put("STREAMTUNE_INGEST_APPLICATION_ID", stack.unique("secrets"));
    env.put("STREAMTUNE_INGEST_STATE_DIR", dir.resolve("state").toString());
    env.put("STREAMTUNE_INGEST_REF_BUCKETS", stack.bucket());
    env.put("STREAMTUNE_TRAIN_GROUP_ID", stack.unique("secrets-trainer"));
    env.put("STREAMTUNE_TRAIN_TRANSACTIONAL_ID_PREFIX", stack.unique("secrets-tx"));
    env.put("STREAMTUNE_SERVE_PORT", "0");
    env.put("STREAMTUNE_HEALTH_PORT", "0");
    env.put("STREAMTUNE_SERVE_CACHE_DIR", dir.resolve("serving").toString());
    Path log = dir.resolve("worker.log");
    ProcessBuilder pb =
        new ProcessBuilder("bin/streamtune", "worker")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process worker = pb.start();
    String metrics;
    String healthMetrics;
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        var registry = new SchemaRegistryClient(stack.registry());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>copyOf(stack.kafka().clientProps()),
                new StringSerializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .serializer())) {
      Matcher port = SERVING.matcher("");
      await().atMost(Duration.ofSeconds(180)).until(() -> port.reset(Files.readString(log)).find());
      URI base = URI.create("http://localhost:" + port.group(1) + "/");
      for (int i = 0; i < 3; i++) {
        producer.send(
            new ProducerRecord<>(
                stack.topics().labelledImages(),
                "secrets",
                LabelledImage.newBuilder()
                    .setEventId("s" + i)
                    .setModelId("secrets")
                    .setLabel("x")
                    .setImage(
                        new dev.streamtune.events.InlineImage(
                            java.nio.ByteBuffer.wrap(png(i)), "image/png"))
                    .setCapturedAt(java.time.Instant.now())
                    .build()));
      }
      producer.flush();
      await()
          .atMost(Duration.ofSeconds(120))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(s3.list("examples/secrets/")).hasSize(3));
      HttpClient http = HttpClient.newHttpClient();
      metrics =
          http.send(
                  HttpRequest.newBuilder(base.resolve("metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics).contains("streamtune_ingest_stored");
      Matcher health = HEALTH.matcher(Files.readString(log));
      assertThat(health.find()).as("the worker prints its health port").isTrue();
      URI probes = URI.create("http://localhost:" + health.group(1) + "/");
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                var ready =
                    http.send(
                        HttpRequest.newBuilder(probes.resolve("readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
                assertThat(ready.body())
                    .contains("\"ingest\":\"READY\"", "\"train\":\"READY\"", "\"serve\":\"READY\"");
              });
      assertThat(
              http.send(
                      HttpRequest.newBuilder(probes.resolve("healthz")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      healthMetrics =
          http.send(
                  HttpRequest.newBuilder(probes.resolve("metrics")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(healthMetrics).contains("streamtune_ingest_stored");
    } finally {
      worker.destroy();
      worker.waitFor(30, TimeUnit.SECONDS);
    }
    String text = Files.readString(log);
    assertThat(text).contains("Streamtune worker running roles");
    for (String secret : new String[] {stack.secretKey(), registryPassword, jaasPassword}) {
      assertThat(text).as("the worker's log").doesNotContain(secret);
      assertThat(metrics).as("/metrics").doesNotContain(secret);
      assertThat(healthMetrics).as("the health port's /metrics").doesNotContain(secret);
    }
  }

  @Test
  void aSecretCannotBeGivenAsAnOption() {
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("worker", "--s3-secret-key", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option").contains("--s3-secret-key");
  }

  private static byte[] png(int seed) {
    java.awt.image.BufferedImage img =
        new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(seed, seed, 0xffffff);
    var b = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", b);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
