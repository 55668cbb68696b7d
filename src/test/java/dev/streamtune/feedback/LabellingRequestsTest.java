package dev.streamtune.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamtune.events.ImageRef;
import dev.streamtune.events.LabelGuess;
import dev.streamtune.events.LabellingRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a labelling request is answered, and the formats a kept image can have. */
class LabellingRequestsTest {
  @Test
  void theAnswerIsALabelledImageReferringToTheKeptImageAndNamingTheRequest() {
    LabellingRequest r =
        LabellingRequest.newBuilder()
            .setRequestId("p-1")
            .setModelId("shirts")
            .setVersion(2)
            .setRequestedAt(Instant.parse("2026-12-07T10:00:00Z"))
            .setImageUri("s3://streamtune/feedback/shirts/" + "a".repeat(64) + ".jpg")
            .setImageSha256("a".repeat(64))
            .setContentType("image/jpeg")
            .setGuesses(List.of(new LabelGuess("shirt", 0.5f)))
            .setMargin(0.1f)
            .setEntropy(0.7f)
            .setAttributes(Map.of())
            .build();
    Instant at = Instant.parse("2026-12-07T11:00:00Z");
    var answer = LabellingRequests.answer(r, "t-shirt", "alice", at);
    assertThat(answer.getEventId()).isEqualTo("labelling-p-1");
    assertThat(LabellingRequests.answer(r, "shirt", "bob", at).getEventId())
        .as("one request, one event id: ingest stores a second answer as a relabel")
        .isEqualTo(answer.getEventId());
    assertThat(answer.getModelId()).isEqualTo("shirts");
    assertThat(answer.getLabel()).isEqualTo("t-shirt");
    assertThat(answer.getCapturedAt()).isEqualTo(at);
    assertThat(answer.getImage())
        .isEqualTo(new ImageRef(r.getImageUri(), r.getImageSha256(), "image/jpeg"));
    assertThat(answer.getAttributes())
        .containsEntry(LabellingRequests.ATTRIBUTE, "p-1")
        .containsEntry(LabellingRequests.SOURCE, "alice");
  }

  @Test
  void aKeptImageIsOfAFormatIngestReads() {
    assertThat(LabellingRequests.contentType("png")).hasValue("image/png");
    assertThat(LabellingRequests.contentType("jpg")).hasValue("image/jpeg");
    assertThat(LabellingRequests.contentType("gif")).hasValue("image/gif");
    assertThat(LabellingRequests.contentType("bmp")).hasValue("image/bmp");
    assertThat(LabellingRequests.contentType("tiff")).isEmpty();
  }
}
