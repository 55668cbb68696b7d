package dev.streamtune.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.EventSchemas;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.store.LocalFiles;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dev stack's own lifecycle: data kept across a restart on the same directory, wiped by {@code
 * fresh}, and nothing left running after {@code close()}. These tests start and stop DevStack
 * themselves, since its lifecycle is what they test.
 */
class DevStackIT {
  private final Path dir =
      Path.of("target", "devstack-it", UUID.randomUUID().toString()).toAbsolutePath();

  @AfterEach
  void cleanUp() {
    LocalFiles.deleteTree(dir);
  }

  @Test
  void keepsTopicsRecordsObjectsAndSchemasAcrossARestartAndFreshStartsEmpty() throws Exception {
    byte[] object = "kept".getBytes(StandardCharsets.UTF_8);
    int schemaId;
    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir, true))) {
      try (Admin admin = Admin.create(stack.kafka().clientProps())) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
      }
      try (var p =
          new KafkaProducer<>(
              stack.kafka().clientProps(), new StringSerializer(), new StringSerializer())) {
        p.send(new ProducerRecord<>("kept", "k", "a record")).get();
      }
      try (MinioClient s3 = stack.s3().newClient()) {
        s3.putObject(
            PutObjectArgs.builder().bucket(stack.s3().bucket()).object("kept.txt").stream(
                    new ByteArrayInputStream(object), object.length, -1)
                .build());
      }
      try (var registry = new SchemaRegistryClient(stack.registry())) {
        schemaId = registry.register("kept-value", EventSchemas.text(LabelledImage.class));
      }
    }

    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir, false))) {
      assertThat(topics(stack)).contains("kept", "images.labelled", "models.versions");
      assertThat(values(stack, "kept")).containsExactly("a record");
      try (MinioClient s3 = stack.s3().newClient();
          var in =
              s3.getObject(
                  GetObjectArgs.builder().bucket(stack.s3().bucket()).object("kept.txt").build())) {
        assertThat(in.readAllBytes()).isEqualTo(object);
      }
      try (var registry = new SchemaRegistryClient(stack.registry())) {
        assertThat(registry.lookup("kept-value", EventSchemas.text(LabelledImage.class)).id())
            .isEqualTo(schemaId);
      }
    }

    try (DevStack stack = DevStack.start(DevStackConfig.ephemeral(dir, true))) {
      assertThat(topics(stack)).doesNotContain("kept").contains("images.labelled");
      try (MinioClient s3 = stack.s3().newClient()) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () ->
                    s3.statObject(
                        StatObjectArgs.builder()
                            .bucket(stack.s3().bucket())
                            .object("kept.txt")
                            .build()))
            .hasMessageContaining("does not exist");
      }
      try (var registry = new SchemaRegistryClient(stack.registry())) {
        assertThat(registry.subjects()).isEmpty();
      }
    }
  }

  /**
   * Process-wide daemon pools of libraries, shared by every client in the JVM and not owned by the
   * stack: OkHttp's task runner and Okio's watchdog (they end when idle), and the tick threads of
   * Kafka's global Yammer metrics registry.
   */
  private static final List<String> JVM_WIDE_DAEMONS =
      List.of(
          "Okio Watchdog",
          "OkHttp TaskRunner",
          "metrics-meter-tick-thread",
          "ForkJoinPool.commonPool");

  @Test
  void closeLeavesNoThreadsRunning() {
    Set<String> before = liveThreadNames();
    DevStack.start(DevStackConfig.ephemeral(dir, true)).close();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              Set<Thread> left =
                  Thread.getAllStackTraces().keySet().stream()
                      .filter(
                          t ->
                              t.isAlive()
                                  && !before.contains(t.getName())
                                  && t != Thread.currentThread())
                      .collect(Collectors.toSet());
              assertThat(left).filteredOn(t -> !t.isDaemon()).extracting(Thread::getName).isEmpty();
              assertThat(left)
                  .extracting(Thread::getName)
                  .allMatch(
                      n -> JVM_WIDE_DAEMONS.stream().anyMatch(n::startsWith),
                      "a JVM-wide library daemon");
            });
  }

  private static Set<String> liveThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }

  private static Set<String> topics(DevStack stack) throws Exception {
    try (Admin admin = Admin.create(stack.kafka().clientProps())) {
      return admin.listTopics().names().get();
    }
  }

  private static List<String> values(DevStack stack, String topic) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> got = new ArrayList<>();
    try (var c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                return !got.isEmpty();
              });
    }
    return got;
  }
}
