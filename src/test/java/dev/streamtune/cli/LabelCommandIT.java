package dev.streamtune.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamtune.digest.Sha256;
import dev.streamtune.events.ConfluentAvroSerde;
import dev.streamtune.events.ImageRef;
import dev.streamtune.events.LabelledImage;
import dev.streamtune.events.LabellingRequest;
import dev.streamtune.events.Prediction;
import dev.streamtune.events.SchemaRegistryClient;
import dev.streamtune.events.ScoredLabel;
import dev.streamtune.feedback.FeedbackConfig;
import dev.streamtune.feedback.FeedbackRun;
import dev.streamtune.feedback.LabellingRequests;
import dev.streamtune.store.MinioObjectStore;
import dev.streamtune.testing.Invariants;
import dev.streamtune.testing.Stack;
import dev.streamtune.testing.WithStack;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The labelling loop on the embedded stack, without training: the feedback role turns uncertain
 * predictions into labelling requests (two of three images, the daily budget being 2; a repeated
 * image asks nothing), and {@code streamtune label} answers them from its input, a quit leaving
 * them pending, a label becoming a {@code LabelledImage} that refers to the kept image and names
 * its request.
 */
@WithStack
class LabelCommandIT {
  private static final String MODEL = "shirts";

  @Test
  void uncertainPredictionsBecomeRequestsThatLabelAnswers(Stack stack, @TempDir Path dir)
      throws Exception {
    var topics = stack.topics();
    List<byte[]> images = List.of(png(1), png(2), png(3));
    List<Prediction> predictions = new ArrayList<>();
    try (MinioObjectStore s3 = new MinioObjectStore(stack.s3())) {
      for (byte[] image : images) {
        String sha = Sha256.hex(image);
        String key = "feedback/" + MODEL + "/" + sha + ".png";
        s3.put(key, image, "image/png", Map.of());
        predictions.add(prediction(sha, "s3://" + s3.bucket() + "/" + key));
      }
    }
    predictions.add(
        prediction(predictions.get(0).getImageSha256(), predictions.get(0).getImageUri()));
    try (FeedbackRun run =
        FeedbackRun.start(stack, FeedbackConfig.defaults().withDailyRequests(2))) {
      var registry = run.registry();
      run.send(predictions);
      await().atMost(Duration.ofSeconds(60)).until(() -> requests(stack, registry).size() >= 2);
      List<LabellingRequest> asked = requests(stack, registry);
      assertThat(asked)
          .extracting(LabellingRequest::getRequestId)
          .as("the first two images; the third is over the budget, the fourth a repeat")
          .containsExactly(
              predictions.get(0).getPredictionId(), predictions.get(1).getPredictionId());

      String quit = label(stack, dir, "q\n");
      assertThat(quit).contains("[1] shirts v4 was unsure").contains("Sent 0 label(s)");
      String answered = label(stack, dir, "2\n\n");
      assertThat(answered)
          .contains("[1] shirts v4 was unsure (margin 0.05): 1) shirt 0.45, 2) t-shirt 0.40")
          .contains("[2] shirts v4")
          .contains("Sent 1 label(s)")
          .contains("skipped 1");
      assertThat(dir.resolve("images").resolve(asked.get(0).getImageSha256() + ".png"))
          .as("the image copied for viewing")
          .hasBinaryContent(images.get(0));
      assertThat(label(stack, dir, "shirt\n")).as("nothing pending").contains("Sent 0 label(s)");

      var labelled =
          Invariants.readToEnd(
              stack.kafka(),
              topics.labelledImages(),
              ConfluentAvroSerde.of(LabelledImage.class, registry, stack.registry())
                  .deserializer());
      assertThat(labelled).hasSize(1);
      LabelledImage answer = labelled.get(0).value();
      assertThat(answer.getModelId()).isEqualTo(MODEL);
      assertThat(answer.getLabel()).isEqualTo("t-shirt");
      assertThat(answer.getImage())
          .isEqualTo(
              new ImageRef(asked.get(0).getImageUri(), asked.get(0).getImageSha256(), "image/png"));
      assertThat(answer.getAttributes())
          .containsEntry(LabellingRequests.ATTRIBUTE, asked.get(0).getRequestId())
          .containsEntry(LabellingRequests.SOURCE, "it");
    }
  }

  private static String label(Stack stack, Path dir, String typed) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    var before = LabelCommand.input;
    LabelCommand.input = new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8));
    try {
      int rc =
          cl.execute(
              "label",
              "--model",
              MODEL,
              "--by",
              "it",
              "--wait",
              "3",
              "--images",
              dir.resolve("images").toString(),
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
      return out.toString();
    } finally {
      LabelCommand.input = before;
    }
  }

  private static List<LabellingRequest> requests(Stack stack, SchemaRegistryClient registry) {
    return Invariants.readToEnd(
            stack.kafka(),
            stack.topics().labellingRequests(),
            ConfluentAvroSerde.of(LabellingRequest.class, registry, stack.registry())
                .deserializer())
        .stream()
        .map(r -> r.value())
        .toList();
  }

  private static Prediction prediction(String sha, String uri) {
    return Prediction.newBuilder()
        .setPredictionId(UUID.randomUUID().toString())
        .setModelId(MODEL)
        .setVersion(4)
        .setPredictedAt(Instant.now())
        .setTop(List.of(new ScoredLabel("shirt", 0.45f), new ScoredLabel("t-shirt", 0.40f)))
        .setMargin(0.05f)
        .setEntropy(1.0f)
        .setImageSha256(sha)
        .setImageUri(uri)
        .build();
  }

  private static byte[] png(int seed) throws Exception {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    img.setRGB(seed, seed, 0xFFFFFF);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
