package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus ({@link BadInputCorpus}, over 1,000 records) on the live stack, a good
 * record after every fifth bad one: every bad record, those that do not decode included, lands in
 * the dead-letter topic with its specific reason; every good one is stored once; ingest stays
 * RUNNING.
 */
@WithStack
class BadInputIT {

  @Test
  void everyBadRecordIsDeadLetteredWithItsReasonWhileGoodOnesAreStored(Stack stack)
      throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bad-input-it");
    IngestConfig config = IngestIT.untriggered(stack, dir);
    Map<String, String> expected = new HashMap<>();
    Set<String> goodShas = new HashSet<>();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registry());
        IngestApp app =
            IngestApp.start(
                config,
                stack.kafka(),
                stack.registry(),
                topics,
                new TopicPolicy(3, (short) -1, Duration.ofHours(1)),
                stack.s3())) {
      s3.put(BadInputCorpus.REF_KEY, BadInputCorpus.REF_OBJECT, "image/png", Map.of());
      var images = ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry());
      var requests = ConfluentAvroSerde.of(TrainingRequest.class, registry, stack.registry());
      List<BadInputCorpus.Case> corpus =
          new BadInputCorpus(images, requests, topics.labelledImages(), stack.bucket(), 42)
              .generate();
      Random r = new Random(1);
      try (var producer =
          new KafkaProducer<>(
              Map.<String, Object>copyOf(stack.kafka().clientProps()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        for (int i = 0; i < corpus.size(); i++) {
          String key = "bad-" + i;
          expected.put(key, corpus.get(i).reason());
          producer.send(
              new ProducerRecord<>(
                  topics.labelledImages(),
                  key.getBytes(StandardCharsets.UTF_8),
                  corpus.get(i).value()));
          if (i % 5 == 0) {
            byte[] png = BadInputCorpus.png(r, 6, 6);
            goodShas.add(Validator.sha256(png));
            producer.send(
                new ProducerRecord<>(
                    topics.labelledImages(),
                    ("good-" + i).getBytes(StandardCharsets.UTF_8),
                    images
                        .serializer()
                        .serialize(
                            topics.labelledImages(),
                            IngestTopologyTest.event(
                                "good-" + i, "m", "label" + i % 3, png, "image/png"))));
          }
        }
      }

      List<ConsumerRecord<byte[], byte[]>> dead =
          IngestIT.read(stack.kafka(), topics.deadLetters(), corpus.size());
      assertThat(IngestIT.reasons(dead)).isEqualTo(expected);
      assertThat(dead)
          .as("exactly one dead letter per bad record, none for a good one")
          .hasSize(corpus.size());
      for (ConsumerRecord<byte[], byte[]> d : dead) {
        String key = new String(d.key(), StandardCharsets.UTF_8);
        BadInputCorpus.Case sent = corpus.get(Integer.parseInt(key.substring("bad-".length())));
        assertThat(d.value()).as(key + " keeps its original value").isEqualTo(sent.value());
        assertThat(header(d, "__streams.errors.topic")).as(key).isEqualTo(topics.labelledImages());
        assertThat(header(d, DeadLetters.STAGE)).as(key).isIn("decode", "validate");
        assertThat(header(d, DeadLetters.TIME)).as(key).isNotBlank();
        assertThat(header(d, "__streams.errors.message")).as(key).isNotBlank();
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(s3.list("examples/m/")).hasSize(goodShas.size()));
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
