package dev.streamtune.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.DeadLetterHeaders;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.TopicNames;
import dev.streamtune.events.TopicPolicy;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtune dlq replay} after a fix: ImageRefs to objects not uploaded yet are
 * dead-lettered (REF_MISSING) beside bad labels; once the objects are uploaded, replaying
 * REF_MISSING stores every one of them; replaying everything again stores nothing twice and sends
 * the still-bad labels back to the dead-letter topic. A dead letter of the trainer (stage {@code
 * train}, a quarantined example's reference) is counted but never re-sent.
 */
@WithStack
class DeadLetterReplayIT {

  @Test
  void replayingAfterAFixStoresTheRecordsOnceAndSendsStillBadOnesBack(Stack stack)
      throws Exception {
    TopicNames topics = stack.topics();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "dlq-replay-it");
    IngestConfig config = IngestIT.untriggered(stack, dir);
    List<byte[]> images = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 5; i++) {
      images.add(BadInputCorpus.png(r, 6, 6));
    }
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3());
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.registry());
        IngestApp app =
            IngestApp.start(
                config,
                stack.kafka(),
                stack.registry(),
                topics,
                new TopicPolicy(3, (short) -1, Duration.ofHours(1)),
                stack.s3());
        var producer =
            new KafkaProducer<>(
                Map.<String, Object>copyOf(stack.kafka().clientProps()),
                new StringSerializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .serializer())) {
      for (int i = 0; i < images.size(); i++) {
        producer.send(
            new ProducerRecord<>(
                topics.labelledImages(),
                "ref-" + i,
                LabelledImage.newBuilder()
                    .setEventId("ref-" + i)
                    .setModelId("m")
                    .setLabel("cat")
                    .setCapturedAt(Instant.EPOCH)
                    .setImage(
                        ImageRef.newBuilder()
                            .setUri("s3://" + stack.bucket() + "/uploads/replay/" + i + ".png")
                            .setSha256(Validator.sha256(images.get(i)))
                            .setContentType("image/png")
                            .build())
                    .build()));
      }
      for (int i = 0; i < 3; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.labelledImages(),
                "label-" + i,
                IngestTopologyTest.event(
                    "label-" + i, "m", "../escape", images.get(i), "image/png")));
      }
      producer.flush();
      assertThat(IngestIT.read(stack.kafka(), topics.deadLetters(), 8)).hasSize(8);
      try (var trainer =
          new KafkaProducer<>(
              Map.<String, Object>copyOf(stack.kafka().clientProps()),
              new StringSerializer(),
              new StringSerializer())) {
        var quarantined =
            new ProducerRecord<>(topics.deadLetters(), "examples/m/cat/x.jpg", "{\"key\":\"x\"}");
        quarantined
            .headers()
            .add(DeadLetterHeaders.STAGE, "train".getBytes(StandardCharsets.UTF_8))
            .add(DeadLetterHeaders.REASON, "CORRUPT".getBytes(StandardCharsets.UTF_8));
        trainer.send(quarantined).get();
      }

      for (int i = 0; i < images.size(); i++) {
        s3.put("uploads/replay/" + i + ".png", images.get(i), "image/png", Map.of());
      }
      var out = new java.io.StringWriter();
      var cli = dev.streamtune.cli.MainAccess.commandLine();
      cli.setOut(new java.io.PrintWriter(out));
      int status =
          cli.execute(
              "dlq",
              "replay",
              "--reason",
              "REF_MISSING",
              "--kafka-bootstrap-servers",
              stack.bootstrapServers(),
              "--topic-prefix",
              stack.topicPrefix());
      assertThat(status).isZero();
      assertThat(out.toString())
          .contains("Read 9 dead letters {BAD_LABEL=3, CORRUPT=1, REF_MISSING=5}; replayed 5.");
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(() -> assertThat(s3.list("examples/m/cat/")).hasSize(5));

      var again = DeadLetterReplay.replay(stack.kafka(), topics, Set.of(), false);
      assertThat(again.replayed())
          .as("the trainer's dead letter (stage train) is never re-sent")
          .isEqualTo(8);
      assertThat(IngestIT.read(stack.kafka(), topics.deadLetters(), 12))
          .as("the bad labels came back")
          .hasSize(12);
      assertThat(s3.list("examples/")).as("nothing stored twice").hasSize(5);
      assertThat(app.state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }
  }
}
