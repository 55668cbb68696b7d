package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.InlineImage;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@WithStack
class ProduceCommandIT {

  @Test
  void publishesAFolderPerClassDatasetWithClaimChecksAboveTheThreshold(
      Stack stack, @TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("cat"));
    Files.createDirectories(dir.resolve("dog"));
    Files.write(dir.resolve("cat/a.png"), png(8, 1));
    Files.write(dir.resolve("cat/b.png"), png(8, 2));
    Files.write(dir.resolve("dog/big.png"), png(200, 3));
    Files.writeString(dir.resolve("dog/notes.txt"), "not an image");
    String topic = stack.topics().labelledImages();
    stack.createTopics(topic);
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));

    int rc =
        cl.execute(
            "produce",
            dir.toString(),
            "--model",
            "pets",
            "--ref-above",
            "16",
            "--kafka-bootstrap-servers",
            stack.bootstrapServers(),
            "--schema-registry-url",
            stack.registryUrl().toString(),
            "--topic-prefix",
            stack.topicPrefix(),
            "--s3-endpoint",
            stack.s3Endpoint().toString(),
            "--s3-bucket",
            stack.bucket());

    assertThat(rc).as(out.toString()).isZero();
    assertThat(out.toString())
        .contains("Sent 3 events")
        .contains("1 as ImageRefs")
        .contains("skipped 1 files")
        .contains("produce pets: 4/4");
    List<LabelledImage> events = consume(stack, topic, 3);
    assertThat(events)
        .extracting(LabelledImage::getLabel)
        .containsExactlyInAnyOrder("cat", "cat", "dog");
    assertThat(events).allSatisfy(e -> assertThat(e.getModelId()).isEqualTo("pets"));
    LabelledImage ref =
        events.stream().filter(e -> e.getImage() instanceof ImageRef).findFirst().orElseThrow();
    String uri = ((ImageRef) ref.getImage()).getUri();
    assertThat(uri).startsWith("s3://" + stack.bucket() + "/uploads/pets/");
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      assertThat(s3.get(URI.create(uri).getPath().substring(1)))
          .hasValue(Files.readAllBytes(dir.resolve("dog/big.png")));
    }
    assertThat(events.stream().filter(e -> e.getImage() instanceof InlineImage)).hasSize(2);
  }

  private static List<LabelledImage> consume(Stack stack, String topic, int n) {
    Map<String, Object> p = new HashMap<>(stack.kafka().clientProps());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "produce-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<LabelledImage> got = new ArrayList<>();
    try (var registry = new SchemaRegistryClient(stack.registry());
        var c =
            new KafkaConsumer<>(
                p,
                new StringDeserializer(),
                ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                    .deserializer())) {
      c.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(r -> got.add(r.value()));
                return got.size() >= n;
              });
    }
    return got;
  }

  private static byte[] png(int size, long seed) throws Exception {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        img.setRGB(x, y, r.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
