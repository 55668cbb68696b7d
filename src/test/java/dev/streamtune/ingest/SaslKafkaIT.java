package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamtune.devstack.EmbeddedKafka;
import dev.streamtune.devstack.EmbeddedS3;
import dev.streamtune.devstack.SaslUsers;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.RegistryConfig;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.registry.EmbeddedRegistryConfig;
import dev.streamtune.events.registry.EmbeddedSchemaRegistry;
import dev.streamtune.store.LocalFiles;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.store.S3Config;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker of its own with a SASL_PLAINTEXT listener: wrong credentials are refused with an
 * authentication error, right ones produce and consume, and ingest (Kafka Streams, exactly-once)
 * with the embedded registry's schema log runs against it with nothing but a SASL KafkaConfig.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SaslKafkaIT {
  private static final Map<String, String> USERS =
      Map.of("alice", "alice-secret", "ingest", "ingest \"secret\"");
  private static Path dir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sasl-it");
    kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, 0, new SaslUsers(USERS));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
    LocalFiles.deleteTree(dir);
  }

  @Test
  void wrongCredentialsAreRefusedWithAnAuthenticationError() {
    for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
      assertThatThrownBy(() -> describe(kafka.clientConfig(mechanism, "alice", "wrong")))
          .as(mechanism)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class)
          .cause()
          .hasMessageContaining("Authentication failed");
      assertThatThrownBy(() -> describe(kafka.clientConfig(mechanism, "mallory", "alice-secret")))
          .as(mechanism)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void thePasswordsAreNotWrittenToTheDataDirectory() throws Exception {
    String props = Files.readString(kafka.dataDir().resolve("server.properties"));
    assertThat(props)
        .contains("SASL_PLAINTEXT")
        .doesNotContain("alice-secret")
        .doesNotContain("jaas");
  }

  @Test
  void rightCredentialsProduceAndConsumeWithEveryMechanism() throws Exception {
    for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
      KafkaConfig alice = kafka.clientConfig(mechanism, "alice", "alice-secret");
      assertThat(describe(alice)).isEqualTo(1);
      String topic = "sasl-" + mechanism.toLowerCase(java.util.Locale.ROOT);
      try (Admin admin = Admin.create(alice.clientProps())) {
        admin
            .createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (var producer =
          new KafkaProducer<>(
              alice.idempotentProducerProps(), new StringSerializer(), new StringSerializer())) {
        producer
            .send(new ProducerRecord<>(topic, "k", "hello over " + mechanism))
            .get(30, TimeUnit.SECONDS);
      }
      List<String> got = new ArrayList<>();
      try (var consumer =
          new KafkaConsumer<>(
              alice.readCommittedConsumerProps(),
              new StringDeserializer(),
              new StringDeserializer())) {
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                  return !got.isEmpty();
                });
      }
      assertThat(got).containsExactly("hello over " + mechanism);
    }
  }

  @Test
  void ingestRunsOnASaslClusterAndStoresAnExample() throws Exception {
    KafkaConfig secured = kafka.clientConfig("SCRAM-SHA-512", "ingest", USERS.get("ingest"));
    TopicNames topics = TopicNames.defaults();
    S3Config s3Config;
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "sasl-it", "sasl-it-secret");
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(EmbeddedRegistryConfig.defaults(secured))) {
      s3Config =
          new S3Config(s3.endpoint(), "us-east-1", "streamtune", "sasl-it", "sasl-it-secret");
      try (MinioClient client = s3Config.newClient()) {
        client.makeBucket(MakeBucketArgs.builder().bucket(s3Config.bucket()).build());
      }
      RegistryConfig registryConfig = RegistryConfig.of(registry.url());
      IngestConfig config =
          IngestConfig.defaults()
              .withTriggers(1_000_000, 1, Duration.ZERO)
              .withApplication("sasl-ingest", dir.resolve("state"));
      byte[] png = BadInputCorpus.png(new Random(5), 8, 8);
      try (IngestApp app =
              IngestApp.start(
                  config,
                  secured,
                  registryConfig,
                  topics,
                  new TopicPolicy(1, (short) 1, Duration.ofHours(1)),
                  s3Config);
          SchemaRegistryClient client = new SchemaRegistryClient(registryConfig);
          var producer =
              new KafkaProducer<>(
                  secured.idempotentProducerProps(),
                  new StringSerializer(),
                  ConfluentAvroSerde.of(LabelledImage.class, client, registryConfig).serializer());
          MinioObjectStore store = new MinioObjectStore(s3Config)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> app.state() == KafkaStreams.State.RUNNING);
        producer
            .send(
                new ProducerRecord<>(
                    topics.labelledImages(),
                    "m",
                    IngestTopologyTest.event("sasl-1", "m", "cat", png, "image/png")))
            .get(30, TimeUnit.SECONDS);
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .untilAsserted(() -> assertThat(store.list("examples/m/cat/")).hasSize(1));
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(store.get(store.list("examples/m/cat/").get(0)).orElseThrow()).isEqualTo(png);
      }
    }
  }

  private static int describe(KafkaConfig config) throws Exception {
    Map<String, Object> p = config.clientProps();
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    try (Admin admin = Admin.create(p)) {
      return admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).size();
    }
  }
}
