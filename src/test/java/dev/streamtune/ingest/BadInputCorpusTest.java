package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.KafkaConfig;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.MalformedPayloadException;
import dev.streamtune.events.SubjectNameStrategy;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TrainingRequest;
import dev.streamtune.events.registry.LocalSchemaRegistry;
import dev.streamtune.store.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The bad-input corpus ({@link BadInputCorpus}, over 1,000 generated records) through the real
 * ingest topology, with a good record after every fifth bad one: every record that decodes but
 * breaks a rule is dead-lettered with its specific reason, every good one is stored, and nothing
 * else happens. TopologyTestDriver drops the dead letters of a deserialization handler, so for the
 * records that do not decode this checks the reason the decoder gives (which the handler copies
 * into the header); {@code BadInputIT} checks their dead letters on a live stack.
 */
class BadInputCorpusTest {
  private final TopicNames topics = TopicNames.defaults();
  private final LocalSchemaRegistry registry = LocalSchemaRegistry.inMemory();
  private final ConfluentAvroSerde<LabelledImage> images =
      new ConfluentAvroSerde<>(LabelledImage.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
  private final ConfluentAvroSerde<TrainingRequest> requests =
      new ConfluentAvroSerde<>(
          TrainingRequest.class, registry, SubjectNameStrategy.TOPIC_NAME, true);
  private final InMemoryObjectStore store = new InMemoryObjectStore("streamtune");

  private String decodeFailure(byte[] value) {
    try {
      images.deserializer().deserialize(topics.labelledImages(), value);
      return "decoded";
    } catch (MalformedPayloadException e) {
      return e.reason();
    }
  }

  @Test
  void everyBadRecordIsDeadLetteredWithItsReasonAndEveryGoodOneIsStored() {
    store.put(BadInputCorpus.REF_KEY, BadInputCorpus.REF_OBJECT, "image/png", Map.of());
    List<BadInputCorpus.Case> corpus =
        new BadInputCorpus(images, requests, topics.labelledImages(), "streamtune", 42).generate();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(1000);
    IngestConfig c =
        IngestConfig.defaults()
            .withTriggers(1_000_000, 1, java.time.Duration.ZERO)
            .withApplication(
                "corpus-test", Path.of("target", "ttd-state", UUID.randomUUID().toString()));
    Properties props = new Properties();
    props.putAll(IngestTopology.properties(c, KafkaConfig.plaintext("unused:9092"), topics));
    Set<String> goodShas = new HashSet<>();
    Map<String, String> dead = new HashMap<>();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            IngestTopology.build(c, topics, images, requests, store),
            props,
            Instant.parse("2026-01-01T00:00:00Z"))) {
      var raw =
          driver.createInputTopic(
              topics.labelledImages(), new ByteArraySerializer(), new ByteArraySerializer());
      var dlq =
          driver.createOutputTopic(
              topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      Random r = new Random(1);
      for (int i = 0; i < corpus.size(); i++) {
        raw.pipeInput(("bad-" + i).getBytes(StandardCharsets.UTF_8), corpus.get(i).value());
        if (i % 5 == 0) {
          byte[] png = BadInputCorpus.png(r, 6, 6);
          goodShas.add(Validator.sha256(png));
          raw.pipeInput(
              ("good-" + i).getBytes(StandardCharsets.UTF_8),
              images
                  .serializer()
                  .serialize(
                      topics.labelledImages(),
                      IngestTopologyTest.event(
                          "good-" + i, "m", "label" + i % 3, png, "image/png")));
        }
      }
      for (TestRecord<byte[], byte[]> d : dlq.readRecordsToList()) {
        Header reason = d.headers().lastHeader("streamtune.reason");
        dead.put(
            new String(d.key(), StandardCharsets.UTF_8),
            reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
      }
    }
    Set<String> decodeReasons =
        java.util.Arrays.stream(MalformedPayloadException.Reason.values())
            .map(Enum::name)
            .collect(java.util.stream.Collectors.toSet());
    Map<String, String> wrong = new TreeMap<>();
    int decodeStage = 0;
    for (int i = 0; i < corpus.size(); i++) {
      BadInputCorpus.Case bad = corpus.get(i);
      String got = dead.get("bad-" + i);
      if (decodeReasons.contains(bad.reason())) {
        decodeStage++;
        got = decodeFailure(bad.value());
      }
      if (!bad.reason().equals(got)) {
        wrong.merge(
            bad.kind().replaceAll("\"[^\"]*\"", "…")
                + ": expected "
                + bad.reason()
                + ", got "
                + got,
            "1",
            (a, b) -> Integer.toString(Integer.parseInt(a) + 1));
      }
    }
    assertThat(wrong).as("bad records without their dead letter and reason").isEmpty();
    assertThat(dead)
        .as("validate-stage dead letters only; no good record dead-lettered")
        .hasSize(corpus.size() - decodeStage);
    assertThat(decodeStage).isGreaterThan(500);
    assertThat(store.list("examples/m/"))
        .as("every good record stored once")
        .hasSize(goodShas.size());
  }
}
